"""The contract mock side by side with Stoplight Prism, on the project's own OpenAPI export.

    npm install --prefix /tmp/prism @stoplight/prism-cli      # not committed; node and npm are enough
    python3 tools/prism_compare.py --prism /tmp/prism/node_modules/.bin/prism

Both servers get the same requests: per operation, every valid request example of the contract
(with a valid header set), and invalid requests drawn derandomized from
``invoicespec.strategies.faults`` for the body, the headers and the path parameters (one
violation each, so each is a request the vendor would refuse). An invalid request counts as
caught when the answer is not a 2xx; a valid one as accepted when it is a 2xx. Then each server
gets the same valid requests in a timed loop at a fixed concurrency (requests per second).
Prism runs from ``invoicespec openapi``'s document, with ``--errors`` off (its default: it answers
invalid requests 422/400 from its own validation). Prints a Markdown table (the README's).

Prism 5.14 validates no request at all when the document declares ``jsonSchemaDialect`` (the export
names the OpenAPI 3.1 base dialect, which is also the default when the field is absent): every
invalid request then gets a 201. Prism therefore reads the export with that one field left out, which
changes nothing for a reader that follows the specification; ``--as-exported`` keeps it, to show the
difference.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, settings

import invoicespec
from invoicespec.live.contract import example_request
from invoicespec.outputs.openapi import openapi_document
from invoicespec.strategies import faults

Call = tuple[str, dict[str, str], Any]  # path, headers, body


def _draw(strategy: Any, count: int) -> list[Any]:
    drawn: list[Any] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn[:count]


def requests_of(operation: str, count: int) -> tuple[list[Call], list[tuple[str, Call]]]:
    """The valid calls, and the invalid ones with the keyword each breaks."""
    info = invoicespec.operation_info(operation)
    parameters = (invoicespec.validator(operation, "request.path").examples[0]
                  if "request.path" in info.parts else {})
    path, headers, _ = example_request(operation)
    bodies = invoicespec.validator(operation, "request").examples
    valid = [(path, headers, body) for body in bodies]
    invalid: list[tuple[str, Call]] = []
    for body, _, keyword in _draw(faults(operation), count):
        invalid.append((keyword, (path, headers, body)))
    for fault, _, keyword in _draw(faults(operation, "request.headers"), count // 3):
        if _sendable(fault):  # HTTP itself cannot carry a header with a trailing space or a control character
            invalid.append((keyword, (path, fault, bodies[0])))
    if parameters:
        for fault, _, keyword in _draw(faults(operation, "request.path"), count // 6):
            if isinstance(fault, dict) and all(isinstance(v, (str, int)) and str(v) and "/" not in str(v)
                                               for v in fault.values()) and set(fault) == set(parameters):
                invalid.append((keyword, (example_request(operation, fault)[0], headers, bodies[0])))
    return valid, invalid


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"([\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?)?")


def _sendable(headers: Any) -> bool:
    return isinstance(headers, dict) and all(
        isinstance(name, str) and isinstance(value, str) and _HEADER_NAME.fullmatch(name)
        and _HEADER_VALUE.fullmatch(value) for name, value in headers.items())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(command: list[str], ready: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if re.search(ready, line):
            threading.Thread(target=process.stdout.read, daemon=True).start()  # logs read and dropped
            return process
    raise SystemExit(f"{command[0]} did not start")


async def _throughput(url: str, calls: list[Call], total: int, concurrency: int) -> float:
    queue = iter(range(total))
    failures = Counter[int]()

    async def worker(client: httpx.AsyncClient) -> None:
        for index in queue:
            path, headers, body = calls[index % len(calls)]
            response = await client.post(path, json=body, headers=headers)
            if response.status_code >= 300:
                failures[response.status_code] += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if failures:
        print(f"  note: {url} answered {dict(failures)} to valid requests in the timed loop", file=sys.stderr)
    return total / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prism", default=os.environ.get("PRISM", "/tmp/prism/node_modules/.bin/prism"))
    parser.add_argument("--faults", type=int, default=60, help="invalid bodies drawn per operation")
    parser.add_argument("--requests", type=int, default=1000, help="requests in each timed loop")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--as-exported", action="store_true",
                        help="give Prism the export as it is, jsonSchemaDialect included (see above)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "openapi.json"
        exported = openapi_document()
        if not args.as_exported:
            exported.pop("jsonSchemaDialect")
        document.write_text(json.dumps(exported), encoding="utf-8")
        mock_port, prism_port = _free_port(), _free_port()
        servers = {
            "invoicespec mock": (_start([sys.executable, "-m", "invoicespec", "mock", "--port", str(mock_port)],
                                        r"running on"), f"http://127.0.0.1:{mock_port}"),
            "Prism": (_start([args.prism, "mock", str(document), "--port", str(prism_port), "-v", "info"],
                             r"Prism is listening"), f"http://127.0.0.1:{prism_port}"),
        }
        try:
            rows, all_valid = [], []
            for operation in invoicespec.operations():
                valid, invalid = requests_of(operation, args.faults)
                all_valid += valid
                counts: dict[str, list[int]] = {}
                for name, (_, url) in servers.items():
                    with httpx.Client(base_url=url, timeout=60) as client:
                        accepted = sum(client.post(p, json=b, headers=h).status_code < 300 for p, h, b in valid)
                        caught_by_kind: Counter[bool] = Counter()
                        caught = 0
                        for keyword, (p, h, b) in invalid:
                            refused = client.post(p, content=json.dumps(b, allow_nan=True).encode(),
                                                  headers=h).status_code >= 300
                            caught += refused
                            caught_by_kind[keyword.startswith("x-")] += refused
                        custom = sum(keyword.startswith("x-") for keyword, _ in invalid)
                    counts[name] = [accepted, caught, caught_by_kind[True], custom]
                mine, theirs = counts["invoicespec mock"], counts["Prism"]
                rows.append(f"| `{operation}` | {len(valid)} | {mine[0]} / {theirs[0]} | {len(invalid)} "
                            f"| {mine[1]} / {theirs[1]} | {mine[3]} | {mine[2]} / {theirs[2]} |")
            speeds = {name: asyncio.run(_throughput(url, all_valid, args.requests, args.concurrency))
                      for name, (_, url) in servers.items()}
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(10)
                if process.stdout is not None:
                    process.stdout.close()

    print("| operation | valid requests | accepted (invoicespec / Prism) | invalid requests "
          "| caught (invoicespec / Prism) | of which break an `x-` rule | caught (invoicespec / Prism) |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(f"Valid requests per second, {args.requests} at concurrency {args.concurrency}: "
          + ", ".join(f"{name} {speed:.0f}" for name, speed in speeds.items())
          + f" (ratio {speeds['invoicespec mock'] / speeds['Prism']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

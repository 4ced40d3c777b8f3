"""A bounded load test of the contract mock: N requests at a fixed concurrency, no error allowed.

    python3 tools/mock_load.py                      # 2,000 requests, 20 at a time, against a fresh mock
    python3 tools/mock_load.py --url http://127.0.0.1:8000 --requests 500

Starts ``invoicespec mock`` in a subprocess on a free port (unless ``--url`` names a running one),
sends valid and invalid requests of every operation in turn with httpx's async client, and
fails (exit 1) on any transport error, any 5xx, or an answer other than the expected status
(the documented success for a valid request, a 4xx for an invalid one). Prints the requests per
second. Used by the README's figures; tests/test_mock_tools.py runs a small smoke of it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx

import invoicespec
from invoicespec.live.contract import example_request


def calls() -> list[tuple[str, dict[str, str], Any, bool]]:
    """One valid and one invalid request per operation: (path, headers, body, valid)."""
    made = []
    for operation in invoicespec.operations():
        path, headers, body = example_request(operation)
        made.append((path, headers, body, True))
        made.append((path, headers, {**body, "unknown_field_for_the_load_test": 1}
                     if isinstance(body, dict) else None, False))
    return made


@contextlib.contextmanager
def mock_server() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-m", "invoicespec", "mock", "--port", "0"],
                               stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        for line in process.stderr:
            found = re.search(r"running on (http://\S+)", line)
            if found:
                break
        else:
            raise SystemExit("the mock did not start")
        # Its log (one line per exchange) is read and dropped, so the pipe never fills.
        threading.Thread(target=process.stderr.read, daemon=True).start()
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(10)
        process.stderr.close()


async def load(url: str, total: int, concurrency: int) -> tuple[float, Counter[str], list[str]]:
    plan = calls()
    problems: list[str] = []
    outcomes: Counter[str] = Counter()
    queue = iter(range(total))

    async def worker(client: httpx.AsyncClient) -> None:
        for index in queue:
            path, headers, body, valid = plan[index % len(plan)]
            try:
                response = await client.post(path, json=body, headers=headers)
            except httpx.HTTPError as error:
                problems.append(f"{path}: {type(error).__name__}: {error}")
                continue
            status = response.status_code
            outcomes[f"{status // 100}xx"] += 1
            if status >= 500 or (200 <= status < 300) != valid:
                problems.append(f"{path} ({'valid' if valid else 'invalid'}): {status} {response.text[:200]}")

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        await client.post(plan[0][0], json=plan[0][2], headers=plan[0][1])  # warm: schemas compiled
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, outcomes, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--url", help="a running mock (default: start one)")
    args = parser.parse_args(argv)
    with contextlib.nullcontext(args.url) if args.url else mock_server() as url:
        elapsed, outcomes, problems = asyncio.run(load(url, args.requests, args.concurrency))
    print(f"{args.requests} requests at concurrency {args.concurrency} in {elapsed:.2f} s: "
          f"{args.requests / elapsed:.0f} requests/s; answers {dict(sorted(outcomes.items()))}; "
          f"errors {len(problems)}")
    for problem in problems[:10]:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

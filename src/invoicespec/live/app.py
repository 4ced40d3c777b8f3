"""The contract mock: every operation of a catalog served over HTTP by Starlette (run by uvicorn).

A request is matched by method and path template, checked whole (path parameters,
headers, body) and answered from the contract: the documented success for a valid
request, the most fitting documented client error for an invalid one, with the
violations in the body where the vendor's error shape has room and in the
``invoicespec-violations`` header. See :func:`create_app`.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route as StarletteRoute
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("the invoicespec mock needs Starlette and uvicorn: pip install 'invoicespec[mock]'") from error

from invoicespec.catalog.load import Catalog
from invoicespec.live.answers import Answer, Preference, answer_key, client_error, problem, success
from invoicespec.live.contract import MAX_BODY_BYTES, Contract, Violation

__all__ = ["VIOLATIONS_HEADER", "create_app", "running"]

VIOLATIONS_HEADER = "invoicespec-violations"
#: The violations header stays below this many bytes (servers and proxies refuse headers of 8 KB and more).
MAX_VIOLATIONS_HEADER = 4096
_DRAINED_LIMITS = 4
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
log = logging.getLogger("invoicespec.mock")


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, or _TooLarge past ``limit`` bytes: then the rest is read and dropped up to a few times the
    limit (a client still sending when the answer comes would see the connection reset, not the 413)."""
    declared = request.headers.get("content-length", "")
    too_large = declared.isdigit() and int(declared) > limit
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit * _DRAINED_LIMITS:
            break
        if too_large or size > limit:
            too_large = True
            continue
        chunks.append(chunk)
    if too_large:
        raise _TooLarge
    return b"".join(chunks)


def violations_header(violations: list[Violation]) -> str:
    """The violations as a JSON list (ASCII), as many whole entries as fit in :data:`MAX_VIOLATIONS_HEADER`."""
    entries: list[str] = []
    size = 2
    for violation in violations:
        entry = json.dumps(violation.to_dict(), ensure_ascii=True, separators=(",", ":"))
        if size + len(entry) + 1 > MAX_VIOLATIONS_HEADER:
            break
        entries.append(entry)
        size += len(entry) + 1
    return "[" + ",".join(entries) + "]"


def create_app(
    *, seed: int = 0, catalog: Catalog | None = None, violations_header_on: bool = True,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Starlette:
    """The mock as an ASGI application, for the operations of ``catalog`` (the shipped ones by default).

    ``seed`` picks among the documented bodies: the same seed and request always get the same answer.
    ``violations_header_on`` adds the ``invoicespec-violations`` header to answers of invalid requests.
    A body larger than ``max_body_bytes`` is answered 413 without being read on.
    """
    contract = Contract(catalog)
    routes = [f"{route.method} {route.template} ({route.operation.id})" for route in contract.routes]

    async def exchange(request: Request) -> Response:
        method, path = request.method, request.url.path
        violations: list[Violation] = []
        found = contract.find(method, path)
        if found is None:
            allowed = contract.methods_at(path)
            if allowed:
                answer = problem(405, f"{path} answers {', '.join(allowed)}, not {method}", routes=routes)
            else:
                answer = problem(404, f"no operation at {method} {path}", routes=routes)
            extra = {"allow": ", ".join(allowed)} if allowed else {}
            return _respond(method, path, answer, violations, extra, violations_header_on)
        route, parameters = found
        try:
            raw = await _read_body(request, max_body_bytes)
        except _TooLarge:
            answer = problem(413, f"the body is larger than {max_body_bytes} bytes", operation=route.operation.id)
            return _respond(method, path, answer, violations, {"connection": "close"}, violations_header_on)
        checked = contract.check_request(route, parameters, request.headers.items(), raw)
        violations = checked.violations
        key = answer_key(seed, method, path, raw)
        if violations:
            answer = client_error(contract, checked, key)
        else:
            answer = success(contract, route.operation, key, Preference.parse(request.headers.get("prefer", "")))
        return _respond(method, path, answer, violations, {}, violations_header_on)

    return Starlette(routes=[StarletteRoute("/{path:path}", exchange, methods=_METHODS)])


def _respond(method: str, path: str, answer: Answer, violations: list[Violation], headers: dict[str, str],
             header_on: bool) -> Response:
    log.info("%s %s %d violations=%d", method, path, answer.status, len(violations))
    if violations and header_on:
        headers = {**headers, VIOLATIONS_HEADER: violations_header(violations)}
    return Response(answer.content(), answer.status, headers, answer.media_type)


@contextmanager
def running(host: str = "127.0.0.1", port: int = 0, **options: Any) -> Iterator[str]:
    """Serve the mock with uvicorn in a background thread while the block runs; yields its base URL.

    ``port=0`` takes a free port. ``options`` go to :func:`create_app`.
    """
    import uvicorn

    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    # log_config=None: the host process (a test run) keeps its own logging set-up.
    config = uvicorn.Config(create_app(**options), log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="invoicespec-mock",
                              daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the mock server stopped while starting")
            thread.join(0.01)
        bound_host, bound_port = listener.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        yield f"http://{shown}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()

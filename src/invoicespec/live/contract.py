"""One HTTP exchange against the catalog: which operation a request is, and what is wrong with it.

The mock server and the validating transports share everything here, so a request
the transport refuses is one the mock answers with a client error, and the other way
round. Nothing here imports an HTTP library: callers hand over the method, the path,
the headers and the raw body bytes.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

import invoicespec
from invoicespec.catalog.load import Catalog, Operation, part_order
from invoicespec.engine.validator import Validator
from invoicespec.io.files import PayloadFileError, parse_json
from invoicespec._errors import Error, InvalidPayload

__all__ = [
    "MAX_BODY_BYTES", "CallChecker", "Contract", "example_request", "ContractWarning", "Exchange", "Policy", "Route", "Violation", "parse_body",
]

#: The largest request body the mock reads (10 MB); a larger one is answered 413 without reading on.
MAX_BODY_BYTES = 10 * 1024 * 1024
#: What happens on a violation: raise :class:`~invoicespec.InvalidPayload`, warn, or keep it on the transport.
Policy = Literal["raise", "warn", "record"]
POLICIES: tuple[Policy, ...] = ("raise", "warn", "record")
_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# A security text names a header as a word (``Authorization``) or a family (``X-PIGELLO-*``).
_HEADER_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*\*?")


class ContractWarning(UserWarning):
    """A request or an answer that breaks the contract, under the ``"warn"`` policy."""


@dataclass(frozen=True)
class Violation:
    """One problem of one exchange: the part it is in (``request.headers``, ``response.201``) and the error."""

    part: str
    error: Error

    def to_dict(self) -> dict[str, str]:
        """As JSON data: ``part``, ``path``, ``keyword``, ``message``."""
        return {"part": self.part, **self.error.to_dict()}


@dataclass(frozen=True)
class Route:
    """Where an operation listens: its method and path template, as a pattern that matches at a path's end."""

    operation: Operation
    pattern: re.Pattern[str]

    @property
    def method(self) -> str:
        return self.operation.method.upper()

    @property
    def template(self) -> str:
        return self.operation.path

    def parameters(self, path: str) -> dict[str, str] | None:
        """The path parameters (URL-decoded) when ``path`` ends with this route's template, else None."""
        found = self.pattern.search(path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items()}


def _route(operation: Operation) -> Route:
    pieces = _PARAMETER.split(operation.path)  # literal, name, literal, name, ... literal
    regex = "".join(
        f"(?P<{piece}>[^/]+)" if index % 2 else re.escape(piece) for index, piece in enumerate(pieces)
    )
    # At the end of the path, after a segment boundary: any server prefix (/sandbox, /api/v2) matches.
    return Route(operation, re.compile(f"(?:^|(?<=/)|(?=/)){regex}\\Z"))


def is_credential(operation: Operation, header: str) -> bool:
    """Whether ``header`` (lower case) carries a credential: ``authorization``, or a header the operation's
    security text names (``X-PIGELLO-*`` names a family)."""
    if header == "authorization":
        return True
    words = {word.lower() for word in _HEADER_WORD.findall(operation.security)}
    return header in words or any(word.endswith("*") and header.startswith(word[:-1]) for word in words)


def parse_body(raw: bytes) -> tuple[Any, list[Error]]:
    """A request or response body as JSON data, or the error that says why it is not."""
    if not raw.strip():
        return None, [Error("", "json", "the body is empty: a JSON document is expected")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Error("", "json", f"the body is not UTF-8 text (byte {error.start})")]
    try:
        return parse_json(text), []
    except PayloadFileError as error:
        keyword = "max-depth" if "nested" in str(error) else "json"
        return None, [Error("", keyword, f"the body is {error}" if keyword == "json" else str(error))]


def _header_map(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header lines as one mapping; a header sent on several lines is one value, joined by commas (RFC 9110)."""
    merged: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


@dataclass
class Exchange:
    """A request matched to its operation, and every violation found in it."""

    route: Route
    parameters: dict[str, str]
    headers: dict[str, str]
    body: Any
    violations: list[Violation] = field(default_factory=list)

    @property
    def operation(self) -> Operation:
        return self.route.operation

    def credential_missing(self) -> bool:
        """Whether a violation is about a header that carries a credential (missing or malformed)."""
        return any(v.part == "request.headers" and is_credential(self.operation, _first_segment(v.error.path))
                   for v in self.violations)


def _first_segment(pointer: str) -> str:
    return unquote(pointer.split("/")[1]).lower() if pointer.count("/") else ""


class Contract:
    """The operations of a catalog (the shipped one by default), routed by method and path template."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog
        operations = (catalog.operations.values() if catalog is not None
                      else [invoicespec.operation_info(name) for name in invoicespec.operations()])
        # Longest template first: where two templates end a path, the more specific one wins.
        self.routes: tuple[Route, ...] = tuple(sorted(
            (_route(operation) for operation in operations), key=lambda route: -len(route.template)))
        self._validators: dict[tuple[str, str], Validator] = {}
        self._lock = threading.Lock()
        self._declared_headers: dict[str, frozenset[str]] = {}

    def validator(self, operation: Operation, part: str) -> Validator | None:
        """The validator of ``part``, or of its status class (``response.4XX`` for ``response.404``); None
        when the operation documents neither."""
        declared = part if part in operation.parts else None
        if declared is None and part.startswith("response.") and len(part) == len("response.") + 3:
            status_class = f"response.{part[len('response.')]}XX"
            declared = status_class if status_class in operation.parts else None
        if declared is None:
            return None
        if self.catalog is None:
            return invoicespec.validator(operation.id, declared)
        key = (operation.id, declared)
        with self._lock:
            found = self._validators.get(key)
            if found is None:
                spec = operation.parts[declared]
                found = self._validators[key] = Validator(
                    self.catalog.documents[spec.schema_uri], None, operation=operation.id, part=declared,
                    media_type=spec.media_type, catalog=self.catalog)
        return found

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route that ``method`` and ``path`` call, with its path parameters; None when none does."""
        for route in self.routes:
            if route.method == method.upper():
                parameters = route.parameters(path)
                if parameters is not None:
                    return route, parameters
        return None

    def methods_at(self, path: str) -> list[str]:
        """The methods some operation serves at ``path`` (for a 405's ``Allow``)."""
        return sorted({route.method for route in self.routes if route.parameters(path) is not None})

    def check_request(
        self, route: Route, parameters: Mapping[str, str], headers: Iterable[tuple[str, str]], raw_body: bytes,
    ) -> Exchange:
        """Check a request whole: path parameters, headers and body, every violation collected."""
        operation = route.operation
        lines = list(headers)
        exchange = Exchange(route, dict(parameters), _header_map(lines), None)
        exchange.violations += [Violation("request.headers", error) for error in self._repeated(operation, lines)]
        checks: list[tuple[str, Any]] = [("request.path", exchange.parameters), ("request.headers", exchange.headers)]
        request = self.validator(operation, "request")
        if request is not None:
            if request.media_type == "text/plain":
                exchange.body = raw_body.decode("utf-8", "replace")
            else:
                exchange.body, problems = parse_body(raw_body)
                exchange.violations += [Violation("request", error) for error in problems]
                if problems:
                    request = None
            if request is not None:
                checks.append(("request", exchange.body))
        for part, instance in checks:
            checker = self.validator(operation, part)
            if checker is not None:
                exchange.violations += [Violation(part, error) for error in checker.errors(instance)]
        exchange.violations.sort(key=lambda v: part_order(v.part))
        return exchange

    def _repeated(self, operation: Operation, lines: list[tuple[str, str]]) -> list[Error]:
        """A header the contract declares, sent on several lines: HTTP would join the values with commas,
        which the vendor reads as one malformed value (a token, an id) or refuses."""
        declared = self._declared_headers.get(operation.id)
        if declared is None:
            checker = self.validator(operation, "request.headers")
            names = checker.schema.get("properties", {}) if checker is not None else {}
            declared = self._declared_headers[operation.id] = frozenset(names)
        seen: dict[str, int] = {}
        for name, _ in lines:
            seen[name.lower()] = seen.get(name.lower(), 0) + 1
        return [Error(f"/{name}", "x-headers", f"the header {name!r} is given {count} times")
                for name, count in seen.items() if count > 1 and name in declared]

    def check_response(self, operation: Operation, status: int, raw_body: bytes) -> list[Violation]:
        """Check an answer against ``response.<status>`` (or its class); an undocumented status is a violation."""
        part = f"response.{status}"
        checker = self.validator(operation, part)
        if checker is None:
            documented = ", ".join(name.removeprefix("response.") for name in operation.parts
                                   if name.startswith("response."))
            return [Violation(part, Error("", "status", f"{operation.id} documents no response {status}: "
                                                             f"it documents {documented}"))]
        if checker.media_type == "text/plain":
            body: Any = raw_body.decode("utf-8", "replace")
        else:
            body, problems = parse_body(raw_body)
            if problems:
                return [Violation(checker.part, error) for error in problems]
        return [Violation(checker.part, error) for error in checker.errors(body)]


def settle(violations: list[Violation], policy: Policy, operation: str, kept: list[InvalidPayload]) -> None:
    """Apply ``policy`` to an exchange's violations, one :class:`~invoicespec.InvalidPayload` per part (the
    paths of its errors are in that part): raise the first, warn of each, or keep each."""
    by_part: dict[str, list[Error]] = {}
    for violation in violations:
        by_part.setdefault(violation.part, []).append(violation.error)
    for part, errors in by_part.items():
        invalid = InvalidPayload(errors, operation=operation, part=part)
        if policy == "raise":
            raise invalid
        if policy == "warn":
            warnings.warn(ContractWarning(str(invalid)), stacklevel=4)
        else:
            kept.append(invalid)


def check_policy(name: str, value: Any) -> Policy:
    """``value`` as a policy, or a ValueError naming the allowed ones."""
    if value not in POLICIES:
        raise ValueError(f"{name} must be one of {', '.join(POLICIES)}, not {value!r}")
    policy: Policy = value
    return policy


class CallChecker:
    """What a validating client does around each call, whatever its HTTP library: check the request, then
    the answer, and apply the policies."""

    def __init__(self, catalog: Catalog | None = None, *, check_responses: bool = True,
                 on_request: Policy = "raise", on_response: Policy = "raise") -> None:
        self.contract = Contract(catalog)
        self.check_responses = check_responses
        self.on_request = check_policy("on_request", on_request)
        self.on_response = check_policy("on_response", on_response)
        self.violations: list[InvalidPayload] = []

    def check_request(self, method: str, path: str, headers: Iterable[tuple[str, str]],
                      raw_body: bytes) -> Operation | None:
        """Check a request about to be sent; its operation, or None when it matches none (it then passes)."""
        found = self.contract.find(method, path)
        if found is None:
            return None
        route, parameters = found
        exchange = self.contract.check_request(route, parameters, headers, raw_body)
        settle(exchange.violations, self.on_request, route.operation.id, self.violations)
        return route.operation

    def check_response(self, operation: Operation, status: int, raw_body: bytes) -> None:
        """Check the answer to a request of ``operation``."""
        settle(self.contract.check_response(operation, status, raw_body), self.on_response, operation.id,
               self.violations)


def example_request(operation: str, parameters: Mapping[str, Any] | None = None) -> tuple[str, dict[str, str], Any]:
    """A valid request of a shipped operation from its examples: the path (its parameters filled in from
    ``parameters``, by default the ``request.path`` part's first example), the headers and the body."""
    info = invoicespec.operation_info(operation)
    if parameters is None:
        parameters = (invoicespec.validator(operation, "request.path").examples[0]
                      if "request.path" in info.parts else {})
    path = info.path
    for name, value in parameters.items():
        path = path.replace("{" + name + "}", str(value))
    return path, invoicespec.validator(operation, "request.headers").examples[0], \
        invoicespec.validator(operation, "request").examples[0]

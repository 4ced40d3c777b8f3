"""What the mock answers: which documented status, and a body valid against that response part.

Bodies come from the contract: the part's own examples first (those valid against it),
then its Hypothesis strategy. The choice is a pure function of the seed and the
request, so the same request always gets the same answer. Every body this module
builds is checked against its part before it is used; a change that would break it
(the status repeated in the body, the violations placed in the vendor's error shape)
is dropped instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from typing import Any

from invoicespec.catalog.load import Operation
from invoicespec.engine.validator import Validator
from invoicespec.live.contract import Contract, Exchange, Violation

__all__ = ["Answer", "Preference", "answer_key", "client_error", "documented", "problem", "success"]

PROBLEM_JSON = "application/problem+json"
# Where a vendor's error body lists fields: the names it gives the field and the message, in items of a list.
_FIELD_NAMES = ("fieldName", "field", "name", "path", "pointer", "parameter", "property")
_MESSAGE_NAMES = ("error", "reason", "message", "detail", "description")
_STATUS_NAME = re.compile(r"[A-Z][A-Z0-9_]+")
_draw_lock = threading.Lock()  # Hypothesis runs one @given at a time per process in practice


@dataclass(frozen=True)
class Answer:
    """A response: status, body (JSON data) and media type."""

    status: int
    body: Any
    media_type: str = "application/json"

    def content(self) -> bytes:
        if self.media_type == "text/plain" and isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Preference:
    """What a ``Prefer`` header asks for (Prism's convention): ``code=NNN``, ``example=N``, ``dynamic=true``."""

    code: int | None = None
    example: int | None = None
    dynamic: bool = False

    @classmethod
    def parse(cls, header: str) -> Preference:
        values: dict[str, str] = {}
        for item in re.split(r"[;,]", header):
            name, _, value = item.strip().partition("=")
            values[name.strip().lower()] = value.strip().strip('"')
        code = values.get("code", "")
        example = values.get("example", "")
        return cls(
            code=int(code) if code.isdigit() and len(code) == 3 else None,
            example=int(example) if example.isdigit() and len(example) < 6 else None,
            dynamic=values.get("dynamic", "").lower() == "true",
        )


def answer_key(seed: int, method: str, path: str, body: bytes) -> int:
    """The number that picks an answer: the same for the same seed and request."""
    digest = hashlib.sha256(f"{seed}\0{method}\0{path}\0".encode() + body).digest()
    return int.from_bytes(digest[:8], "big")


def problem(status: int, detail: str, **members: Any) -> Answer:
    """An RFC 9457 problem details answer."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail, **members}
    return Answer(status, body, PROBLEM_JSON)


def documented(operation: Operation) -> list[int]:
    """The statuses an operation documents; a class part (``4XX``) stands for its first status (400)."""
    statuses = set()
    for part in operation.parts:
        if part.startswith("response."):
            code = part.removeprefix("response.")
            statuses.add(int(code) if code.isdigit() else int(code[0]) * 100)
    return sorted(statuses)


@lru_cache(maxsize=None)
def _valid_examples(validator: Validator) -> tuple[Any, ...]:
    return tuple(example for example in validator.examples if validator.is_valid(example))


@lru_cache(maxsize=4096)
def _drawn(validator: Validator, key: int) -> Any:
    """A body drawn from the part's strategy with ``key`` as Hypothesis's seed (the last of a few draws:
    the first is often the minimal one)."""
    from hypothesis import HealthCheck, Phase, given, seed, settings

    from invoicespec.strategies import strategy_of

    drawn: list[Any] = []

    @seed(key)
    @settings(max_examples=4, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy_of(validator))
    def take(value: Any) -> None:
        drawn.append(value)

    with _draw_lock:
        take()
    return drawn[-1]


def body_of(validator: Validator, key: int, preference: Preference = Preference()) -> Any:
    """A body valid against ``validator``'s part: an example (the one asked for, else one picked by ``key``),
    or a drawn one when the part has none or ``dynamic`` is asked for."""
    examples = _valid_examples(validator)
    if preference.example is not None and preference.example < len(examples):
        return examples[preference.example]
    if examples and not preference.dynamic:
        return examples[key % len(examples)]
    return _drawn(validator, key)


def _first_valid(validator: Validator, candidates: Sequence[Any], fallback: Any) -> Any:
    for candidate in candidates:
        if validator.is_valid(candidate):
            return candidate
    return fallback


def _with_status(validator: Validator, body: Any, status: int) -> Any:
    """The body with the fields that repeat the status (``code: 401``, ``status: "UNAUTHORIZED"``) set to
    ``status``, where that stays valid."""
    if not isinstance(body, dict):
        return body
    changed = dict(body)
    for name, value in body.items():
        if type(value) is int and 400 <= value <= 599:
            changed[name] = status
        elif isinstance(value, str) and _STATUS_NAME.fullmatch(value) and value in HTTPStatus.__members__:
            changed[name] = HTTPStatus(status).name
    return _first_valid(validator, [changed], body)


def _listed(template: dict[str, Any], violations: Sequence[Violation], keep: bool) -> list[dict[str, Any]] | None:
    field = next((name for name in _FIELD_NAMES if isinstance(template.get(name), str)), None)
    message = next((name for name in _MESSAGE_NAMES if isinstance(template.get(name), str)), None)
    if field is None or message is None:
        return None
    base = dict(template) if keep else {}
    return [{**base, field: v.error.path or "/", message: v.error.message} for v in violations]


def _with_violations(validator: Validator, body: Any, violations: Sequence[Violation]) -> Any:
    """The body with the violations in the vendor's own error shape, where it has room: a list of
    ``{field, message}`` items, or an object mapping fields to lists of messages (the shapes the part's
    examples show)."""
    if not isinstance(body, dict) or not violations:
        return body
    candidates: list[Any] = []
    for example in (body, *_valid_examples(validator)):
        if not isinstance(example, dict):
            continue
        for name, value in example.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                for keep in (False, True):
                    listed = _listed(value[0], violations, keep)
                    if listed is not None:
                        candidates.append({**body, name: listed})
            elif isinstance(value, dict) and any(isinstance(item, list) and all(isinstance(text, str)
                                                                               for text in item)
                                                 for item in value.values()):
                by_field: dict[str, list[str]] = {}
                for v in violations:
                    by_field.setdefault(v.error.path or "/", []).append(v.error.message)
                candidates.append({**body, name: by_field})
    return _first_valid(validator, candidates, body)


def success(contract: Contract, operation: Operation, key: int, preference: Preference) -> Answer:
    """The answer to a valid request: the documented success (or the status ``Prefer: code`` asks for)."""
    statuses = documented(operation)
    if preference.code is not None:
        status = preference.code
    else:
        status = next((code for code in statuses if 200 <= code < 300), 200)
    validator = contract.validator(operation, f"response.{status}")
    if validator is None:
        return problem(400, f"{operation.id} documents no response {status} (Prefer: code={status}); it documents "
                            f"{', '.join(map(str, statuses))}", operation=operation.id)
    body = body_of(validator, key, preference)
    return Answer(status, _with_status(validator, body, status), validator.media_type)


def client_error(contract: Contract, exchange: Exchange, key: int) -> Answer:
    """The answer to an invalid request: the most fitting documented client error, the violations in it."""
    operation = exchange.operation
    parts = operation.parts
    if exchange.credential_missing() and ("response.401" in parts or "response.4XX" in parts):
        status = 401
    else:
        status = next((code for code in (400, 422) if f"response.{code}" in parts), 400)
    validator = contract.validator(operation, f"response.{status}")
    if validator is None:
        return problem(422, f"the request breaks the contract of {operation.id} "
                            f"({len(exchange.violations)} violations)",
                       operation=operation.id, violations=[v.to_dict() for v in exchange.violations])
    body = _with_status(validator, body_of(validator, key), status)
    return Answer(status, _with_violations(validator, body, exchange.violations), validator.media_type)

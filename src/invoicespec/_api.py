"""The public functions: operations, parts, and a cached validator per part."""

from __future__ import annotations

import re
import threading
from typing import Any

from invoicespec.catalog.load import Catalog, Operation, shipped
from invoicespec.engine.validator import Validator
from invoicespec._errors import Error, UnknownOperation, UnknownPart

__all__ = ["errors", "is_valid", "normalize", "operation_info", "operations", "parts", "validator"]

_PART_NAME = re.compile(r"(request|request\.headers|request\.path|response\.[1-5]([0-9][0-9]|[xX][xX]))")
_lock = threading.Lock()
_validators: dict[tuple[str, str], Validator] = {}


def _catalog() -> Catalog:
    with _lock:  # one load, even when many threads ask first
        return shipped()


def operations() -> tuple[str, ...]:
    """The ids of every operation, such as ``"getbill.create_debt"``, sorted."""
    return tuple(_catalog().operations)


def operation_info(operation: str) -> Operation:
    """What the manifest says of an operation: vendor, method, path, summary, docs and parts."""
    found = _catalog().operations.get(operation) if isinstance(operation, str) else None
    if found is None:
        known = ", ".join(operations())
        raise UnknownOperation(f"unknown operation {operation!r}: the operations are {known}")
    return found


def parts(operation: str) -> tuple[str, ...]:
    """The parts of an operation: ``request``, ``request.headers``, ``request.path`` and ``response.<status>``."""
    return tuple(operation_info(operation).parts)


def _resolve_part(info: Operation, part: Any) -> str:
    if not isinstance(part, str) or not _PART_NAME.fullmatch(part):
        raise UnknownPart(
            f"{part!r} is not a part name: use request, request.headers, request.path or response.<status> "
            f"(such as response.201 or response.4XX); {info.id} has {', '.join(info.parts)}"
        )
    if part in info.parts:
        return part
    if part.startswith("response."):
        status_class = f"response.{part[len('response.')]}XX"
        if status_class in info.parts:
            return status_class
    raise UnknownPart(f"{info.id} has no part {part!r}: its parts are {', '.join(info.parts)}")


def validator(operation: str, part: str = "request") -> Validator:
    """The validator of one part of an operation, compiled on first use and cached.

    ``response.404`` falls back to ``response.4XX`` when the operation declares no
    404 of its own. Raises :class:`~invoicespec.UnknownOperation` or
    :class:`~invoicespec.UnknownPart` (both ``LookupError``) for unknown names.
    """
    key = (operation, part)
    found = _validators.get(key) if isinstance(operation, str) and isinstance(part, str) else None
    if found is not None:
        return found
    info = operation_info(operation)
    declared = _resolve_part(info, part)
    with _lock:
        found = _validators.get((operation, declared))
        if found is None:
            catalog = shipped()
            spec = info.parts[declared]
            found = Validator(
                catalog.documents[spec.schema_uri],
                None,
                operation=operation,
                part=declared,
                media_type=spec.media_type,
                rebuild=(validator, (operation, declared)),
                catalog=catalog,
            )
            _validators[(operation, declared)] = found
        _validators[key] = found
    return found


def errors(operation: str, instance: Any, part: str = "request") -> list[Error]:
    """Every problem in ``instance`` as a part of ``operation``; empty when it is valid."""
    return validator(operation, part).errors(instance)


def is_valid(operation: str, instance: Any, part: str = "request") -> bool:
    """Whether ``instance`` is a valid part of ``operation``."""
    return validator(operation, part).is_valid(instance)


def normalize(operation: str, instance: Any, part: str = "request") -> Any:
    """A new normalized copy of ``instance``; raises :class:`~invoicespec.InvalidPayload` if invalid."""
    return validator(operation, part).normalize(instance)

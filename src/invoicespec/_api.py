"""The public functions: operations, parts, and a cached validator per part, of the shipped catalog."""

from __future__ import annotations

from typing import Any

from invoicespec._contracts import SHIPPED_VALIDATORS as _validators, _shipped_catalog
from invoicespec.catalog.load import Operation
from invoicespec.engine.validator import Validator
from invoicespec._errors import Error

__all__ = ["errors", "is_valid", "normalize", "operation_info", "operations", "parts", "validator"]


def operations() -> tuple[str, ...]:
    """The ids of every operation, such as ``"getbill.create_debt"``, sorted."""
    return _shipped_catalog().operations()


def operation_info(operation: str) -> Operation:
    """What the manifest says of an operation: vendor, method, path, summary, docs and parts."""
    return _shipped_catalog().operation_info(operation)


def parts(operation: str) -> tuple[str, ...]:
    """The parts of an operation: ``request``, ``request.headers``, ``request.path`` and ``response.<status>``."""
    return _shipped_catalog().parts(operation)


def validator(operation: str, part: str = "request") -> Validator:
    """The validator of one part of an operation, compiled on first use and cached.

    ``response.404`` falls back to ``response.4XX`` when the operation declares no
    404 of its own. Raises :class:`~invoicespec.UnknownOperation` or
    :class:`~invoicespec.UnknownPart` (both ``LookupError``) for unknown names.
    """
    found = _validators.get((operation, part)) if isinstance(operation, str) and isinstance(part, str) else None
    return found if found is not None else _shipped_catalog().validator(operation, part)


def errors(operation: str, instance: Any, part: str = "request") -> list[Error]:
    """Every problem in ``instance`` as a part of ``operation``; empty when it is valid."""
    return validator(operation, part).errors(instance)


def is_valid(operation: str, instance: Any, part: str = "request") -> bool:
    """Whether ``instance`` is a valid part of ``operation``."""
    return validator(operation, part).is_valid(instance)


def normalize(operation: str, instance: Any, part: str = "request") -> Any:
    """A new normalized copy of ``instance``; raises :class:`~invoicespec.InvalidPayload` if invalid."""
    return validator(operation, part).normalize(instance)

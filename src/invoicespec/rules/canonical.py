"""Equality as JSON means it: ``1`` and ``1.0`` are equal, ``true`` and ``1`` are not, key order does not count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

__all__ = ["canonical"]


def canonical(value: Any) -> Any:
    """A hashable form in which equal JSON values (1 and 1.0, key order) are equal."""
    kind = type(value)
    if kind is str:  # the usual keys first
        return ("string", value)
    if kind is int:
        return ("number", value)
    if isinstance(value, dict):
        return ("object", frozenset((key, canonical(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(canonical(item) for item in value))
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, int | float | Decimal):
        return ("number", value)
    return ("string", value)

"""Bounded ``repr``s for messages: no message echoes more than a few dozen characters of its input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def short(value: Any, limit: int = 40) -> str:
    """A bounded ``repr`` for messages: never echoes more than ``limit`` characters of the input."""
    if isinstance(value, str):
        if len(value) > limit:
            return repr(value[:limit]) + f"... ({len(value):,} characters)"
        return repr(value)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        if value.bit_length() > 128:
            return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"
        return str(value)
    if isinstance(value, float | Decimal):
        text = repr(value) if isinstance(value, float) else str(value)
        return text if len(text) <= limit else text[:limit] + "..."
    if isinstance(value, dict):
        return f"an object with {len(value):,} fields" if value else "an empty object"
    if isinstance(value, list):
        return f"an array of {len(value):,} items" if value else "an empty array"
    return f"a {type(value).__name__}"

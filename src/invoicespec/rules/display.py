"""What messages and reports show of a payload: bounded ``repr``s, and text with its controls escaped."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

# C0 controls (line breaks included), DEL, C1 controls, the bidirectional marks, embeddings, overrides and
# isolates, and the Unicode line and paragraph separators: what can move a terminal's cursor, start a CI
# workflow command on a line of its own, or show text in another order than it has.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` with every control character and bidirectional mark written as its escape (``\\n``, ``\\x1b``,
    ``\\u202e``): what a report that people or CI runners read may show of a payload."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape, text)


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

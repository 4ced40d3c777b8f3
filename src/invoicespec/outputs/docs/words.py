"""Inline Markdown for the reference's texts: code spans, JSON values, lists of names."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

__all__ = ["and_names", "code", "json_text", "or_names", "relative"]


def code(text: Any) -> str:
    """An inline Markdown code span (HTML rendering turns it into <code>)."""
    text = str(text)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def relative(pointer: str) -> str:
    """A relative pointer as the error messages name it: ``/taxLocation/country`` -> ``taxLocation/country``."""
    return pointer[1:] if pointer.startswith("/") else pointer


def and_names(items: Iterable[str]) -> str:
    shown = [code(item) for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def or_names(items: Iterable[str]) -> str:
    shown = [code(item) for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]

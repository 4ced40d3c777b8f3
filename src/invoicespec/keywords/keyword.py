"""What a custom keyword is: one value that the engines, the reports, the strategies, the docs and the
exports all ask, so that a keyword's whole story lives in its own module (see ``registry.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Errors", "Keyword", "KeywordFunction", "error"]

#: What a keyword function yields: ``jsonschema.ValidationError``s (never raised).
Errors = Iterator[Any]
#: A keyword function in jsonschema's shape: ``(validator, argument, instance, schema) -> Errors``.
KeywordFunction = Callable[[Any, Any, Any, dict[str, Any]], Errors]


def error(message: str, **details: Any) -> Any:
    """A ``jsonschema.ValidationError`` (imported here: the fast path runs without jsonschema)."""
    from jsonschema import ValidationError

    return ValidationError(message, **details)


@dataclass(frozen=True)
class Keyword:
    """One custom keyword: its name, what its errors mean, and each engine's and output's way with it."""

    #: The keyword as schemas spell it (an ``x-`` name).
    name: str
    #: What an error of this keyword means, in one line (the table ``invoicespec.KEYWORDS``).
    summary: str
    #: The full path's keyword function, which writes the messages people read.
    validate: KeywordFunction
    #: The fast path's check, ``cls(parent_schema, argument, schema_path)`` (``engine.checks.Rule``); None: validate.
    check: type | None = None
    #: The check after a lean engine, where it differs from ``check`` (the engine ran part of the rule).
    lean_check: type | None = None
    #: ``(argument, lean) -> subschema`` of standard keywords the fast path's engine runs in its place; None: Python.
    engine_schema: Callable[[Any, bool], dict[str, Any]] | None = None
    #: Names the check's generated source uses -> the functions they stand for (``compile_checks``' helpers).
    helpers: Mapping[str, Callable[..., Any]] | None = None
    #: Whether the keyword's limits keep numbers within JSON's range (the engine then adds no range check).
    bounds_numbers: bool = False

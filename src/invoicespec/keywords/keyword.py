"""What a custom keyword is: one value that the engines, the reports, the strategies, the docs and the
exports all ask, so that a keyword's whole story lives in its own module (see ``registry.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from jsonschema import ValidationError

__all__ = ["SHARED_DEFS", "Errors", "Keyword", "KeywordFunction", "error", "relative_pointer"]

#: What a keyword function yields: ``jsonschema.ValidationError``s (never raised).
Errors = Iterator["ValidationError"]
#: A keyword function in jsonschema's shape: ``(validator, argument, instance, schema) -> Errors``.
KeywordFunction = Callable[[Any, Any, Any, dict[str, Any]], Errors]


def error(message: str, **details: Any) -> ValidationError:
    """A ``jsonschema.ValidationError`` (imported here: the fast path runs without jsonschema)."""
    from jsonschema import ValidationError

    return ValidationError(message, **details)


#: The definitions the argument schemas share, by name: the vocabulary's meta-schema holds them in ``$defs``.
SHARED_DEFS: dict[str, Any] = {
    "relativePointer": {"type": "string", "pattern": "^(/([^~/]|~[01])*)+$"},
}


def relative_pointer(description: str | None = None) -> dict[str, Any]:
    """The schema of an argument that is a JSON Pointer relative to the object (or item) the keyword checks."""
    schema = {} if description is None else {"description": description}
    return {**schema, "$ref": "#/$defs/relativePointer"}


@dataclass(frozen=True)
class Keyword:
    """One custom keyword: its name, what its errors mean, and each engine's and output's way with it."""

    #: The keyword as schemas spell it (``x-`` and a name).
    name: str
    #: What an error of this keyword means, in one line (the table ``invoicespec.KEYWORDS``).
    summary: str
    #: The full path's keyword function, which writes the messages people read.
    validate: KeywordFunction
    #: How flattening merges the arguments of merged subschemas: ``"concatenate"`` (lists) or ``"last"`` (one value).
    argument_merge: Literal["concatenate", "last"] = "last"
    #: Load-time problems the argument's meta-schema cannot see: ``(argument, schema holding it) -> messages``.
    argument_problems: Callable[[Any, dict[str, Any]], Iterable[str]] | None = None
    #: The argument's pointers relative to the object, whose first field it must declare: ``argument -> pointers``.
    object_pointers: Callable[[Any], Iterable[str]] | None = None
    #: The argument's pointers relative to each item, whose first field items must declare: ``argument -> pointers``.
    item_pointers: Callable[[Any], Iterable[str]] | None = None
    #: The normalized form of a valid value: ``(argument, value) -> value`` (the same value when nothing changes).
    normalize: Callable[[Any, Any], Any] | None = None
    #: The meta-schema of the argument; its ``description`` says what the keyword means (the vocabulary's entry).
    argument_schema: Mapping[str, Any] | None = field(default=None, compare=False)

"""What a custom keyword is: one value that the engines, the reports, the strategies, the docs and the
exports all ask, so that a keyword's whole story lives in its own module (see ``registry.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from invoicespec.catalog.nodes import Node
    from invoicespec.testing.faults import Site

__all__ = ["Draw", "Errors", "Fault", "Keyword", "KeywordFunction", "Path", "error"]

#: What a keyword function yields: ``jsonschema.ValidationError``s (never raised).
Errors = Iterator[Any]
#: A keyword function in jsonschema's shape: ``(validator, argument, instance, schema) -> Errors``.
KeywordFunction = Callable[[Any, Any, Any, dict[str, Any]], Errors]


def error(message: str, **details: Any) -> Any:
    """A ``jsonschema.ValidationError`` (imported here: the fast path runs without jsonschema)."""
    from jsonschema import ValidationError

    return ValidationError(message, **details)


#: A path inside a JSON document: keys and indices.
Path = tuple[str | int, ...]
#: Hypothesis's ``draw`` inside a composite strategy: ``strategy -> value``.
Draw = Callable[[Any], Any]


@dataclass(frozen=True)
class Fault:
    """One way to break a valid value so that one keyword, and nothing else, reports it.

    A keyword's ``fault`` hook yields these; the paths are relative to the value the hook was given.
    Defined here, not in ``testing``, so that keyword modules build them without importing Hypothesis.
    """

    #: Where the value to change is: ``()`` for the given value itself; one past an array's end appends.
    target: Path
    #: ``(a copy of the value at target) -> the value that breaks the keyword``.
    change: Callable[[Any], Any]
    #: Where the keyword's error will be reported; None: at ``target``.
    where: Path | None = None


@dataclass(frozen=True)
class Keyword:
    """One custom keyword: its name, what its errors mean, and each engine's and output's way with it."""

    #: The keyword as schemas spell it: ``x-`` and a name.
    name: str
    #: What an error of this keyword means, in one line (the table ``invoicespec.KEYWORDS``).
    summary: str
    #: The full path's keyword function, which writes the messages people read.
    validate: KeywordFunction
    #: The one JSON type the keyword constrains ("object", "array", "string"), None when it is several:
    #: the strategies draw that type where a schema names none, and run the keyword's ``arrange`` on it.
    instance_type: str | None = None
    #: Valid values by construction: ``(argument, node, type_name) -> SearchStrategy | None``, for
    #: ``type_name`` "string", "integer" or "number"; None where the keyword does not shape that type.
    generate_value: Callable[[Any, Node, str], Any] | None = None
    #: What the items of an array must not share: ``(argument) -> (item -> hashable key)``.
    unique_key: Callable[[Any], Callable[[Any], Any]] | None = None
    #: Make a drawn object or array hold the keyword, deriving each dependent value from its source:
    #: ``(argument, fields) -> ((draw, value) -> None) | None``, called once per schema location, where
    #: ``fields`` maps an object's field names to their strategies (empty for an array).
    arrange: Callable[[Any, dict[str, Any]], Callable[[Draw, Any], None] | None] | None = None
    #: The keyword's single faults on a valid value: ``(argument, value, site) -> Iterator[Fault]``.
    fault: Callable[[Any, Any, Site], Iterator[Fault]] | None = None
    #: Fields (of the object, or of each item for an array keyword) whose own faults may break this
    #: keyword too, so the faults there are used only once checked: ``(argument) -> Iterable[str]``.
    entangled_fields: Callable[[Any], Iterable[str]] | None = None

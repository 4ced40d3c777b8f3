"""What a custom keyword is: one value that the engines, the reports, the strategies, the docs and the
exports all ask, so that a keyword's whole story lives in its own module (see ``registry.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from jsonschema import ValidationError

    from invoicespec.catalog.nodes import Node
    from invoicespec.testing.faults import Site


__all__ = [
    "SHARED_DEFS", "Draw", "Errors", "Fault", "Keyword", "KeywordFunction", "Path", "error", "error_at", "relative_pointer",
    "replace_with",
]

#: What a keyword function yields: ``jsonschema.ValidationError``s (never raised).
Errors = Iterator["ValidationError"]
#: A keyword function in jsonschema's shape: ``(validator, argument, instance, schema) -> Errors``.
KeywordFunction = Callable[[Any, Any, Any, dict[str, Any]], Errors]


def error(message: str, **details: Any) -> ValidationError:
    """A ``jsonschema.ValidationError`` (imported here: the fast path runs without jsonschema)."""
    from jsonschema import ValidationError

    return ValidationError(message, **details)


def error_at(
    validator: Any, keyword: str, argument: Any, schema: dict[str, Any], message: str, **details: Any
) -> ValidationError:
    """:func:`error` with the details of the level that made it given at once (the keyword, its argument,
    the schema, the type checker; ``instance`` in ``details``) — what jsonschema fills in on the way up.

    For the keywords whose errors are many and mostly discarded (the losing variants of an ``anyOf``):
    an error made with every detail is passed up as it is, where one made without them is copied once
    to fill them in (``engine.descend``: jsonschema takes a type checker in its constructor only).
    """
    return error(
        message, validator=keyword, validator_value=argument, schema=schema, type_checker=validator.TYPE_CHECKER,
        **details,
    )


#: The definitions the argument schemas share, by name: the vocabulary's meta-schema holds them in ``$defs``.
SHARED_DEFS: dict[str, Any] = {
    "relativePointer": {"type": "string", "pattern": "^(/([^~/]|~[01])*)+$"},
}


def relative_pointer(description: str | None = None) -> dict[str, Any]:
    """The schema of an argument that is a JSON Pointer relative to the object (or item) the keyword checks."""
    schema = {} if description is None else {"description": description}
    return {**schema, "$ref": "#/$defs/relativePointer"}


#: A path inside a JSON document: keys and indices.
Path = tuple[str | int, ...]
#: Hypothesis's ``draw`` inside a composite strategy: ``strategy -> value``.
Draw = Callable[[Any], Any]


def replace_with(value: Any) -> Callable[[Any], Any]:
    """A :attr:`Fault.change` that puts ``value`` in place of whatever was there."""
    return lambda _: value


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
    #: The OpenAPI export's lowering, ``(schema) -> schema`` with standard keywords and a description added.
    openapi_lower: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: The lowering as the OpenAPI document's description sums it up: ``(position, subject, verb phrase)``.
    openapi_summary: tuple[int, str, str] | None = None
    #: The reference's rules, ``(argument, path) -> [(text, absolute paths of the fields it names)]``.
    docs_rules: Callable[[Any, str], list[tuple[str, tuple[str, ...]]]] | None = None
    #: Whether its rules tie fields together (the reference lists them again in each named field's row).
    docs_cross_field: bool | None = None
    #: The reference's phrase for the Constraints column, ``(argument) -> str | None``.
    docs_constraint: Callable[[Any], str | None] | None = None
    #: ``(argument) -> field names`` of which at least one must be present (the Required column's "one of").
    docs_one_of: Callable[[Any], list[str]] | None = None
    #: The part section that lists its rules apart from the part's Rules (a ``PartDoc`` field: ``phones``).
    docs_section: str | None = None
    #: What the reference's tables and diagrams need, ``(argument, path) -> [(PartDoc field, key, fact)]``.
    docs_facts: Callable[[Any, str], list[tuple[str, Any, Any]]] | None = None
    #: ``() -> {name: value}``: what the templates show in its section (its messages, with samples).
    docs_globals: Callable[[], dict[str, Any]] | None = None
    #: Its item of the reference's legend, in inline Markdown.
    docs_legend: str | None = None
    #: Where its rules come among the rules of one location in the reference (smaller first).
    docs_order: int | None = None
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

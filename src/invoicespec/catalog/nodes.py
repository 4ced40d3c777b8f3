"""A flattened view of a schema location: ``$ref`` and ``allOf`` merged into one node.

Generators (``strategies``) and documentation need to know, for one place in a
payload, everything the schema says about it: its types, its fields, its bounds,
its custom keywords. In the schema that knowledge is spread over ``$ref``s,
``allOf``s and siblings. :func:`flatten` gathers it into one :class:`Node`.
Variants (``anyOf``, ``oneOf``, ``if``/``then``/``else``) stay choices: a node
lists them, and :func:`choose` gives the node for one alternative.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from invoicespec.keywords.registry import REGISTRY, derived

if TYPE_CHECKING:
    from invoicespec.catalog.load import Schema

__all__ = ["Choice", "Node", "Sub", "applied", "choose", "flatten"]

#: A schema and the resolver in force where it sits (for its relative ``$ref``s).
Sub = tuple[Any, Any]

# Where merged subschemas each give an argument: list arguments add up, a value argument is the last one given.
_LIST_KEYWORDS: list[str] = []
_VALUE_KEYWORDS: list[str] = []


@derived
def _merge_rules() -> None:
    _LIST_KEYWORDS[:] = [name for name, keyword in REGISTRY.items() if keyword.argument_merge == "concatenate"]
    _VALUE_KEYWORDS[:] = [*(name for name, keyword in REGISTRY.items() if keyword.argument_merge == "last"), "format"]


@dataclass
class Choice:
    """One ``anyOf``/``oneOf`` (alternatives) or ``if``/``then``/``else`` (two alternatives)."""

    key: int  # id() of the keyword's value in the schema: consumed once chosen
    kind: str  # "anyOf", "oneOf" or "if"
    alternatives: list[list[Sub]]
    titles: list[str]
    negate: list[Sub | None]  # per alternative, a schema the value must NOT match (the else branch)


@dataclass
class Node:
    """Everything the schema says about one location, merged."""

    types: set[str] | None = None  # None: any type
    enum: list[Any] | None = None  # const becomes a one-value enum
    enum_keyword: str = "enum"  # the keyword that restricted the values last: "enum" or "const"
    properties: dict[str, list[Sub]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    additional: Any = None  # None: allowed and unconstrained; False: refused; list[Sub]: their schema
    allowed: set[str] | None = None  # with additionalProperties false, only fields every closed schema declares
    items: list[Sub] = field(default_factory=list)
    min_items: int = 0
    max_items: int | None = None
    unique_items: bool = False
    min_length: int = 0
    max_length: int | None = None
    patterns: list[str] = field(default_factory=list)
    minimum: Any = None
    maximum: Any = None
    exclusive_minimum: Any = None
    exclusive_maximum: Any = None
    min_properties: int = 0
    read_only: bool = False
    keywords: dict[str, Any] = field(default_factory=dict)  # x- keywords and format
    choices: list[Choice] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    defaults: list[Any] = field(default_factory=list)


def flatten(subs: list[Sub], consumed: frozenset[int] = frozenset()) -> Node:
    """Merge the schemas in ``subs`` (following ``$ref`` and ``allOf``) into one node.

    ``consumed`` holds the choices already decided (their ``id``), which are not listed again.
    """
    node = Node()
    for schema, resolver in applied(subs):
        if schema is False:
            node.types = set()
        else:
            _merge(node, schema, resolver, consumed)
    return node


def applied(subs: list[Sub]) -> Iterator[Sub]:
    """Every schema that applies at the location, following ``$ref`` and ``allOf``, each once, in order.

    Schema objects come with the resolver in force where they sit; a ``false`` schema
    comes as it is (nothing is allowed there); ``true`` adds nothing and is skipped.
    """
    seen: set[int] = set()
    stack = list(reversed(subs))
    while stack:
        schema, resolver = stack.pop()
        if schema is False:
            yield schema, resolver
            continue
        if not isinstance(schema, dict) or id(schema) in seen:
            continue
        seen.add(id(schema))
        yield schema, resolver
        pending: list[Sub] = []
        if isinstance(schema.get("$ref"), str):
            resolved = resolver.lookup(schema["$ref"])
            pending.append((resolved.contents, resolved.resolver))
        pending.extend((sub, resolver) for sub in schema.get("allOf", []))
        stack.extend(reversed(pending))


def _merge(node: Node, schema: Schema, resolver: Any, consumed: frozenset[int]) -> None:
    if "type" in schema:
        types = {schema["type"]} if isinstance(schema["type"], str) else set(schema["type"])
        if "integer" in (node.types or set()) and "number" in types:
            types.add("integer")
        node.types = types if node.types is None else _intersect_types(node.types, types)
    if "const" in schema:
        node.enum = [schema["const"]] if node.enum is None else [v for v in node.enum if v == schema["const"]]
        node.enum_keyword = "const"
    if "enum" in schema:
        node.enum = list(schema["enum"]) if node.enum is None else [v for v in node.enum if v in schema["enum"]]
        node.enum_keyword = "enum"
    for name, sub in schema.get("properties", {}).items():
        node.properties.setdefault(name, []).append((sub, resolver))
    node.required.update(schema.get("required", []))
    if "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        if extra is False:
            node.additional = False
            own = set(schema.get("properties", {}))  # false admits only the fields of this same schema object
            node.allowed = own if node.allowed is None else node.allowed & own
        elif isinstance(extra, dict) and node.additional is not False:
            node.additional = (node.additional or []) + [(extra, resolver)]
    if "items" in schema:
        node.items.append((schema["items"], resolver))
    node.min_items = max(node.min_items, schema.get("minItems", 0))
    node.max_items = _lowest(node.max_items, schema.get("maxItems"))
    node.unique_items = node.unique_items or schema.get("uniqueItems", False)
    node.min_length = max(node.min_length, schema.get("minLength", 0))
    node.max_length = _lowest(node.max_length, schema.get("maxLength"))
    if "pattern" in schema:
        node.patterns.append(schema["pattern"])
    node.minimum = _highest(node.minimum, schema.get("minimum"))
    node.maximum = _lowest(node.maximum, schema.get("maximum"))
    node.exclusive_minimum = _highest(node.exclusive_minimum, schema.get("exclusiveMinimum"))
    node.exclusive_maximum = _lowest(node.exclusive_maximum, schema.get("exclusiveMaximum"))
    node.min_properties = max(node.min_properties, schema.get("minProperties", 0))
    node.read_only = node.read_only or schema.get("readOnly", False) is True
    for keyword in _LIST_KEYWORDS:
        if keyword in schema:
            node.keywords.setdefault(keyword, []).extend(schema[keyword])
    for keyword in _VALUE_KEYWORDS:
        if keyword in schema:
            node.keywords[keyword] = schema[keyword]
    for keyword in ("anyOf", "oneOf"):
        variants = schema.get(keyword)
        if isinstance(variants, list) and id(variants) not in consumed:
            node.choices.append(Choice(
                key=id(variants), kind=keyword,
                alternatives=[[(variant, resolver)] for variant in variants],
                titles=[v.get("title", "") if isinstance(v, dict) else "" for v in variants],
                negate=[None] * len(variants),
            ))
    if "if" in schema and id(schema) not in consumed:
        condition = (schema["if"], resolver)
        then = [condition] + ([(schema["then"], resolver)] if "then" in schema else [])
        otherwise = [(schema["else"], resolver)] if "else" in schema else []
        node.choices.append(Choice(
            key=id(schema), kind="if", alternatives=[then, otherwise],
            titles=["if", "else"], negate=[None, condition],
        ))
    for attribute, keyword in (("titles", "title"), ("descriptions", "description"), ("defaults", "default")):
        if keyword in schema:
            getattr(node, attribute).append(schema[keyword])


def choose(subs: list[Sub], consumed: frozenset[int], choice: Choice, index: int) -> tuple[list[Sub], frozenset[int]]:
    """The schemas, and the consumed choices, once ``choice`` takes alternative ``index``."""
    return subs + choice.alternatives[index], consumed | {choice.key}


def _intersect_types(old: set[str], new: set[str]) -> set[str]:
    both = old & new
    if "number" in old and "integer" in new or "integer" in old and "number" in new:
        both.add("integer")
    return both


def _lowest(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else min(a, b)


def _highest(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else max(a, b)

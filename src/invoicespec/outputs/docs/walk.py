"""Walking one part's schema: the facts the reference states, per path and per chain of variants.

From the part's root, ``$ref`` and ``allOf`` are merged into one node per location
(:func:`~invoicespec.catalog.nodes.flatten`); ``properties`` lead to ``<path>/<name>``
and ``items`` to ``<path>/*`` (``*`` stands for every item). Variants (``anyOf``,
``oneOf``, ``if``/``then``/``else``) are followed one alternative at a time. An
``anyOf``/``oneOf`` alternative that is only ``{"type": "null"}`` is not a variant: it
makes the field nullable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from invoicespec.catalog.nodes import Choice, Node, Sub, applied, choose, flatten
from invoicespec.keywords.keyword import Keyword
from invoicespec.keywords import registry
from invoicespec.outputs.docs.model import Variant
from invoicespec.outputs.docs.words import and_names, code, json_text
from invoicespec.rules.json_data import json_type
from invoicespec.rules.pointer import format_pointer

if TYPE_CHECKING:
    from invoicespec.catalog.load import Schema

__all__ = ["INFERENCE", "Chain", "PartWalk", "Row", "RowKey", "documented"]

INFERENCE = re.compile(r"inference|inferred", re.IGNORECASE)
_MAX_DEPTH = 40  # schemas do not recurse today; this keeps a recursive one from looping
# Standard keywords the walk understands (through flatten or as annotations); custom keywords that describe
# themselves join them, and any other keyword found at a location is shown verbatim, so that no rule is ever
# dropped silently.
_STANDARD = frozenset({
    "$schema", "$id", "$anchor", "$dynamicAnchor", "$ref", "$defs", "$comment", "$vocabulary",
    "allOf", "anyOf", "oneOf", "if", "then", "else", "items", "properties", "additionalProperties",
    "type", "enum", "const", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "minProperties", "required", "format",
    "title", "description", "default", "readOnly", "examples", "dependentRequired",
})
_TYPE_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")


def documented() -> tuple[Keyword, ...]:
    """The custom keywords, in the order the reference states their rules at one location.

    ``docs_order`` keeps the order the pages have always had; a keyword without one comes last. Read from
    the registry at each call, so that a keyword registered at run time (by a test) is documented too.
    """
    return tuple(sorted(registry.REGISTRY.values(),
                        key=lambda keyword: (keyword.docs_order is None, keyword.docs_order or 0)))


Chain = tuple[tuple[int, str], ...]  # the variants taken on the way: (choice key, label)
#: Where a path comes in document order: (index among its object's properties, name) from the root; -1 for ``*``.
Order = tuple[tuple[int, str], ...]
#: All a row says, as one value (rows that say the same are grouped across variants).
RowKey = tuple[str, str, bool, tuple[str, ...], tuple[str, ...], str, str, tuple[str, ...]]
#: A choice point, as the reference tells them apart: (path, kind, (label, description) per alternative).
VariantKey = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass
class Row:
    types: str
    required: str
    nullable: bool
    constraints: tuple[str, ...]
    values: tuple[str, ...]
    default: str
    description: str
    notes: tuple[str, ...]

    def key(self) -> RowKey:
        return (self.types, self.required, self.nullable, self.constraints, self.values, self.default,
                self.description, self.notes)


@dataclass
class PartWalk:
    """The facts one part's walk gathers, per path and per chain of variants."""

    request: bool
    kind: str
    rows: dict[str, list[tuple[Chain, Row]]] = field(default_factory=dict)
    order: dict[str, Order] = field(default_factory=dict)
    rules: dict[tuple[str, str, str], list[Chain]] = field(default_factory=dict)
    rule_order: list[tuple[str, str, str]] = field(default_factory=list)
    involved: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)  # the fields a rule names
    variants: dict[VariantKey, Variant] = field(default_factory=dict)
    facts: dict[str, dict[Any, Any]] = field(default_factory=dict)  # section -> key -> fact (Keyword.docs_facts)
    keywords: tuple[Keyword, ...] = field(default_factory=documented)
    inferences: list[tuple[str, str]] = field(default_factory=list)
    title: str = ""

    def walk(self, subs: list[Sub], consumed: frozenset[int], path: str, chain: Chain, required: str,
             nullable: bool, depth: int) -> None:
        node = flatten(subs, consumed)
        if node.choices and depth <= _MAX_DEPTH:
            self.branch(subs, consumed, node.choices[0], path, chain, required, nullable, depth)
            return
        self.emit(node, subs, path, chain, required, nullable, depth)

    def branch(self, subs: list[Sub], consumed: frozenset[int], choice: Choice, path: str, chain: Chain,
               required: str, nullable: bool, depth: int) -> None:
        if choice.kind == "if":
            indices = [0, 1]
        else:
            nulls = [i for i, alternative in enumerate(choice.alternatives) if _null_only(alternative)]
            indices = [i for i in range(len(choice.alternatives)) if i not in nulls]
            nullable = nullable or bool(nulls)
            if len(indices) <= 1:  # a nullable value, or one shape: not a variant
                index = indices[0] if indices else nulls[0]
                chosen, now = choose(subs, consumed, choice, index)
                self.walk(chosen, now, path, chain, required, nullable, depth)
                return
        labels = [_variant_label(choice, i) for i in indices]
        self.note_variant(path, choice, indices, labels, nullable)
        for index, label in zip(indices, labels):
            chosen, now = choose(subs, consumed, choice, index)
            self.walk(chosen, now, path, chain + ((choice.key, label),), required, nullable, depth)

    def note_variant(self, path: str, choice: Choice, indices: list[int], labels: list[str],
                     nullable: bool) -> None:
        alternatives = []
        for index, label in zip(indices, labels):
            described = flatten(choice.alternatives[index]).descriptions if choice.alternatives[index] else []
            if choice.kind == "if" and index == 0 and len(choice.alternatives[0]) > 1:
                described = flatten(choice.alternatives[0][1:]).descriptions
            alternatives.append((label, described[0] if described else ""))
        key = (path, choice.kind, tuple(alternatives))
        self.variants.setdefault(key, Variant(path, choice.kind, tuple(alternatives), nullable))

    def emit(self, node: Node, subs: list[Sub], path: str, chain: Chain, required: str, nullable: bool,
             depth: int) -> None:
        raw = _raw_schemas(subs)
        if not path and node.titles and not self.title:
            self.title = node.titles[0]
        self.rows.setdefault(path, []).append((chain, self.row(node, raw, path, required, nullable)))
        self.collect_rules(node, raw, path, chain)
        for text in dict.fromkeys(node.descriptions):
            if INFERENCE.search(text) and (path, text) not in self.inferences:
                self.inferences.append((path, text))
        if depth >= _MAX_DEPTH:
            return
        one_of = [keyword.docs_one_of(node.keywords[keyword.name]) for keyword in self.keywords
                  if keyword.docs_one_of is not None and keyword.name in node.keywords]
        for index, (name, child) in enumerate(node.properties.items()):
            if node.allowed is not None and name not in node.allowed:
                continue  # refused by additionalProperties: false in this variant
            child_path = path + format_pointer([name])
            self.order.setdefault(child_path, (*self.order.get(path, ()), (index, name)))
            group = next((group for group in one_of if name in group), None)
            if name in node.required:
                needed = "yes"
            elif group is not None:
                needed = "one of " + ", ".join(code(n) for n in group)
            else:
                needed = "no"
            self.walk(child, frozenset(), child_path, chain, needed, False, depth + 1)
        if node.items:
            child_path = path + "/*"
            self.order.setdefault(child_path, (*self.order.get(path, ()), (-1, "*")))
            self.walk(node.items, frozenset(), child_path, chain, "(item)", False, depth + 1)

    # -- one row ---------------------------------------------------------------------------------

    def row(self, node: Node, raw: list[Schema], path: str, required: str, nullable: bool) -> Row:
        types = _types(node)
        if nullable and types is not None:
            types = types | {"null"}
        type_text = "any" if types is None else " | ".join(t for t in _TYPE_ORDER if t in types) or "nothing"
        is_nullable = types is None or "null" in types
        values: tuple[str, ...] = ()
        constraints: list[str] = []
        if node.enum is not None:
            values = tuple(json_text(v) for v in node.enum)
            if nullable and None not in node.enum:
                values += ("null",)
            if node.enum_keyword == "const" and len(node.enum) == 1:
                constraints.append("always " + code(values[0]) + (" or `null`" if len(values) > 1 else ""))
                values = ()
        constraints += _string_constraints(node)
        constraints += _number_constraints(node)
        constraints += _array_constraints(node)
        constraints += self.object_constraints(node, raw, types)
        constraints += self.value_keywords(node)
        if node.read_only:
            constraints.append("read-only: a request must not send it" if self.request
                               else "read-only: set by the server")
        constraints += _extra_keywords(raw, self.keywords)
        defaults = list(dict.fromkeys(json_text(d) for d in node.defaults))
        descriptions = list(dict.fromkeys(node.descriptions))
        return Row(
            types=type_text,
            required="—" if not path else required,
            nullable=is_nullable,
            constraints=tuple(constraints),
            values=values,
            default=" / ".join(defaults),
            description=descriptions[0] if descriptions else "",
            notes=tuple(descriptions[1:]),
        )

    def object_constraints(self, node: Node, raw: list[Schema], types: set[str] | None) -> list[str]:
        if types is not None and "object" not in types:
            return []
        if not (node.properties or node.additional is not None or node.min_properties or types == {"object"}):
            return []
        others = "other headers" if self.kind == "headers" else "other fields"
        found = []
        if node.additional is False:
            found.append(f"{others} refused")
        elif isinstance(node.additional, list):
            extra = flatten(node.additional)
            found.append(f"{others}: " + (" | ".join(t for t in _TYPE_ORDER if t in (extra.types or set()))
                                          or "any value"))
        else:
            found.append(f"{others} allowed")
        if node.min_properties:
            found.append(f"at least {node.min_properties} field" + ("s" if node.min_properties > 1 else ""))
        for schema in raw:
            for name, needs in (schema.get("dependentRequired") or {}).items():
                found.append(f"when {code(name)} is present, {and_names(needs)} "
                             + ("is" if len(needs) == 1 else "are") + " required too")
        return found

    def value_keywords(self, node: Node) -> list[str]:
        found = []
        if "format" in node.keywords:
            found.append("format " + code(node.keywords["format"]))
        for keyword in self.keywords:
            if keyword.docs_constraint is not None and keyword.name in node.keywords:
                phrase = keyword.docs_constraint(node.keywords[keyword.name])
                if phrase:
                    found.append(phrase)
        return found

    # -- rules -----------------------------------------------------------------------------------

    def add_rule(self, path: str, keyword: str, text: str, chain: Chain, involves: Iterable[str] = ()) -> None:
        key = (path, keyword, text)
        if key not in self.rules:
            self.rules[key] = []
            self.rule_order.append(key)
            self.involved[key] = tuple(dict.fromkeys(involves)) or (path,)
        if chain not in self.rules[key]:
            self.rules[key].append(chain)

    def collect_rules(self, node: Node, raw: list[Schema], path: str, chain: Chain) -> None:
        keywords = node.keywords
        for keyword in self.keywords:
            if keyword.name not in keywords:
                continue
            argument = keywords[keyword.name]
            for text, involves in keyword.docs_rules(argument, path) if keyword.docs_rules else ():
                self.add_rule(path, keyword.name, text, chain, involves)
            for section, key, fact in keyword.docs_facts(argument, path) if keyword.docs_facts else ():
                self.facts.setdefault(section, {}).setdefault(key, fact)
        if node.read_only:
            self.add_rule(path, "readOnly",
                          "read-only: a request that sends it is refused" if self.request
                          else "read-only: set by the server (an annotation in responses)", chain)
        for schema in raw:
            for name, needs in (schema.get("dependentRequired") or {}).items():
                self.add_rule(path, "dependentRequired",
                              f"when {code(name)} is present, {and_names(needs)} "
                              + ("is" if len(needs) == 1 else "are") + " required too", chain,
                              [path + format_pointer([n]) for n in (name, *needs)])


def _null_only(alternative: list[Sub]) -> bool:
    node = flatten(alternative)
    return node.types == {"null"} and not node.properties and not node.choices and not node.keywords


def _variant_label(choice: Choice, index: int) -> str:
    if choice.kind != "if":
        alternative = choice.alternatives[index]
        titles = flatten(alternative).titles if alternative else []
        return choice.titles[index] or (titles[0] if titles else f"{choice.kind} option {index + 1}")
    condition = choice.negate[1][0] if choice.negate[1] else {}
    branch = choice.alternatives[0][1:] if index == 0 else choice.alternatives[1]
    titles = flatten(branch).titles if branch else []
    if isinstance(condition, dict) and set(condition) == {"required"}:  # the usual "when it has field X"
        names = condition["required"]
        verb = ("is present" if index == 0 else "is absent") if len(names) == 1 else (
            "are all present" if index == 0 else "are not all present")
        when = f"when {and_names(names)} {verb}"
    else:
        words = _condition_words(condition)
        when = f"when {words}" if index == 0 else f"when not ({words})"
    return f"{titles[0]} ({when})" if titles else when


def _condition_words(condition: Any) -> str:
    """An ``if`` schema in words, for the common shapes; otherwise the schema itself."""
    if not isinstance(condition, dict):
        return code(json_text(condition))
    parts = []
    rest = dict(condition)
    if "required" in rest:
        names = rest.pop("required")
        parts.append(f"{and_names(names)} " + ("is" if len(names) == 1 else "are") + " present")
    if "type" in rest:
        kind = rest.pop("type")
        parts.append("the value is " + (" or ".join(kind) if isinstance(kind, list) else f"a {kind}"))
    if "pattern" in rest:
        parts.append("it matches " + code(rest.pop("pattern")))
    if rest:
        parts.append("it matches " + code(json_text(rest)))
    return " and ".join(parts)


def _raw_schemas(subs: list[Sub]) -> list[Schema]:
    """The schema objects merged at a location, as flatten reaches them ($ref and allOf), in its order."""
    return [schema for schema, _ in applied(subs) if isinstance(schema, dict)]


def _types(node: Node) -> set[str] | None:
    if node.types is not None:
        types = set(node.types)
    elif node.enum is not None:
        types = {json_type(value) for value in node.enum}
    else:
        return None
    if "number" in types:
        types.discard("integer")
    return types


def _string_constraints(node: Node) -> list[str]:
    found = [f"pattern {code(pattern)}" for pattern in dict.fromkeys(node.patterns)]
    low, high = node.min_length, node.max_length
    if high is not None and low:
        found.append(f"length {low} to {high}" if low != high else f"length exactly {low}")
    elif high is not None:
        found.append(f"length at most {high}")
    elif low:
        found.append(f"length at least {low}")
    return found


def _number_constraints(node: Node) -> list[str]:
    lower = upper = ""
    if node.exclusive_minimum is not None and (node.minimum is None or node.exclusive_minimum >= node.minimum):
        lower = f"greater than {json_text(node.exclusive_minimum)}"
    elif node.minimum is not None:
        lower = f"at least {json_text(node.minimum)}"
    if node.exclusive_maximum is not None and (node.maximum is None or node.exclusive_maximum <= node.maximum):
        upper = f"less than {json_text(node.exclusive_maximum)}"
    elif node.maximum is not None:
        upper = f"at most {json_text(node.maximum)}"
    return [" and ".join(part for part in (lower, upper) if part)] if lower or upper else []


def _array_constraints(node: Node) -> list[str]:
    found = []
    low, high = node.min_items, node.max_items
    if high is not None and low:
        found.append(f"{low} to {high} items" if low != high else f"exactly {low} item" + ("s" if low > 1 else ""))
    elif high is not None:
        found.append(f"at most {high} item" + ("s" if high != 1 else ""))
    elif low:
        found.append(f"at least {low} item" + ("s" if low != 1 else ""))
    if node.unique_items:
        found.append("items unique")
    return found


def _extra_keywords(raw: list[Schema], keywords: tuple[Keyword, ...]) -> list[str]:
    """Keywords the walk has no words for, shown as they are written."""
    understood = _STANDARD | {keyword.name for keyword in keywords if keyword.docs_rules or keyword.docs_constraint}
    found = []
    for schema in raw:
        for keyword in sorted(schema):
            if keyword not in understood:
                text = f"{code(keyword)}: {code(json_text(schema[keyword]))}"
                if text not in found:
                    found.append(text)
    return found

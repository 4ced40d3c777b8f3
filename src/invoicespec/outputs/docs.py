"""The human reference, generated from the schemas: Markdown pages and one static HTML page.

``invoicespec docs --out DIR`` writes ``index.md``, one ``<operation id>.md`` per
operation and ``index.html`` (every operation on one self-contained page: inline
CSS, a small inline script for the filter box, inline SVG diagrams, no external
resource). Generic generators drop exactly what this library adds (``x-``
keywords, ``dependentRequired``), so this one walks each part with
:func:`~invoicespec.catalog.nodes.flatten` and states every rule in words.

How a part is walked: from the part's root, ``$ref`` and ``allOf`` are merged into
one node per location; ``properties`` lead to ``<path>/<name>`` and ``items`` to
``<path>/*`` (``*`` stands for every item). Variants (``anyOf``, ``oneOf``,
``if``/``then``/``else``) are followed one alternative at a time; a field whose
description is the same in every variant is listed once, and otherwise once per
variant, labelled with the variants it holds in. An ``anyOf``/``oneOf``
alternative that is only ``{"type": "null"}`` is not a variant: it makes the
field nullable.

Field anchors (HTML ``id``): ``<operation id>--<part>--<JSON Pointer>``, such as
``getbill.create_debt--request--/phone`` (the root is ``…--request--``). Every
character other than ASCII letters, digits and ``. _ ~ * / -`` is written as
``:<hex code point>:``; a second and further row for the same path (another
variant) adds ``--2``, ``--3``. Operations are anchored by their id, parts by
``<operation id>--<part>``.

Output is deterministic: document order, sorted where order is free, no dates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from invoicespec._errors import InvoicespecError
from invoicespec.catalog.nodes import Choice, Node, Sub, applied, choose, flatten
from invoicespec.rules.json_data import json_type
from invoicespec.rules.pointer import format_pointer
from invoicespec.rules import PHONE_MESSAGES, check_iban

__all__ = [
    "Diagram", "Field", "Inference", "OperationDoc", "PartDoc", "Rule", "TierTable", "Variant",
    "build_docs", "describe_part", "field_anchor", "reference", "render_part",
]

#: The five messages of ``x-phone``, in the order GetBill lists them.
PHONE_MESSAGE_LIST = tuple(PHONE_MESSAGES.values())

# Inputs that make the IBAN checker give each of its messages; the page quotes what it answers, so the
# documented messages are always the checker's own.
_IBAN_SAMPLES = (
    ("characters other than letters, digits and spaces", "FR14-2004"),
    ("an unknown country code", "XX82 1234 5678"),
    ("a length that does not fit the country", "FR14 2004 1010 0505 0001 3M02 60"),
    ("check digits that do not match", "FR15 2004 1010 0505 0001 3M02 606"),
    ("an account part that does not fit the country's format", "DE89 3704 0044 0532 0130 0A"),
)
_INFERENCE = re.compile(r"inference|inferred", re.IGNORECASE)
_ID_SAFE = re.compile(r"[A-Za-z0-9._~*/-]")
_LONG_ENUM = 12  # enums longer than this are folded away (HTML <details>, Markdown list below the table)
_MAX_DEPTH = 40  # schemas do not recurse today; this keeps a recursive one from looping
# Keywords the walk understands (through flatten or as annotations); any other keyword found at a
# location is shown verbatim, so that no rule is ever dropped silently.
_UNDERSTOOD = frozenset({
    "$schema", "$id", "$anchor", "$dynamicAnchor", "$ref", "$defs", "$comment", "$vocabulary",
    "allOf", "anyOf", "oneOf", "if", "then", "else", "items", "properties", "additionalProperties",
    "type", "enum", "const", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "minProperties", "required", "format",
    "title", "description", "default", "readOnly", "examples", "dependentRequired",
    "x-required-any-of", "x-date-order", "x-phone", "x-destination-cost", "x-iban", "x-digits",
    "x-unique-by", "x-equal-across", "x-references", "x-contiguous",
})
_CROSS_FIELD = frozenset({
    "x-date-order", "x-required-any-of", "x-references", "x-unique-by", "x-equal-across", "x-contiguous",
    "x-destination-cost", "dependentRequired",
})
_TYPE_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")


# -- the model -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One row of a part's field table: a path, in one variant or in all of them."""

    path: str
    variant: str  # "" when the row holds whatever the variant
    types: str
    required: str
    nullable: bool
    constraints: tuple[str, ...]  # inline Markdown (backticks for code)
    values: tuple[str, ...]  # the allowed values as JSON text; () when not an enum
    default: str
    description: str
    notes: tuple[str, ...]  # the other descriptions merged at this location
    anchor: str
    rules: tuple[Rule, ...] = ()  # the cross-field and value rules that name this field

    @property
    def shown_path(self) -> str:
        """The path as the tables print it (``(root)`` for the whole part)."""
        return self.path or "(root)"

    @property
    def cross_rules(self) -> tuple[Rule, ...]:
        """The rules that tie this field to others (value rules are in ``constraints`` already)."""
        return tuple(rule for rule in self.rules if rule.keyword in _CROSS_FIELD)


@dataclass(frozen=True)
class Rule:
    """A rule in plain words, declared at ``path`` by ``keyword``."""

    path: str
    keyword: str
    text: str
    variant: str = ""
    anchor: str = ""

    @property
    def shown_path(self) -> str:
        """The path as the pages print it."""
        return self.path or "(root)"


@dataclass(frozen=True)
class TierTable:
    """The destination tiers of one ``x-destination-cost``."""

    path: str
    phone: str
    accepted_by: str
    default_region: str
    tiers: tuple[dict, ...]


@dataclass(frozen=True)
class Variant:
    """One choice point: its kind and its alternatives (label, description)."""

    path: str
    kind: str
    alternatives: tuple[tuple[str, str], ...]
    nullable: bool


@dataclass(frozen=True)
class PartDoc:
    """Everything the reference says about one part of one operation."""

    operation: str
    name: str
    title: str
    description: str
    media_type: str
    kind: str  # "body", "headers" or "path"
    schema_file: str
    notes: tuple[str, ...]
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...]
    phones: tuple[Rule, ...]
    ibans: tuple[Rule, ...]
    tiers: tuple[TierTable, ...]
    variants: tuple[Variant, ...]
    date_orders: tuple[tuple[str, str, str], ...]  # (earlier, later, relation), absolute paths
    inferences: tuple[tuple[str, str], ...]  # (path, text)
    examples: tuple[str, ...]
    example_language: str  # "json" or "text"
    anchor: str

    @property
    def long_enums(self) -> tuple[Field, ...]:
        """The rows whose list of values is folded away from the table."""
        return tuple(row for row in self.fields if len(row.values) > _LONG_ENUM)


@dataclass(frozen=True)
class Inference:
    """An inference a schema states, and everywhere it is stated."""

    text: str
    locations: tuple[tuple[str, str], ...]  # (label in inline Markdown, HTML anchor)


@dataclass(frozen=True)
class Diagram:
    """The date-order pairs that some parts of an operation share, as Mermaid and as SVG."""

    parts: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]
    mermaid: str
    svg: str


@dataclass(frozen=True)
class OperationDoc:
    """One operation: what its manifest says, its parts, inferences and diagrams."""

    id: str
    vendor: str
    method: str
    path: str
    summary: str
    description: str
    docs: tuple[str, ...]
    security: str
    server: str
    parts: tuple[PartDoc, ...]
    inferences: tuple[Inference, ...]
    diagrams: tuple[Diagram, ...]

    @property
    def field_count(self) -> int:
        """How many field rows the operation's parts hold."""
        return sum(len(part.fields) for part in self.parts)


# -- anchors and words -----------------------------------------------------------------------------


def field_anchor(operation: str, part: str, path: str, index: int = 1) -> str:
    """The HTML ``id`` of a field row (see the module docstring for the scheme)."""
    safe = "".join(c if _ID_SAFE.fullmatch(c) else f":{ord(c):x}:" for c in path)
    suffix = f"--{index}" if index > 1 else ""
    return f"{operation}--{part}--{safe}{suffix}"


def _code(text: Any) -> str:
    """An inline Markdown code span (HTML rendering turns it into <code>)."""
    text = str(text)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _relative(pointer: str) -> str:
    """A relative pointer as the error messages name it: ``/taxLocation/country`` -> ``taxLocation/country``."""
    return pointer[1:] if pointer.startswith("/") else pointer


def _names(items: Iterable[str]) -> str:
    shown = [_code(item) for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _or_names(items: Iterable[str]) -> str:
    shown = [_code(item) for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


# -- walking one part ------------------------------------------------------------------------------

Chain = tuple[tuple[int, str], ...]  # the variants taken on the way: (choice key, label)


@dataclass
class _Row:
    types: str
    required: str
    nullable: bool
    constraints: tuple[str, ...]
    values: tuple[str, ...]
    default: str
    description: str
    notes: tuple[str, ...]

    def key(self) -> tuple:
        return (self.types, self.required, self.nullable, self.constraints, self.values, self.default,
                self.description, self.notes)


@dataclass
class _Walk:
    """The facts one part's walk gathers, per path and per chain of variants."""

    request: bool
    kind: str
    rows: dict[str, list[tuple[Chain, _Row]]] = field(default_factory=dict)
    order: dict[str, tuple] = field(default_factory=dict)
    rules: dict[tuple[str, str, str], list[Chain]] = field(default_factory=dict)
    rule_order: list[tuple[str, str, str]] = field(default_factory=list)
    involved: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)  # the fields a rule names
    tiers: dict[str, TierTable] = field(default_factory=dict)
    variants: dict[tuple, Variant] = field(default_factory=dict)
    dates: list[tuple[str, str, str]] = field(default_factory=list)
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
            if _INFERENCE.search(text) and (path, text) not in self.inferences:
                self.inferences.append((path, text))
        if depth >= _MAX_DEPTH:
            return
        any_of = node.keywords.get("x-required-any-of", [])
        for index, (name, child) in enumerate(node.properties.items()):
            if node.allowed is not None and name not in node.allowed:
                continue  # refused by additionalProperties: false in this variant
            child_path = path + format_pointer([name])
            self.order.setdefault(child_path, (*self.order.get(path, ()), (index, name)))
            if name in node.required:
                needed = "yes"
            elif name in any_of:
                needed = "one of " + ", ".join(_code(n) for n in any_of)
            else:
                needed = "no"
            self.walk(child, frozenset(), child_path, chain, needed, False, depth + 1)
        if node.items:
            child_path = path + "/*"
            self.order.setdefault(child_path, (*self.order.get(path, ()), (-1, "*")))
            self.walk(node.items, frozenset(), child_path, chain, "(item)", False, depth + 1)

    # -- one row ---------------------------------------------------------------------------------

    def row(self, node: Node, raw: list[dict], path: str, required: str, nullable: bool) -> _Row:
        types = _types(node)
        if nullable and types is not None:
            types = types | {"null"}
        type_text = "any" if types is None else " | ".join(t for t in _TYPE_ORDER if t in types) or "nothing"
        is_nullable = types is None or "null" in types
        values: tuple[str, ...] = ()
        constraints: list[str] = []
        if node.enum is not None:
            values = tuple(_json(v) for v in node.enum)
            if nullable and None not in node.enum:
                values += ("null",)
            if node.enum_keyword == "const" and len(node.enum) == 1:
                constraints.append("always " + _code(values[0]) + (" or `null`" if len(values) > 1 else ""))
                values = ()
        constraints += _string_constraints(node)
        constraints += _number_constraints(node)
        constraints += _array_constraints(node)
        constraints += self.object_constraints(node, raw, types)
        constraints += self.value_keywords(node)
        if node.read_only:
            constraints.append("read-only: a request must not send it" if self.request
                               else "read-only: set by the server")
        constraints += _extra_keywords(raw)
        defaults = list(dict.fromkeys(_json(d) for d in node.defaults))
        descriptions = list(dict.fromkeys(node.descriptions))
        return _Row(
            types=type_text,
            required="—" if not path else required,
            nullable=is_nullable,
            constraints=tuple(constraints),
            values=values,
            default=" / ".join(defaults),
            description=descriptions[0] if descriptions else "",
            notes=tuple(descriptions[1:]),
        )

    def object_constraints(self, node: Node, raw: list[dict], types: set[str] | None) -> list[str]:
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
                found.append(f"when {_code(name)} is present, {_names(needs)} "
                             + ("is" if len(needs) == 1 else "are") + " required too")
        return found

    def value_keywords(self, node: Node) -> list[str]:
        found = []
        if "format" in node.keywords:
            found.append("format " + _code(node.keywords["format"]))
        if "x-digits" in node.keywords:
            found.append(_digits_words(node.keywords["x-digits"]))
        if "x-phone" in node.keywords:
            region = node.keywords["x-phone"].get("defaultRegion")
            found.append("phone number (`x-phone`" + (f", default region {_code(region)})" if region else ")"))
        if node.keywords.get("x-iban") is True:
            found.append("IBAN (`x-iban`)")
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

    def collect_rules(self, node: Node, raw: list[dict], path: str, chain: Chain) -> None:
        keywords = node.keywords
        for pair in keywords.get("x-date-order", []):
            relation = pair.get("relation", "<=")
            words = "on or after" if relation == "<=" else "after"
            self.add_rule(path, "x-date-order",
                          f"{_code(_relative(pair['later']))} must be {words} {_code(_relative(pair['earlier']))}",
                          chain, (path + pair["earlier"], path + pair["later"]))
            dated = (path + pair["earlier"], path + pair["later"], relation)
            if dated not in self.dates:
                self.dates.append(dated)
        if "x-required-any-of" in keywords:
            self.add_rule(path, "x-required-any-of",
                          f"at least one of {_or_names(keywords['x-required-any-of'])} must be present", chain,
                          [path + format_pointer([name]) for name in keywords["x-required-any-of"]])
        for link in keywords.get("x-references", []):
            self.add_rule(path, "x-references",
                          f"every item of {_code(_relative(link['items']))} whose {_code(_relative(link['field']))} "
                          f"is set must name an item of {_code(_relative(link['target']))} by that item's "
                          f"{_code(_relative(link['key']))}", chain,
                          (path + link["items"] + "/*" + link["field"], path + link["target"] + "/*" + link["key"]))
        if "x-unique-by" in keywords:
            pointers = [_relative(p) for p in keywords["x-unique-by"]]
            what = (f"{_code(pointers[0])}" if len(pointers) == 1
                    else f"combination of {_names(pointers)}")
            self.add_rule(path, "x-unique-by",
                          f"each item's {what} must differ from every other item's (items where it is absent "
                          "or null are skipped)", chain,
                          [path + "/*" + pointer for pointer in keywords["x-unique-by"]])
        for pointer in keywords.get("x-equal-across", []):
            self.add_rule(path, "x-equal-across",
                          f"{_code(_relative(pointer))} must be the same in every item that has it (absent and "
                          "null values are skipped)", chain, (path + "/*" + pointer,))
        if "x-contiguous" in keywords:
            spec = keywords["x-contiguous"]
            start = spec.get("start", 1)
            self.add_rule(path, "x-contiguous",
                          f"the items' {_code(_relative(spec['field']))} values must run {start}, {start + 1}, "
                          f"{start + 2}, … with no repeat and no gap, in any order", chain,
                          (path + "/*" + spec["field"],))
        if "x-destination-cost" in keywords:
            cost = keywords["x-destination-cost"]
            self.add_rule(path, "x-destination-cost",
                          f"the phone number at {_code(_relative(cost['phone']))} is classified by its region into "
                          "the first tier that lists it (table below); a number in an expensive tier is refused "
                          f"unless {_code(_relative(cost['acceptedBy']))} is `true`, and the error names the "
                          "destination, its credits per call and its multiplier; a number in no tier is accepted",
                          chain, (path + cost["phone"], path + cost["acceptedBy"]))
            self.tiers.setdefault(path, TierTable(
                path=path, phone=path + cost["phone"], accepted_by=path + cost["acceptedBy"],
                default_region=cost.get("defaultRegion", ""), tiers=tuple(cost["tiers"]),
            ))
        if "x-digits" in keywords:
            self.add_rule(path, "x-digits", "a number, or a decimal string, with " + _digits_words(
                keywords["x-digits"]).removeprefix("digits: "), chain)
        if "x-phone" in keywords:
            region = keywords["x-phone"].get("defaultRegion")
            where = (f"numbers without `+` and a country code are read as {_code(region)} numbers"
                     if region else "there is no default region, so numbers must start with `+` and the "
                                    "country code")
            self.add_rule(path, "x-phone",
                          "a phone number as people type it (digits, one leading `+`, spaces and `( ) . - /`); "
                          f"{where}; normalized to E.164; errors use GetBill's five messages", chain)
        if keywords.get("x-iban") is True:
            self.add_rule(path, "x-iban",
                          "an IBAN (ISO 13616): known country, the country's length and structure, mod-97 check "
                          "digits; spaces and lower case are accepted, normalized to compact upper case; "
                          "messages quote at most the first four characters", chain)
        if node.read_only:
            self.add_rule(path, "readOnly",
                          "read-only: a request that sends it is refused" if self.request
                          else "read-only: set by the server (an annotation in responses)", chain)
        for schema in raw:
            for name, needs in (schema.get("dependentRequired") or {}).items():
                self.add_rule(path, "dependentRequired",
                              f"when {_code(name)} is present, {_names(needs)} "
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
        when = f"when {_names(names)} {verb}"
    else:
        words = _condition_words(condition)
        when = f"when {words}" if index == 0 else f"when not ({words})"
    return f"{titles[0]} ({when})" if titles else when


def _condition_words(condition: Any) -> str:
    """An ``if`` schema in words, for the common shapes; otherwise the schema itself."""
    if not isinstance(condition, dict):
        return _code(_json(condition))
    parts = []
    rest = dict(condition)
    if "required" in rest:
        names = rest.pop("required")
        parts.append(f"{_names(names)} " + ("is" if len(names) == 1 else "are") + " present")
    if "type" in rest:
        kind = rest.pop("type")
        parts.append("the value is " + (" or ".join(kind) if isinstance(kind, list) else f"a {kind}"))
    if "pattern" in rest:
        parts.append("it matches " + _code(rest.pop("pattern")))
    if rest:
        parts.append("it matches " + _code(_json(rest)))
    return " and ".join(parts)


def _raw_schemas(subs: list[Sub]) -> list[dict]:
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
    found = [f"pattern {_code(pattern)}" for pattern in dict.fromkeys(node.patterns)]
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
        lower = f"greater than {_json(node.exclusive_minimum)}"
    elif node.minimum is not None:
        lower = f"at least {_json(node.minimum)}"
    if node.exclusive_maximum is not None and (node.maximum is None or node.exclusive_maximum <= node.maximum):
        upper = f"less than {_json(node.exclusive_maximum)}"
    elif node.maximum is not None:
        upper = f"at most {_json(node.maximum)}"
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


def _digits_words(limits: dict) -> str:
    integer, fraction = limits["integer"], limits["fraction"]
    fractional = "no fractional digits" if fraction == 0 else f"{fraction} fractional digit" + (
        "s" if fraction != 1 else "")
    return f"digits: at most {integer} integral and {fractional}"


def _extra_keywords(raw: list[dict]) -> list[str]:
    """Keywords the walk has no words for, shown as they are written."""
    found = []
    for schema in raw:
        for keyword in sorted(schema):
            if keyword not in _UNDERSTOOD:
                text = f"{_code(keyword)}: {_code(_json(schema[keyword]))}"
                if text not in found:
                    found.append(text)
    return found


# -- grouping rows across variants -----------------------------------------------------------------


def _condition(chain: Chain, group: set[Chain], total: set[Chain]) -> tuple[str, ...]:
    """The fewest variants of ``chain`` that still single out chains of ``group`` among ``total``."""
    kept = list(chain)
    for component in reversed(chain):  # inner variants go first: the outer ones usually say more
        trial = [c for c in kept if c != component]
        if all(other in group for other in total if set(trial) <= set(other)):
            kept = trial
    return tuple(label for _, label in kept)


def _variant_text(group: list[Chain], total: set[Chain]) -> str:
    members = set(group)
    if members == total:
        return ""
    conditions = list(dict.fromkeys(_condition(chain, members, total) for chain in group))
    if any(not condition for condition in conditions):  # cannot be told apart more simply: say it all
        conditions = [tuple(label for _, label in chain) for chain in group]
    return "; ".join(" › ".join(condition) for condition in conditions)


def _parent(path: str) -> str | None:
    return None if not path else path.rsplit("/", 1)[0]


def _fields(walk: _Walk, operation: str, part: str, rules: dict[str, list[Rule]]) -> tuple[Field, ...]:
    chains_at = {path: [chain for chain, _ in entries] for path, entries in walk.rows.items()}
    rows: list[Field] = []
    for path in sorted(walk.rows, key=lambda p: (walk.order.get(p, ()), p)):
        entries = walk.rows[path]
        total = {chain for chain, _ in entries}
        parent = _parent(path)
        for upper in chains_at.get(parent, []) if parent is not None else []:
            if not any(chain[:len(upper)] == upper for chain in total):
                total.add(upper)  # the field does not exist in that variant
        groups: dict[tuple, tuple[_Row, list[Chain]]] = {}
        for chain, row in entries:
            groups.setdefault(row.key(), (row, []))[1].append(chain)
        for index, (row, group) in enumerate(groups.values(), start=1):
            rows.append(Field(
                path=path, variant=_variant_text(group, total), types=row.types, required=row.required,
                nullable=row.nullable, constraints=row.constraints, values=row.values, default=row.default,
                description=row.description, notes=row.notes, anchor=field_anchor(operation, part, path, index),
                rules=tuple(rules.get(path, ())),
            ))
    return tuple(rows)


def _rules(walk: _Walk, operation: str, part: str) -> tuple[tuple[Rule, ...], dict[str, list[Rule]]]:
    """Every rule (in path order), and for each field path the rules that name it."""
    found = []
    naming: dict[str, list[Rule]] = {}
    keys = sorted(walk.rule_order, key=lambda k: (walk.order.get(k[0], ()), k[0]))  # stable: keeps first-seen order
    for key in keys:
        path, keyword, text = key
        total = {chain for chain, _ in walk.rows.get(path, [])}
        rule = Rule(path=path, keyword=keyword, text=text, variant=_variant_text(walk.rules[key], total),
                    anchor=field_anchor(operation, part, path))
        found.append(rule)
        for named in walk.involved[key]:
            naming.setdefault(named, []).append(rule)
    return tuple(found), naming


# -- one part, one operation -----------------------------------------------------------------------

#: How to read the pages: inline Markdown, one item each, shown by the Markdown index and the HTML page.
LEGEND = (
    "**Path** is a JSON Pointer into the part: `/items/*/ident` is the `ident` of every item of `items` (`*` "
    "stands for every item of an array), and `(root)` is the whole part (the body, the headers or the path "
    "parameters).",
    "**Required** is `yes` when the field must be present whenever the object that holds it is present, "
    "`one of …` when at least one of the named fields must be present (`x-required-any-of`), and `(item)` for the "
    "items of an array.",
    "**Nullable** is `yes` when `null` is an allowed value.",
    "**Constraints** lists the allowed values, patterns, lengths, ranges, digit limits, formats, item counts, "
    "whether other fields are refused, and every rule that ties the field to other fields, in words.",
    "**Variants**: a field that differs between the variants of a schema (`anyOf`, `oneOf`, `if`/`then`/`else`) "
    "has one row per variant, labelled with the variants it holds in; a field that is the same in every variant "
    "has one row.",
    "**Dates in order** (`x-date-order`): a pair is skipped when either date is absent, null or malformed "
    "(`format` reports malformed ones), and when the two cannot be compared (a date and a date-time, or a local "
    "date-time and one with an offset); date-times with offsets compare as instants.",
    "**Inferences**: where a vendor's documentation is silent and a schema adopts an inference, its description "
    "says so; each operation lists them all under \"Inferences\".",
    "**Anchors** (in `index.html`): every field row has the id `<operation>--<part>--<path>`, such as "
    "`getbill.create_debt--request--/phone` (the root is `getbill.create_debt--request--`); characters other than "
    "ASCII letters, digits and `. _ ~ * / -` are written `:<hex code point>:`, and a second row for the same path "
    "(another variant) adds `--2`, `--3`. Operations are anchored by their id, parts by `<operation>--<part>`. "
    "`index.html?filter=phone` opens the page with the filter applied.",
)

_PART_NOTES = {
    "headers": "Header names match case-insensitively (errors keep the names as sent); values are strings.",
    "path": "Path parameters arrive as strings from the URL and are read as the types declared here.",
}


def describe_part(schema: dict, resolver: Any, *, operation: str, part: str, description: str = "",
                  media_type: str = "application/json", schema_file: str = "",
                  examples: Sequence[Any] = ()) -> PartDoc:
    """Walk one part's schema (with the resolver in force at its root) into a :class:`PartDoc`."""
    kind = {"request.headers": "headers", "request.path": "path"}.get(part, "body")
    walk = _Walk(request=part.startswith("request"), kind=kind)
    walk.order[""] = ()
    walk.walk([(schema, resolver)], frozenset(), "", (), "—", False, 0)
    rules, naming = _rules(walk, operation, part)
    notes = [_PART_NOTES[kind]] if kind in _PART_NOTES else []
    if media_type == "text/plain":
        notes.append("The body is plain text: the whole text is the value at `(root)`.")
    text = media_type == "text/plain" and all(isinstance(example, str) for example in examples)
    return PartDoc(
        operation=operation, name=part, title=walk.title, description=description, media_type=media_type,
        kind=kind, schema_file=schema_file, notes=tuple(notes), fields=_fields(walk, operation, part, naming),
        rules=tuple(r for r in rules if r.keyword not in ("x-phone", "x-iban")),
        phones=tuple(r for r in rules if r.keyword == "x-phone"),
        ibans=tuple(r for r in rules if r.keyword == "x-iban"),
        tiers=tuple(walk.tiers.values()),
        variants=tuple(walk.variants.values()),
        date_orders=tuple(walk.dates),
        inferences=tuple(walk.inferences),
        examples=tuple(example if text else json.dumps(example, indent=2, ensure_ascii=False)
                       for example in examples),
        example_language="text" if text else "json",
        anchor=f"{operation}--{part}",
    )


def _describe_operation(operation_id: str) -> OperationDoc:
    import invoicespec
    from invoicespec.catalog.load import shipped

    catalog = shipped()
    info = invoicespec.operation_info(operation_id)
    parts = []
    for name, spec in info.parts.items():
        validator = invoicespec.validator(operation_id, name)
        inner = validator._jsonschema
        parts.append(describe_part(
            inner.schema, inner._resolver, operation=operation_id, part=name, description=spec.description,
            media_type=spec.media_type, schema_file="schemas/" + catalog.files.get(spec.schema_uri, ""),
            examples=validator.examples,
        ))
    return OperationDoc(
        id=operation_id, vendor=info.vendor, method=info.method, path=info.path, summary=info.summary,
        description=info.description, docs=tuple(info.docs), security=info.security, server=info.server,
        parts=tuple(parts), inferences=_inferences(info, parts), diagrams=_diagrams(operation_id, parts),
    )


def _inferences(info: Any, parts: list[PartDoc]) -> tuple[Inference, ...]:
    """Every stated inference once, with where it is stated: (inline Markdown label, HTML anchor) pairs."""
    found: dict[str, list[tuple[str, str]]] = {}
    if _INFERENCE.search(info.description or ""):
        found.setdefault(info.description, []).append(("the operation", info.id))
    for part in parts:
        if _INFERENCE.search(part.description):
            found.setdefault(part.description, []).append((f"{_code(part.name)} (the part)", part.anchor))
        for path, text in part.inferences:
            found.setdefault(text, []).append((f"{_code(part.name)} {_code(path or '(root)')}",
                                               field_anchor(info.id, part.name, path)))
    return tuple(Inference(text, tuple(dict.fromkeys(locations))) for text, locations in found.items())


def reference() -> tuple[OperationDoc, ...]:
    """The reference model of every shipped operation, in operation order."""
    import invoicespec

    return tuple(_describe_operation(operation) for operation in invoicespec.operations())


# -- diagrams --------------------------------------------------------------------------------------


def _diagrams(operation: str, parts: list[PartDoc]) -> tuple[Diagram, ...]:
    shared: dict[tuple, list[str]] = {}
    for part in parts:
        if part.date_orders:
            shared.setdefault(part.date_orders, []).append(part.name)
    return tuple(
        Diagram(parts=tuple(names), edges=edges, mermaid=_mermaid(edges),
                svg=_svg(edges, f"{operation}--dates-{number}", ", ".join(names)))
        for number, (edges, names) in enumerate(shared.items(), start=1)
    )


def _mermaid(edges: tuple[tuple[str, str, str], ...]) -> str:
    ids: dict[str, str] = {}
    for earlier, later, _ in edges:
        for path in (earlier, later):
            ids.setdefault(path, f"d{len(ids) + 1}")
    lines = ["graph LR"]
    lines += [f'    {ident}["{path}"]' for path, ident in ids.items()]
    lines += [f'    {ids[earlier]} -->|"{relation}"| {ids[later]}' for earlier, later, relation in edges]
    return "\n".join(lines)


def _layers(edges: tuple[tuple[str, str, str], ...]) -> list[list[list[str]]]:
    """Connected components of the date graph, each as layers (earliest first)."""
    nodes = list(dict.fromkeys(path for edge in edges for path in edge[:2]))
    group = {node: node for node in nodes}

    def root(node: str) -> str:
        while group[node] != node:
            node = group[node]
        return node

    for earlier, later, _ in edges:
        group[root(later)] = root(earlier)
    depth = dict.fromkeys(nodes, 0)
    for _ in nodes:  # longest path from a source; bounded, so a cycle cannot loop forever
        for earlier, later, _relation in edges:
            depth[later] = max(depth[later], min(depth[earlier] + 1, len(nodes)))
    components: dict[str, list[list[str]]] = {}
    for node in nodes:
        layers = components.setdefault(root(node), [])
        while len(layers) <= depth[node]:
            layers.append([])
        layers[depth[node]].append(node)
    return [[layer for layer in layers if layer] for layers in components.values()]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _svg(edges: tuple[tuple[str, str, str], ...], ident: str, caption: str) -> str:
    """The date graph as an inline SVG: earlier dates above, arrows down to later ones."""
    box_height, row_gap, column_gap, margin = 44, 46, 16, 8
    sizes = {}
    for path in dict.fromkeys(p for edge in edges for p in edge[:2]):
        parent, _, name = path.rpartition("/")
        sizes[path] = (parent + "/", name, max(len(parent) * 6.1, len(name) * 7.9, 60) + 20)
    places: dict[str, tuple[float, float, float]] = {}
    y = margin
    width = 0.0
    for layers in _layers(edges):
        for layer in layers:
            x = margin
            for path in layer:
                places[path] = (x, y, sizes[path][2])
                x += sizes[path][2] + column_gap
            width = max(width, x - column_gap + margin)
            y += box_height + row_gap
        y += 10 - row_gap + 16
    height = y - 16 + margin
    out = [
        f'<svg class="dates" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="{ident}-title">',
        f'<title id="{ident}-title">Date order ({_escape(caption)}): an arrow runs from the earlier date to the '
        "later one</title>",
        f'<defs><marker id="{ident}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#334"/></marker></defs>',
    ]
    for earlier, later, relation in edges:
        x1, y1, w1 = places[earlier]
        x2, y2, w2 = places[later]
        start = (x1 + w1 / 2, y1 + box_height)
        end = (x2 + w2 / 2, y2)
        out.append(f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}" '
                   f'stroke="#334" stroke-width="1.5" marker-end="url(#{ident}-arrow)"/>')
        middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        symbol = "≤" if relation == "<=" else "&lt;"
        out.append(f'<rect x="{middle[0] - 11:.1f}" y="{middle[1] - 10:.1f}" width="22" height="18" rx="4" '
                   'fill="#fff" stroke="#99a"/>')
        out.append(f'<text x="{middle[0]:.1f}" y="{middle[1] + 4:.1f}" text-anchor="middle" '
                   f'font-size="13" font-weight="bold">{symbol}</text>')
    for path, (x, y_, w) in places.items():
        parent, name, _ = sizes[path]
        out.append(f'<g><title>{_escape(path)}</title><rect x="{x:.1f}" y="{y_:.1f}" width="{w:.1f}" '
                   f'height="{box_height}" rx="6" fill="#eef3fb" stroke="#4a6fa5"/>')
        if parent != "/":  # a field of a nested object: its object's path on a first, smaller line
            out.append(f'<text x="{x + w / 2:.1f}" y="{y_ + 16:.1f}" text-anchor="middle" font-size="10" '
                       f'fill="#556" font-family="monospace">{_escape(parent)}</text>')
        baseline = y_ + (34 if parent != "/" else 27)
        out.append(f'<text x="{x + w / 2:.1f}" y="{baseline:.1f}" text-anchor="middle" font-size="13" '
                   f'font-weight="bold" font-family="monospace">{_escape(name)}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


# -- rendering -------------------------------------------------------------------------------------


def _environment() -> Any:
    try:
        import jinja2
    except ImportError:
        raise InvoicespecError(
            "the reference needs Jinja2: install the docs extra, pip install 'invoicespec[docs]'"
        ) from None
    templates = files("invoicespec") / "outputs" / "templates"

    def load(name: str) -> str:
        # Read through importlib.resources, so templates load from a wheel or a zip as well as a checkout.
        return (templates / name).read_text(encoding="utf-8")

    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["inline"] = _inline_html
    environment.filters["md"] = _markdown_text
    environment.filters["cell"] = _markdown_cell
    environment.filters["code"] = _code
    environment.filters["slug"] = _github_slug
    environment.globals["PHONE_MESSAGES"] = PHONE_MESSAGE_LIST
    environment.globals["IBAN_MESSAGES"] = _iban_messages()
    environment.globals["LONG_ENUM"] = _LONG_ENUM
    environment.globals["LEGEND"] = LEGEND

    def asset(name: str) -> Any:
        # CSS and JavaScript are inlined as they are: never parsed as templates nor escaped.
        from markupsafe import Markup

        return Markup(load(name).rstrip("\n"))

    environment.globals["asset"] = asset
    return environment


def _iban_messages() -> tuple[tuple[str, str, str], ...]:
    found = []
    for cause, sample in _IBAN_SAMPLES:
        result = check_iban(sample)
        if result is not None and result.message:
            found.append((cause, sample, result.message))
    return tuple(found)


def _spans(text: str) -> list[tuple[bool, str]]:
    """Split inline Markdown into (is_code, text) pieces."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in re.finditer(r"``\s(.+?)\s``|`([^`]+)`", text):
        if match.start() > position:
            pieces.append((False, text[position:match.start()]))
        pieces.append((True, match.group(1) if match.group(1) is not None else match.group(2)))
        position = match.end()
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces


def _inline_html(text: str) -> Any:
    """Inline Markdown (code spans and **bold**) as safe HTML."""
    from markupsafe import Markup, escape

    def prose(piece: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", str(escape(piece)))

    return Markup("".join(f"<code>{escape(piece)}</code>" if is_code else prose(piece)
                          for is_code, piece in _spans(str(text))))


def _markdown_text(text: str) -> str:
    """Schema text for a Markdown page: angle brackets outside code spans are escaped (not taken as HTML)."""
    return "".join(_code(piece) if is_code else piece.replace("<", "&lt;").replace(">", "&gt;")
                   for is_code, piece in _spans(str(text)))


def _markdown_cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped (GFM needs it inside code spans too)."""
    return _markdown_text(" ".join(str(text).split())).replace("|", "\\|")


def _github_slug(text: str) -> str:
    """The anchor GitHub gives a Markdown heading (lower case, punctuation dropped, spaces to hyphens)."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def render_part(part: PartDoc, markup: str = "md") -> str:
    """One part's section, as Markdown (``md``) or HTML (``html``): the pages include exactly this."""
    template = "part.md.j2" if markup == "md" else "part.html.j2"
    return _environment().get_template(template).render(part=part)


def build_docs(out_dir: Path) -> list[Path]:
    """Write ``index.md``, one ``<operation id>.md`` per operation and ``index.html`` into ``out_dir``.

    Returns the paths written, sorted. The output depends only on the schemas.
    """
    environment = _environment()
    operations = reference()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = {"index.md": environment.get_template("index.md.j2").render(operations=operations),
             "index.html": environment.get_template("index.html.j2").render(operations=operations)}
    for operation in operations:
        pages[f"{operation.id}.md"] = environment.get_template("operation.md.j2").render(operation=operation)
    written = []
    for name, text in sorted(pages.items()):
        target = out_dir / name
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(target)
    return sorted(written)

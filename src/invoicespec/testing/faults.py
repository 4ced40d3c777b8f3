"""Single faults: the mutations a valid payload's schema allows, each with the exact error it causes.

The walker follows the payload through its flattened schema (choosing, at each
variant, the one the payload matches) and lists, at every location, one mutation
per constraint there. A mutation near a variant's discriminator, or on a value a
relational keyword reads, may move its error elsewhere: those are flagged and
used only once the validator confirms them (see ``_Mutations.usable``). Standard
keywords are broken here; each custom keyword brings its own ``fault`` hook (see
``keywords/keyword.py``), which the walker asks through the registry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from invoicespec.catalog.nodes import Choice, Node, Sub, choose, flatten
from invoicespec.engine.descend import holds, resolver_of
from invoicespec.engine.validator import kind_of
from invoicespec.keywords.standard import compile_pattern
from invoicespec.rules.json_data import copy_json, json_type
from invoicespec.keywords.keyword import Path
from invoicespec.report.variants import Discriminator, discriminators, fits_no_variant, misfit_keyword
from invoicespec.rules.pointer import MISSING, format_pointer, parse_pointer
from invoicespec.testing.generate import keywords_of


class _Mutation:
    """One way to break a payload: where, which keyword, and the change."""

    __slots__ = ("change", "keyword", "kind", "target", "verify", "where")

    def __init__(self, target: Path, keyword: str, change: Any, where: Path | None = None,
                 verify: bool = False, kind: str | None = None) -> None:
        self.target = target  # path of the value to change (its parent for a removal)
        self.keyword = keyword
        # The kind of fault the strategy draws from: the keyword broken, or a fault of its own (a
        # wrong discriminator is reported as a type or enum error, but is not drawn as one).
        self.kind = keyword if kind is None else kind
        self.change = change  # a function: copy of the value at target -> new value (or _REMOVE)
        self.where = target if where is None else where  # the path of the expected error
        # A change near a variant's discriminator, or to a value a relation reads, may move the error
        # elsewhere (another variant, a dangling reference): such a mutation is kept only once checked.
        self.verify = verify

    def apply(self, payload: Any) -> tuple[Any, str, str]:
        document = copy_json(payload)
        if not self.target:
            document = self.change(document)
        else:
            *parents, last = self.target
            holder: Any = document
            for step in parents:
                holder = holder[step]
            present = (isinstance(holder, dict) and last in holder) or (
                isinstance(holder, list) and isinstance(last, int) and last < len(holder))
            new = self.change(holder[last] if present else MISSING)
            if new is _REMOVE:
                del holder[last]
            elif isinstance(holder, list) and last == len(holder):
                holder.append(new)
            else:
                holder[last] = new
        return document, format_pointer(self.where), self.keyword


_REMOVE = object()


@dataclass(frozen=True)
class Site:
    """What a keyword's ``fault`` hook may ask about the place of the value it breaks."""

    #: The schema there, flattened.
    node: Node
    #: Fields of the value whose change may move the error elsewhere (to another variant).
    careful: frozenset[str] | set[str]
    walker: _Mutations

    def item_node(self, pointer: str) -> Node | None:
        """The flattened schema at ``pointer`` inside each item of the array here, or None."""
        return self.walker.item_node(self.node, pointer)

    @property
    def items_keyed(self) -> bool:
        """Whether the items here carry a key they must not share (so a copy of an item repeats it)."""
        return bool(keywords_of(self.node, "unique_key"))


#: The fault kind of a variant's discriminator given a value no variant takes (reported as ``type`` or
#: ``enum`` at the field).
DISCRIMINATOR = "discriminator"
_COMMON_KINDS = frozenset({"type", "required", "additionalProperties"})
_NOT_JSON = float("nan")


_BAD_FORMATS = {
    "date": "2023-02-29",
    "date-time": "2024-01-15 10:30:00",
    "local-date-time": "2024-01-15T25:30:00",
    "date-time-optional-offset": "28.09.2023 13:09",
    "email": "no-at-sign.example.com",
    "uri": "/relative/path",
    "uuid": "not-a-uuid",
}
_WRONG_TYPES = [("string", "text"), ("number", {}), ("object", []), ("array", {}), ("boolean", "true")]


class _Mutations:
    """Walks a valid payload alongside its schema and lists every mutation that breaks one rule."""

    def __init__(self, validator: Any) -> None:
        self.validator = validator
        self.inner = validator._jsonschema
        self.request = validator.part.startswith("request")
        self.kind = kind_of(validator.part)
        self._nodes: dict[tuple[Any, ...], Node] = {}  # schemas live as long as the catalog: their ids are stable

    def flatten(self, subs: list[Sub], consumed: frozenset[int] = frozenset()) -> Node:
        key = (tuple(id(schema) for schema, _ in subs), consumed)
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = flatten(subs, consumed)
        return node

    def find(self, payload: Any) -> list[_Mutation]:
        found: list[_Mutation] = []
        if self.kind == "headers" and isinstance(payload, dict) and payload:
            name = next(iter(payload))
            twin = name.upper() if name != name.upper() else name.lower()
            found.append(_Mutation((twin,), "x-headers", lambda _: payload[name]))
            # The headers as the schema sees them (lower-case names), and the way back to the payload's names.
            folded, names, _ = self.validator._prepare(payload)
            self.walk([(self.inner.schema, resolver_of(self.inner))], frozenset(), folded, (), found, set(), False)
            for mutation in found[1:]:
                if mutation.target and mutation.target[0] in names:
                    mutation.target = (names[mutation.target[0]], *mutation.target[1:])
                    if mutation.keyword != "required":  # a removed header is reported by its schema name
                        mutation.where = (names.get(mutation.where[0], mutation.where[0]), *mutation.where[1:])
        elif self.kind == "path" and isinstance(payload, dict):
            typed = self.validator._typed_path(payload)
            self.walk([(self.inner.schema, resolver_of(self.inner))], frozenset(), typed, (), found, set(), False)
            for mutation in found:
                mutation.change = _url_text(mutation.change)
        else:
            self.walk([(self.inner.schema, resolver_of(self.inner))], frozenset(), payload, (), found, set(), False)
        if not found:  # the part accepts any JSON value: what is not JSON is the only fault
            found.append(_Mutation((), "json", lambda _: _NOT_JSON))
        return found

    def usable(self, payload: Any) -> dict[str, list[_Mutation]]:
        """The mutations to draw from, by kind (the keyword broken, or ``discriminator``), each
        sure to cause exactly its error.

        Mutations correct by construction are used as they are. A mutation flagged for
        checking is used only for a kind no plain mutation covers, and only once the
        validator confirms it (checking them all would cost a validation each per draw).
        """
        plain: dict[str, list[_Mutation]] = {}
        flagged: dict[str, list[_Mutation]] = {}
        for mutation in self.find(payload):
            (flagged if mutation.verify else plain).setdefault(mutation.kind, []).append(mutation)
        for kind, mutations in flagged.items():
            if kind not in plain:
                confirmed = next((m for m in mutations if self.holds(m, payload)), None)
                if confirmed is not None:
                    plain[kind] = [confirmed]
        if not plain:
            plain["json"] = [_Mutation((), "json", lambda _: _NOT_JSON)]
        return plain

    def holds(self, mutation: _Mutation, payload: Any) -> bool:
        document, where, keyword = mutation.apply(payload)
        errors = self.validator.errors(document)
        return any((e.path, e.keyword) == (where, keyword) for e in errors) and all(e.path == where for e in errors)

    def walk(self, subs: list[Sub], consumed: frozenset[int], value: Any, path: Path,
             found: list[_Mutation], careful: set[str], careful_here: bool) -> None:
        """List the mutations of ``value``; those made where ``careful_here`` holds get verified."""
        node = self.flatten(subs, consumed)
        if node.choices:
            choice = node.choices[0]
            telling = _discriminators(choice)
            if isinstance(value, dict):
                found.extend(_wrong_discriminators(choice, value, path))
            for index in range(len(choice.alternatives)):
                chosen, now = choose(subs, consumed, choice, index)
                if all(holds(self.inner, value, s, r) for s, r in choice.alternatives[index]):
                    self.walk(chosen, now, value, path, found, careful | telling, True)
                    return
            return
        start = len(found)
        if node.enum is not None:
            found.append(_Mutation(path, node.enum_keyword, _outside_enum(node.enum)))
        elif node.types is not None:
            wrong = next((bad for type_name, bad in _WRONG_TYPES if not _allows(node.types, type_name)), None)
            if wrong is not None and json_type(value) in node.types | ({"number"} if "integer" in node.types else set()):
                found.append(_Mutation(path, "type", lambda _, bad=wrong: bad))
        if isinstance(value, dict):
            self.object(node, value, path, found, careful)
        elif isinstance(value, list):
            self.array(node, value, path, found)
        elif isinstance(value, str) and node.enum is None:
            self.string(node, value, path, found)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.number(node, value, path, found)
        if careful_here:
            for mutation in found[start:]:
                mutation.verify = True

    # -- objects and arrays -----------------------------------------------------------------------

    def object(self, node: Node, value: dict[str, Any], path: Path, found: list[_Mutation], careful: set[str]) -> None:
        roles = _entangled_fields(node)
        for name in sorted(node.required & set(value)):
            found.append(_Mutation((*path, name), "required", lambda _: _REMOVE,
                                   verify=name in careful or name in roles))
        if node.additional is False and "zz_not_a_field" not in node.properties:
            found.append(_Mutation((*path, "zz_not_a_field"), "additionalProperties", lambda _: 1))
        if self.request:
            for name, subs in node.properties.items():
                if name not in value and self.flatten(subs).read_only:
                    found.append(_Mutation((*path, name), "readOnly", lambda _: "set by the client"))
        self.keyword_faults(node, value, path, found, careful)
        for name, subs in node.properties.items():
            if name in value:
                self.walk(subs, frozenset(), value[name], (*path, name), found, set(), name in roles | careful)

    def array(self, node: Node, value: list[Any], path: Path, found: list[_Mutation]) -> None:
        watched = _entangled_fields(node)
        relational = bool(watched)  # copies or removals of items may break the array's relations too
        if node.min_items:
            found.append(_Mutation(path, "minItems", lambda _: [], verify=relational))
        if node.max_items is not None and value and len(value) == node.max_items and not relational \
                and not node.unique_items:
            found.append(_Mutation(path, "maxItems", lambda items: items + [items[0]]))
        if node.unique_items and value:
            found.append(_Mutation((*path, len(value)), "uniqueItems", lambda _, first=value[0]: first))
        self.keyword_faults(node, value, path, found, set())
        for index, item in enumerate(value):
            start = len(found)
            self.walk(node.items, frozenset(), item, (*path, index), found, set(), False)
            for mutation in found[start:]:  # changes to a field the array's relations read get verified
                if len(mutation.target) > len(path) + 1 and mutation.target[len(path) + 1] in watched:
                    mutation.verify = True

    def item_node(self, node: Node, pointer: str) -> Node | None:
        """The flattened schema at ``pointer`` inside each item of the array ``node``, or None."""
        subs = node.items
        for step in parse_pointer(pointer):
            here = self.flatten(subs)
            if step not in here.properties:
                return None
            subs = here.properties[step]
        return self.flatten(subs)

    # -- values -------------------------------------------------------------------------------

    def string(self, node: Node, value: str, path: Path, found: list[_Mutation]) -> None:
        keys = node.keywords
        shaped = self.keyword_faults(node, value, path, found, set())
        if "format" in keys and keys["format"] in _BAD_FORMATS:
            found.append(_Mutation(path, "format", lambda _, bad=_BAD_FORMATS[keys["format"]]: bad))
        checks = [(k, c) for k, c in (("minLength", node.min_length > 0), ("maxLength", node.max_length is not None))
                  if c]
        for keyword, _ in checks:
            if keyword == "minLength":
                found.append(_Mutation(path, "minLength", lambda _, n=node.min_length: "a" * (n - 1)))
            elif node.max_length is not None and node.max_length <= 100_000:
                found.append(_Mutation(path, "maxLength", lambda _, n=node.max_length: "a" * (n + 1)))
        # Where a custom keyword or a format shapes the text, an off-pattern text would likely break it too.
        if node.patterns and not shaped and "format" not in keys:
            off = _off_pattern(node, value)
            if off is not None:
                found.append(_Mutation(path, "pattern", lambda _: off))

    def number(self, node: Node, value: Any, path: Path, found: list[_Mutation]) -> None:
        for keyword, bound, step in (("minimum", node.minimum, -1), ("exclusiveMinimum", node.exclusive_minimum, 0),
                                     ("maximum", node.maximum, 1), ("exclusiveMaximum", node.exclusive_maximum, 0)):
            if bound is not None:
                found.append(_Mutation(path, keyword, lambda _, b=bound, d=step: b + d))
        self.keyword_faults(node, value, path, found, set())

    def keyword_faults(self, node: Node, value: Any, path: Path, found: list[_Mutation],
                       careful: set[str]) -> bool:
        """Add the faults of the node's custom keywords on ``value``; whether the node has such keywords."""
        keywords = keywords_of(node, "fault")
        if keywords:
            site = Site(node, careful, self)
            for keyword, argument in keywords:
                for fault in keyword.fault(argument, value, site) if keyword.fault is not None else ():
                    where = fault.target if fault.where is None else fault.where
                    found.append(_Mutation((*path, *fault.target), keyword.name, fault.change,
                                           where=(*path, *where)))
        return bool(keywords)


def _url_text(change: Any) -> Any:
    def as_text(value: Any) -> Any:
        new = change(value)
        return new if new is _REMOVE or isinstance(new, str) else json.dumps(new)
    return as_text


def _allows(types: set[str], name: str) -> bool:
    return name in types or (name == "number" and "integer" in types)


def _outside_enum(allowed: list[Any]) -> Any:
    def change(value: Any) -> Any:
        if isinstance(value, bool):
            return not value if not value in allowed or len(allowed) == 1 else "not allowed"
        if isinstance(value, int | float):
            return max([v for v in allowed if isinstance(v, int | float) and not isinstance(v, bool)] or [0]) + 7
        return "NOT_AN_ALLOWED_VALUE" if value is not None else "not allowed"
    return change


_DISCRIMINATORS: dict[int, frozenset[str]] = {}  # by Choice.key: schemas, hence choices, never change


def _discriminators(choice: Any) -> set[str]:
    """Fields that tell the choice's alternatives apart (by presence or by value)."""
    found = _DISCRIMINATORS.get(choice.key)
    if found is None:
        declared: list[dict[str, Any]] = []
        required: list[set[str]] = []
        for alternative in choice.alternatives:
            node = flatten(alternative)
            declared.append({name: json.dumps(flatten(subs).enum, sort_keys=True)
                             for name, subs in node.properties.items()})
            required.append(node.required)
        names = set().union(*declared, *required) if declared else set()
        found = _DISCRIMINATORS[choice.key] = frozenset(
            name for name in names
            if len({d.get(name, "absent") for d in declared}) > 1 or len({name in r for r in required}) > 1
        )
    return set(found)


_VALUE_DISCRIMINATORS: dict[int, tuple[Discriminator, ...]] = {}


def value_discriminators(choice: Choice) -> tuple[Discriminator, ...]:
    """The fields whose allowed values or types differ between an ``anyOf``/``oneOf``'s variants
    (``type: BLOCK`` vs ``RECURRING``), found as the error report finds them; for an ``if``, the
    fields its condition tests."""
    found = _VALUE_DISCRIMINATORS.get(choice.key)
    if found is None:
        if choice.kind == "if":  # the fields its condition tests (``required: [product_id]``)
            condition = flatten(choice.alternatives[0][:1])
            names: set[str] | None = set(condition.properties) | condition.required
        else:
            names = None
        found = _VALUE_DISCRIMINATORS[choice.key] = discriminators(choice.alternatives, choice.titles, names)
    return found


# Candidates for a discriminator no variant takes: a value of each JSON type, and unknown values of
# the types discriminators have (a variant's values are listed, so these are not among them).
_MISFITS = ["NOT_AN_ALLOWED_VALUE", 987654321, 0.5, {}, [], True, False, None]


def _wrong_discriminators(choice: Choice, value: dict[str, Any], path: Path) -> list[_Mutation]:
    """The faults of a variants object's discriminators: one value of a JSON type no variant
    takes, and one of a type some variant takes that is none of the values choosing a variant."""
    found = []
    for discriminator in value_discriminators(choice):
        if discriminator.name not in value:
            continue
        wrong = [bad for bad in _MISFITS if fits_no_variant(discriminator, bad)]
        for keyword in ("type", "enum"):
            bad = next((b for b in wrong if misfit_keyword(discriminator, b) == keyword), _REMOVE)
            if bad is not _REMOVE:
                # Verified: a relation may read the field too (x-equal-across on a variant's `type`).
                found.append(_Mutation((*path, discriminator.name), keyword, lambda _, b=bad: copy_json(b),
                                       verify=True, kind=DISCRIMINATOR))
    return found


def _entangled_fields(node: Node) -> set[str]:
    """Fields (of the object, or of each item of the array) that the node's relational keywords read."""
    return {name for keyword, argument in keywords_of(node, "entangled_fields") if keyword.entangled_fields is not None
            for name in keyword.entangled_fields(argument)}


def _off_pattern(node: Node, value: str) -> str | None:
    """A string that misses the node's patterns but keeps its lengths, or None."""
    low, high = node.min_length, node.max_length
    patterns = [compile_pattern(p) for p in node.patterns]
    for candidate in (value + "\n", " " + value, value + "!", "!" + value[1:], "\u00e9" * max(low, 1), " " * max(low, 1)):
        if low <= len(candidate) <= (high if high is not None else len(candidate)) \
                and not all(p.search(candidate) for p in patterns):
            return candidate
    return None

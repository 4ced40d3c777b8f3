"""Single faults: the mutations a valid payload's schema allows, each with the exact error it causes.

The walker follows the payload through its flattened schema (choosing, at each
variant, the one the payload matches) and lists, at every location, one mutation
per constraint there. A mutation near a variant's discriminator, or on a value a
relational keyword reads, may move its error elsewhere: those are flagged and
used only once the validator confirms them (see ``_Mutations.usable``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import phonenumbers

from invoicespec import rules
from invoicespec.catalog.nodes import Node, Sub, choose, flatten
from invoicespec.keywords.date_order import shifted as _shift
from invoicespec.rules.phones import example_numbers as _example_numbers
from invoicespec.rules.pointer import set_at as _set, value_at as _get
from invoicespec.rules.json_data import copy_json, json_type
from invoicespec.keywords.standard import compile_pattern
from invoicespec.rules.pointer import MISSING, format_pointer, parse_pointer, resolve
from invoicespec.engine.validator import kind_of

class _Mutation:
    """One way to break a payload: where, which keyword, and the change."""

    __slots__ = ("change", "keyword", "target", "verify", "where")

    def __init__(self, target: tuple, keyword: str, change: Any, where: tuple | None = None,
                 verify: bool = False) -> None:
        self.target = target  # path of the value to change (its parent for a removal)
        self.keyword = keyword
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
            holder = document
            for step in parents:
                holder = holder[step]
            new = self.change(holder[last] if (isinstance(holder, dict) and last in holder)
                              or (isinstance(holder, list) and isinstance(last, int) and last < len(holder))
                              else MISSING)
            if new is _REMOVE:
                del holder[last]
            elif isinstance(holder, list) and last == len(holder):
                holder.append(new)
            else:
                holder[last] = new
        return document, format_pointer(self.where), self.keyword


_REMOVE = object()
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
        self._nodes: dict[tuple, Node] = {}  # schemas live as long as the catalog: their ids are stable

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
            self.walk([(self.inner.schema, self.inner._resolver)], frozenset(), folded, (), found, set(), False)
            for mutation in found[1:]:
                if mutation.target and mutation.target[0] in names:
                    mutation.target = (names[mutation.target[0]], *mutation.target[1:])
                    if mutation.keyword != "required":  # a removed header is reported by its schema name
                        mutation.where = (names.get(mutation.where[0], mutation.where[0]), *mutation.where[1:])
        elif self.kind == "path" and isinstance(payload, dict):
            typed = self.validator._typed_path(payload)
            self.walk([(self.inner.schema, self.inner._resolver)], frozenset(), typed, (), found, set(), False)
            for mutation in found:
                mutation.change = _url_text(mutation.change)
        else:
            self.walk([(self.inner.schema, self.inner._resolver)], frozenset(), payload, (), found, set(), False)
        if not found:  # the part accepts any JSON value: what is not JSON is the only fault
            found.append(_Mutation((), "json", lambda _: _NOT_JSON))
        return found

    def usable(self, payload: Any) -> dict[str, list[_Mutation]]:
        """The mutations to draw from, by keyword, each sure to cause exactly its error.

        Mutations correct by construction are used as they are. A mutation flagged for
        checking is used only for a keyword no plain mutation covers, and only once the
        validator confirms it (checking them all would cost a validation each per draw).
        """
        plain: dict[str, list[_Mutation]] = {}
        flagged: dict[str, list[_Mutation]] = {}
        for mutation in self.find(payload):
            (flagged if mutation.verify else plain).setdefault(mutation.keyword, []).append(mutation)
        for keyword, mutations in flagged.items():
            if keyword not in plain:
                confirmed = next((m for m in mutations if self.holds(m, payload)), None)
                if confirmed is not None:
                    plain[keyword] = [confirmed]
        if not plain:
            plain["json"] = [_Mutation((), "json", lambda _: _NOT_JSON)]
        return plain

    def holds(self, mutation: _Mutation, payload: Any) -> bool:
        document, where, keyword = mutation.apply(payload)
        errors = self.validator.errors(document)
        return any((e.path, e.keyword) == (where, keyword) for e in errors) and all(e.path == where for e in errors)

    def walk(self, subs: list[Sub], consumed: frozenset[int], value: Any, path: tuple,
             found: list[_Mutation], careful: set[str], careful_here: bool) -> None:
        """List the mutations of ``value``; those made where ``careful_here`` holds get verified."""
        node = self.flatten(subs, consumed)
        if node.choices:
            choice = node.choices[0]
            discriminators = _discriminators(choice)
            if choice.kind != "if" and isinstance(value, dict):
                for name in sorted(_value_discriminators(choice) & set(value)):  # no variant fits
                    found.append(_Mutation((*path, name), choice.kind, lambda _: "NOT_AN_ALLOWED_VALUE",
                                           where=path, verify=True))
            for index in range(len(choice.alternatives)):
                chosen, now = choose(subs, consumed, choice, index)
                if all(self.inner.evolve(schema=s, _resolver=r).is_valid(value) for s, r in choice.alternatives[index]):
                    self.walk(chosen, now, value, path, found, careful | discriminators, True)
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

    def object(self, node: Node, value: dict, path: tuple, found: list[_Mutation], careful: set[str]) -> None:
        keys = node.keywords
        roles = _relational_fields(node)
        for name in sorted(node.required & set(value)):
            found.append(_Mutation((*path, name), "required", lambda _: _REMOVE,
                                   verify=name in careful or name in roles))
        present = [name for name in keys.get("x-required-any-of", []) if name in value]
        if present and not (set(present) & (node.required | careful)):
            def drop_all(document: Any, names=tuple(present)) -> Any:
                return {k: v for k, v in document.items() if k not in names}
            found.append(_Mutation(path, "x-required-any-of", drop_all))
        if node.additional is False and "zz_not_a_field" not in node.properties:
            found.append(_Mutation((*path, "zz_not_a_field"), "additionalProperties", lambda _: 1))
        if self.request:
            for name, subs in node.properties.items():
                if name not in value and self.flatten(subs).read_only:
                    found.append(_Mutation((*path, name), "readOnly", lambda _: "set by the client"))
        for pair in keys.get("x-date-order", []):
            earlier, later = _get(value, pair["earlier"]), _get(value, pair["later"])
            if rules.compare_temporal(earlier, later) is None:
                continue
            target = (*path, *_steps(value, pair["later"]))
            found.append(_Mutation(target, "x-date-order", lambda _, e=earlier, l=later: _shift_back(e, l)))
        cost = keys.get("x-destination-cost")
        if cost is not None and isinstance(_get(value, cost["phone"]), str):
            expensive = _expensive_number(cost)
            accepted = parse_pointer(cost["acceptedBy"])
            if expensive is not None and len(accepted) == 1:
                def call_abroad(document: Any, number=expensive, phone=cost["phone"], flag=accepted[0]) -> Any:
                    document.pop(flag, None)
                    _set(document, phone, number)
                    return document
                found.append(_Mutation(path, "x-destination-cost", call_abroad,
                                       where=(*path, *parse_pointer(cost["phone"]))))
        for link in keys.get("x-references", []):
            sources, targets = _get(value, link["items"]), _get(value, link["target"])
            keys_there = [_get(t, link["key"]) for t in targets] if isinstance(targets, list) else []
            numbers = [k for k in keys_there if isinstance(k, int) and not isinstance(k, bool)]
            for index, item in enumerate(sources if isinstance(sources, list) else []):
                if _get(item, link["field"]) not in (MISSING, None) and (numbers or not keys_there):
                    dangling = max(numbers, default=0) + 1
                    target = (*path, *parse_pointer(link["items"]), index, *parse_pointer(link["field"]))
                    found.append(_Mutation(target, "x-references", lambda _, d=dangling: d))
                    break
        for name, subs in node.properties.items():
            if name in value:
                self.walk(subs, frozenset(), value[name], (*path, name), found, set(), name in roles | careful)

    def array(self, node: Node, value: list, path: tuple, found: list[_Mutation]) -> None:
        keys = node.keywords
        relational = bool(keys.get("x-unique-by") or keys.get("x-contiguous") or keys.get("x-equal-across"))
        if node.min_items:
            found.append(_Mutation(path, "minItems", lambda _: [], verify=relational))
        if node.max_items is not None and value and len(value) == node.max_items and not relational \
                and not node.unique_items:
            found.append(_Mutation(path, "maxItems", lambda items: items + [items[0]]))
        if node.unique_items and value:
            found.append(_Mutation((*path, len(value)), "uniqueItems", lambda _, first=value[0]: first))
        for pointer in keys.get("x-unique-by", [])[:1]:
            if len(value) >= 2 and all(_get(item, p) not in (MISSING, None) for item in value[:2]
                                       for p in keys["x-unique-by"]):
                def repeat(items: list, pointers=tuple(keys["x-unique-by"])) -> list:
                    for p in pointers:
                        _set(items[1], p, _get(items[0], p))
                    return items
                found.append(_Mutation(path, "x-unique-by", repeat, where=(*path, 1, *parse_pointer(pointer))))
            elif value and (node.max_items is None or len(value) < node.max_items) \
                    and _get(value[0], pointer) not in (MISSING, None):
                found.append(_Mutation((*path, len(value)), "x-unique-by", lambda _, first=value[0]: first,
                                       where=(*path, len(value), *parse_pointer(pointer))))
        contiguous = keys.get("x-contiguous")
        if contiguous and value and (node.max_items is None or len(value) < node.max_items) \
                and not keys.get("x-unique-by") and isinstance(_get(value[0], contiguous["field"]), int):
            def gap(_: Any, first=value[0], n=len(value), start=contiguous.get("start", 1),
                    field_pointer=contiguous["field"]) -> Any:
                extra = copy_json(first)
                _set(extra, field_pointer, start + n + 1)
                return extra
            found.append(_Mutation((*path, len(value)), "x-contiguous", gap, where=path))
        for pointer in keys.get("x-equal-across", []):
            if len(value) >= 2 and all(isinstance(_get(item, pointer), str) for item in value[:2]):
                other = _alternative_text(self._item_node(node, pointer), _get(value[0], pointer))
                if other is not None:
                    target = (*path, 1, *parse_pointer(pointer))
                    found.append(_Mutation(target, "x-equal-across", lambda _, o=other: o))
        watched = _relational_item_fields(node)
        for index, item in enumerate(value):
            start = len(found)
            self.walk(node.items, frozenset(), item, (*path, index), found, set(), False)
            for mutation in found[start:]:  # changes to a field the array's relations read get verified
                if len(mutation.target) > len(path) + 1 and mutation.target[len(path) + 1] in watched:
                    mutation.verify = True

    def _item_node(self, node: Node, pointer: str) -> Node | None:
        subs = node.items
        for step in parse_pointer(pointer):
            here = self.flatten(subs)
            if step not in here.properties:
                return None
            subs = here.properties[step]
        return self.flatten(subs)

    # -- values -------------------------------------------------------------------------------

    def string(self, node: Node, value: str, path: tuple, found: list[_Mutation]) -> None:
        keys = node.keywords
        if "x-phone" in keys:
            short_number = "12" if keys["x-phone"].get("defaultRegion") else "+3361"
            found.append(_Mutation(path, "x-phone", lambda _: short_number))
        if keys.get("x-iban") is True:
            compact = value.replace(" ", "").upper()
            broken = compact[:2] + f"{(int(compact[2:4]) + 1) % 100:02d}" + compact[4:]
            found.append(_Mutation(path, "x-iban", lambda _: broken))
        if "x-digits" in keys:
            found.append(_Mutation(path, "x-digits", lambda _, n=keys["x-digits"]["integer"]: "1" * (n + 1)))
        if "format" in keys and keys["format"] in _BAD_FORMATS:
            found.append(_Mutation(path, "format", lambda _, bad=_BAD_FORMATS[keys["format"]]: bad))
        checks = [(k, c) for k, c in (("minLength", node.min_length > 0), ("maxLength", node.max_length is not None))
                  if c]
        for keyword, _ in checks:
            if keyword == "minLength":
                found.append(_Mutation(path, "minLength", lambda _, n=node.min_length: "a" * (n - 1)))
            elif node.max_length <= 100_000:
                found.append(_Mutation(path, "maxLength", lambda _, n=node.max_length: "a" * (n + 1)))
        if node.patterns and not ({"x-phone", "x-iban", "x-digits", "format"} & set(keys)):
            off = _off_pattern(node, value)
            if off is not None:
                found.append(_Mutation(path, "pattern", lambda _: off))

    def number(self, node: Node, value: Any, path: tuple, found: list[_Mutation]) -> None:
        for keyword, bound, step in (("minimum", node.minimum, -1), ("exclusiveMinimum", node.exclusive_minimum, 0),
                                     ("maximum", node.maximum, 1), ("exclusiveMaximum", node.exclusive_maximum, 0)):
            if bound is not None:
                found.append(_Mutation(path, keyword, lambda _, b=bound, d=step: b + d))
        digits = node.keywords.get("x-digits")
        if digits is not None:
            found.append(_Mutation(path, "x-digits", lambda _, n=digits["integer"]: 10 ** n))
            if 0 < digits["fraction"] < 15:
                found.append(_Mutation(path, "x-digits",
                                       lambda _, f=digits["fraction"]: float("0." + "1" * (f + 1))))


def _url_text(change: Any) -> Any:
    def as_text(value: Any) -> Any:
        new = change(value)
        return new if new is _REMOVE or isinstance(new, str) else json.dumps(new)
    return as_text


def _allows(types: set[str], name: str) -> bool:
    return name in types or (name == "number" and "integer" in types)


def _outside_enum(allowed: list) -> Any:
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


_VALUE_DISCRIMINATORS: dict[int, frozenset[str]] = {}


def _value_discriminators(choice: Any) -> set[str]:
    """Fields whose ``const``/``enum`` differs between variants (``type: BLOCK`` vs ``RECURRING``)."""
    found = _VALUE_DISCRIMINATORS.get(choice.key)
    if found is None:
        allowed: dict[str, set[str]] = {}
        for alternative in choice.alternatives:
            for name, subs in flatten(alternative).properties.items():
                values = flatten(subs).enum
                if values is not None:
                    allowed.setdefault(name, set()).add(json.dumps(values, sort_keys=True))
        found = _VALUE_DISCRIMINATORS[choice.key] = frozenset(
            name for name, signatures in allowed.items() if len(signatures) > 1
        )
    return set(found)


def _relational_fields(node: Node) -> set[str]:
    """Fields of an object that a relational keyword of the same object reads (not mutated on their own)."""
    fields: set[str] = set()
    for link in node.keywords.get("x-references", []):
        fields.add(parse_pointer(link["target"])[0])
    cost = node.keywords.get("x-destination-cost")
    if cost is not None:
        fields.add(parse_pointer(cost["acceptedBy"])[0])
    return fields


def _relational_item_fields(node: Node) -> set[str]:
    """Fields of an array's items that the array's relational keywords read."""
    fields = set()
    contiguous = node.keywords.get("x-contiguous")
    if contiguous:
        fields.add(parse_pointer(contiguous["field"])[0])
    for pointer in node.keywords.get("x-equal-across", []) + node.keywords.get("x-unique-by", []):
        fields.add(parse_pointer(pointer)[0])
    return fields


def _steps(document: Any, pointer: str) -> list:
    return resolve(document, parse_pointer(pointer))[1]


def _shift_back(earlier: str, later: str) -> str:
    """A value written like ``later``, one day (dates) or one hour (date-times) before ``earlier``."""
    return _shift(earlier, -1 if rules.parse_temporal(earlier).kind == "date" else -60, like=later)


@lru_cache(maxsize=None)
def _expensive_number_for(tiers: str) -> str | None:
    for tier in json.loads(tiers):
        if tier["expensive"]:
            for region, number in _example_numbers():
                if region in tier["regions"]:
                    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _expensive_number(cost: dict) -> str | None:
    """A valid E.164 number in the first expensive tier (the tiers serialized as the cache key)."""
    return _expensive_number_for(json.dumps(cost["tiers"], sort_keys=True))


def _alternative_text(node: Node | None, current: Any) -> str | None:
    if node is None:
        return None
    if node.enum:
        others = [v for v in node.enum if v != current and isinstance(v, str)]
        return others[0] if others else None
    if node.patterns or node.keywords:
        return None
    return None if node.max_length is not None and len(str(current)) + 1 > node.max_length else f"{current}x"


def _off_pattern(node: Node, value: str) -> str | None:
    """A string that misses the node's patterns but keeps its lengths, or None."""
    low, high = node.min_length, node.max_length
    patterns = [compile_pattern(p) for p in node.patterns]
    for candidate in (value + "\n", " " + value, value + "!", "!" + value[1:], "\u00e9" * max(low, 1), " " * max(low, 1)):
        if low <= len(candidate) <= (high if high is not None else len(candidate)) \
                and not all(p.search(candidate) for p in patterns):
            return candidate
    return None

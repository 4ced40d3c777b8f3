"""The planned copy of a valid payload: the same values of the same types as the plain copy, no container shared
with the input, and a plan only where the schema closes every object and array."""

from __future__ import annotations

import copy
from collections import OrderedDict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from referencing.jsonschema import DRAFT202012

import invoicespec
from invoicespec.catalog.load import shipped
from invoicespec.engine.validator import compile_schema
from invoicespec.report.copier import copier
from invoicespec.rules.json_data import copy_checked_json, copy_json
from invoicespec.strategies import _payloads, payloads

COMMON = "https://schemas.invoicespec.dev/_common/"
ALL_PARTS = [(op, part) for op in invoicespec.operations() for part in invoicespec.parts(op)]

LINE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "label": {"type": "string"},
        "amount": {"type": ["number", "string"]},
        "unit": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "names": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                             "properties": {"lang": {"type": "string"}, "text": {"type": "string"}}}},
        "extra": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
    },
}
CLOSED = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "lines": {"type": "array", "items": LINE},
        "total": {"type": "object", "additionalProperties": False,
                  "properties": {"value": {"type": "string"}, "currency": {"$ref": COMMON + "currency.yaml"}}},
    },
}
PAYLOAD = {
    "lines": [
        {"label": "a", "amount": 1.5, "unit": 3, "tags": ["x", "y"], "names": [{"lang": "en", "text": "A"}],
         "extra": {"note": "n"}},
        {"label": "b", "amount": "2.00", "unit": "h", "tags": [], "names": [], "extra": None},
    ],
    "total": {"value": "3.50", "currency": "EUR"},
}


def _plan(schema):
    schema = {"$schema": COMMON + "meta/dialect.yaml", **schema}
    resolver = shipped().registry.resolver_with_root(DRAFT202012.create_resource(schema))
    return copier(schema, resolver)


def _containers(value):
    """The id of every object and array in ``value``."""
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(id(item))
            stack.extend(item.values())
        elif isinstance(item, list):
            found.append(id(item))
            stack.extend(item)
    return found


def _typed(value):
    """``value`` with the type of every value beside it, so that equal results are equal in types too."""
    if isinstance(value, dict):
        return type(value), [(key, _typed(item)) for key, item in value.items()]  # in order
    if isinstance(value, list):
        return type(value), [_typed(item) for item in value]
    return type(value), repr(value)


def _same_copy(copied, original):
    assert _typed(copied) == _typed(copy_json(original))
    assert not set(_containers(copied)) & set(_containers(original))


def test_a_closed_schema_is_planned_and_copied_exactly():
    planned = _plan(CLOSED)
    assert planned is not copy_checked_json
    before = copy.deepcopy(PAYLOAD)
    _same_copy(planned(PAYLOAD), PAYLOAD)
    assert PAYLOAD == before
    result = compile_schema(CLOSED).normalize(PAYLOAD)
    _same_copy(result, PAYLOAD)


@pytest.mark.parametrize("schema", [
    {"type": "object"},  # members open
    {"type": "object", "additionalProperties": False, "properties": {"a": {"type": "object"}}},  # a member open
    {"type": "object", "additionalProperties": False, "properties": {"a": {}}},  # any value
    {"type": "object", "additionalProperties": False, "patternProperties": {"^x": {"type": "array"}}},
    {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "string"}},
    {"type": "array"},  # items open
    {"type": "object", "additionalProperties": False, "properties": {"a": {"if": {"type": "string"}}}},
])
def test_a_schema_leaving_a_container_open_is_copied_whole(schema):
    assert _plan(schema) is copy_checked_json


def test_undeclared_members_allowing_scalars_only_need_no_look():
    schema = {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "integer"}}},
              "additionalProperties": {"type": "string"}, "patternProperties": {"^n": {"type": "number"}}}
    planned = _plan(schema)
    assert planned is not copy_checked_json
    payload = {"a": [1, 2], "b": "x", "n1": 2.5}
    _same_copy(planned(payload), payload)


def test_subclasses_are_copied_as_the_plain_copy_copies_them():
    class Record(dict):
        def items(self):  # the plain copy reads a subclass through its own methods
            return reversed(list(super().items()))

    class Lines(list):
        pass

    moved = OrderedDict(value="1.00", currency="EUR")
    moved.move_to_end("value")  # an order of its own, not its storage's
    names = [Record(lang="en", text="B"), OrderedDict(lang="sv", text="C")]
    lines = [Record(PAYLOAD["lines"][0]), dict(PAYLOAD["lines"][1], names=names, tags=Lines(["t"])),
             dict(PAYLOAD["lines"][1], names=Lines(names))]
    for payload in ({"lines": lines, "total": moved}, Record(lines=Lines(lines), total=moved)):
        _same_copy(_plan(CLOSED)(payload), payload)
        _same_copy(compile_schema(CLOSED).normalize(payload), payload)


def test_every_json_value_is_shared_exactly():
    class Text(str):
        pass

    values = [2**70, -(2**63), 0.1, -0.0, 5e-324, Decimal("12.30"), Text("x"), "\ud800", "é", True, None]
    scalar = {"type": ["number", "string", "boolean", "null"]}
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"lines": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                                                  "properties": {"value": scalar}}},
                             "value": scalar}}
    planned = _plan(schema)
    assert planned is not copy_checked_json
    for value in values:
        payload = {"value": value, "lines": [{"value": value}]}
        result = compile_schema(schema).normalize(payload)
        _same_copy(result, payload)
        assert repr(result["lines"][0]["value"]) == repr(value)


def test_scalars_where_containers_may_be_stay_as_they_are():
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"a": {"type": ["object", "array", "string", "null"], "additionalProperties": False,
                                   "properties": {"b": {"type": "string"}}, "items": {"type": "integer"}}}}
    planned = _plan(schema)
    for value in ("text", None, {"b": "x"}, {}, [1, 2], []):
        _same_copy(planned({"a": value}), {"a": value})
    _same_copy(planned({}), {})


def test_a_recursive_schema_copies_a_deep_payload():
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"name": {"type": "string"},
                             "children": {"type": "array", "items": {"$ref": "#"}},
                             "first": {"$ref": "#"}}}
    planned = _plan(schema)
    assert planned is not copy_checked_json
    payload = {"name": "leaf"}
    for depth in range(40):  # deeper than one generated function nests
        payload = {"name": str(depth), "children": [payload, {"name": "x"}], "first": {"name": "y", "first": {}}}
    _same_copy(planned(payload), payload)


def test_member_names_are_written_as_literals():
    names = ["it's", 'a "b"', "back\\slash", "new\nline", "\ud800", "é", "__class__", ""]
    schema = {"type": "object", "additionalProperties": False,
              "properties": {name: {"type": "array", "items": {"type": "string"}} for name in names}}
    planned = _plan(schema)
    assert planned is not copy_checked_json
    payload = {name: [name] for name in names}
    _same_copy(planned(payload), payload)


def test_riverty_receivables_are_planned():
    validator = invoicespec.validator("riverty.create_receivable")
    schema = validator.schema
    resolver = shipped().registry.resolver_with_root(DRAFT202012.create_resource(schema))
    assert copier(schema, resolver) is not copy_checked_json


@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
def test_drawn_payloads_are_copied_exactly(operation, part):
    validator = invoicespec.validator(operation, part)
    schema = validator.schema
    planned = copier(schema, shipped().registry.resolver_with_root(DRAFT202012.create_resource(schema)))

    @settings(max_examples=30)
    @given(st.one_of(payloads(operation, part), _payloads(operation, part, rich=True)))
    def check(payload):
        _same_copy(planned(payload), payload)
        assert not set(_containers(validator.normalize(payload))) & set(_containers(payload))

    check()

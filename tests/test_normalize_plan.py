"""normalize() finds every normalizing keyword wherever a schema puts it, and only where the payload takes it."""

from __future__ import annotations

import copy

from invoicespec.engine.validator import compile_schema

COMMON = "https://schemas.invoicespec.dev/_common/"
PHONE = {"type": "string", "x-phone": {"defaultRegion": "FR"}}
IBAN = {"type": "string", "x-iban": True}


def _normalized(schema, payload):
    validator = compile_schema({"$schema": COMMON + "meta/dialect.yaml", **schema})
    before = copy.deepcopy(payload)
    result = validator.normalize(payload)
    assert payload == before
    return result


def test_members_items_patterns_and_references():
    schema = {
        "type": "object",
        "properties": {
            "phones": {"type": "array", "prefixItems": [{"type": "string"}], "items": PHONE},
            "account": {"$ref": COMMON + "iban.yaml"},
        },
        "patternProperties": {"^tel_": PHONE},
        "additionalProperties": {"anyOf": [{"type": "integer"}, IBAN]},
    }
    payload = {
        "phones": ["06 12 34 56 78", "06 12 34 56 78", "01 23 45 67 89"],
        "account": "fr14 2004 1010 0505 0001 3m02 606",
        "tel_home": "0612345678",
        "other": "fr14 2004 1010 0505 0001 3m02 606",
        "count": 3,
    }
    assert _normalized(schema, payload) == {
        "phones": ["06 12 34 56 78", "+33612345678", "+33123456789"],  # the first is not a phone (prefixItems)
        "account": "FR1420041010050500013M02606",
        "tel_home": "+33612345678",
        "other": "FR1420041010050500013M02606",
        "count": 3,
    }


def test_only_the_variant_and_branch_the_payload_takes():
    schema = {
        "type": "object",
        "properties": {"kind": {"enum": ["phone", "text"]}, "contact": {"type": "string"}},
        "oneOf": [
            {"properties": {"kind": {"const": "phone"}, "contact": PHONE}},
            {"properties": {"kind": {"const": "text"}}},
        ],
        "if": {"properties": {"kind": {"const": "phone"}}},
        "then": {"properties": {"backup": PHONE}},
        "else": {"properties": {"backup": {"type": "string"}}},
        "dependentSchemas": {"bank": {"properties": {"bank": IBAN}}},
    }
    assert _normalized(schema, {"kind": "phone", "contact": "06 12 34 56 78", "backup": "0123456789"}) == {
        "kind": "phone", "contact": "+33612345678", "backup": "+33123456789"}
    assert _normalized(schema, {"kind": "text", "contact": "06 12 34 56 78", "backup": "0123456789",
                                "bank": "fr14 2004 1010 0505 0001 3m02 606"}) == {
        "kind": "text", "contact": "06 12 34 56 78", "backup": "0123456789", "bank": "FR1420041010050500013M02606"}


def test_a_part_without_normalizing_keywords_returns_a_plain_copy():
    class Record(dict):
        pass

    payload = Record(lines=[Record(label="x")])
    result = _normalized({"type": "object"}, payload)
    assert result == payload and type(result) is dict and type(result["lines"][0]) is dict
    assert result["lines"] is not payload["lines"]


def test_every_json_value_is_copied_exactly():
    from decimal import Decimal

    class Text(str):
        pass

    values = [2**70, -(2**63), 2**64 - 1, 0.1, -0.0, 1e308, 5e-324, Decimal("12.30"), Text("x"), "\ud800", "é",
              True, None]
    for value in values:
        result = _normalized({"type": "object"}, {"value": value, "nested": [{"value": value}]})
        assert result == {"value": value, "nested": [{"value": value}]}
        assert type(result["value"]) is type(value) and type(result["nested"][0]["value"]) is type(value)
        assert repr(result["value"]) == repr(value)  # -0.0 stays -0.0, Decimal keeps its exponent

"""Adding a keyword: one Keyword, one registration, and it works everywhere the shipped ones do.

The keyword here is defined in this file alone: ``x-letter-code``, a code of ``length`` ASCII letters in either
case, normalized to upper case. Once registered it is checked when schemas load, runs in ``is_valid`` (the fast
path) and ``errors`` (the full path), normalizes, is generated and broken by the strategies, and is documented
and exported to OpenAPI, without any other module knowing its name.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

import invoicespec
from invoicespec.engine.descend import resolver_of
from invoicespec.engine.validator import compile_schema
from invoicespec.keywords.keyword import Errors, Fault, Keyword, error, replace_with
from invoicespec.keywords.registry import REGISTRY, register, unregister
from invoicespec.outputs.docs import describe_part
from invoicespec.outputs.openapi import lower_schema, with_constraint, with_note
from invoicespec.testing.faults import _Mutations
from invoicespec.testing.generate import _Builder

NAME = "x-letter-code"


def _letters(length: int) -> re.Pattern[str]:
    return re.compile(f"[A-Za-z]{{{length}}}")


def validate(validator: Any, options: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
    if isinstance(instance, str) and not _letters(options["length"]).fullmatch(instance):
        yield error(f"is not a code of {options['length']} letters (A to Z, either case)")


def normalize(options: dict[str, Any], value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def generate_value(options: dict[str, Any], node: Any, type_name: str) -> Any:
    if type_name != "string":
        return None
    size = options["length"]
    return st.text(alphabet=string.ascii_letters, min_size=size, max_size=size)


def fault(options: dict[str, Any], value: Any, site: Any) -> Iterator[Fault]:
    if isinstance(value, str):
        yield Fault((), replace_with("1" * options["length"]))


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    length = schema[NAME]["length"]
    return with_note(with_constraint(schema, "pattern", f"^[A-Za-z]{{{length}}}$"), f"A code of {length} letters.")


LETTER_CODE = Keyword(
    name=NAME,
    summary="the code is not made of the required number of letters",
    validate=validate,
    argument_schema={
        "description": "The string is a code of `length` ASCII letters, either case; normalized to upper case.",
        "type": "object",
        "required": ["length"],
        "additionalProperties": False,
        "properties": {"length": {"type": "integer", "minimum": 1, "maximum": 10}},
    },
    normalize=normalize,
    instance_type="string",
    generate_value=generate_value,
    fault=fault,
    openapi_lower=lower,
    docs_constraint=lambda options: f"a code of {options['length']} letters",
)

SCHEMA = {
    "$schema": "https://schemas.invoicespec.dev/_common/meta/dialect.yaml",
    "$id": "https://schemas.invoicespec.dev/tests/letter-code.yaml",
    "title": "A body with a letter code",
    "type": "object",
    "required": ["code"],
    "additionalProperties": False,
    "properties": {
        "code": {"description": "Three letters.", "type": "string", NAME: {"length": 3}},
        "note": {"description": "Free text.", "type": "string", "maxLength": 20},
    },
}


@pytest.fixture
def letter_code() -> Iterator[Keyword]:
    register(LETTER_CODE)
    try:
        yield LETTER_CODE
    finally:
        unregister(NAME)


def test_unregistered_the_keyword_is_refused_when_the_schema_loads():
    with pytest.raises(invoicespec.SchemaError, match=NAME):
        compile_schema(SCHEMA)


def test_its_argument_is_checked_when_the_schema_loads(letter_code):
    wrong = {**SCHEMA, "properties": {"code": {"type": "string", NAME: {"length": "three"}}}}
    with pytest.raises(invoicespec.SchemaError):
        compile_schema(wrong)


def test_validation_reports_and_normalizes_with_it(letter_code):
    validator = compile_schema(SCHEMA)
    assert validator.is_valid({"code": "abc"})
    assert not validator.is_valid({"code": "ab1"})
    assert not validator.is_valid({"code": "abcd"})
    [found] = validator.errors({"code": "ab1", "note": "fine"})
    assert (found.path, found.keyword) == ("/code", NAME)
    assert found.message == "is not a code of 3 letters (A to Z, either case)"
    assert validator.errors({"code": "xYz"}) == []
    payload = {"code": "xYz"}
    assert validator.normalize(payload) == {"code": "XYZ"}
    assert payload == {"code": "xYz"}
    assert invoicespec.KEYWORDS[NAME] == LETTER_CODE.summary


def test_the_strategies_generate_it_and_break_it(letter_code):
    validator = compile_schema(SCHEMA)
    inner = validator._jsonschema
    payloads = _Builder(inner, request=True).build([(inner.schema, resolver_of(inner))])
    mutations = _Mutations(validator)

    @settings(max_examples=40, deadline=None, database=None)
    @given(payloads)
    def check(payload: Any) -> None:
        assert validator.errors(payload) == []
        faults = [m for m in mutations.usable(payload).get(NAME, [])]
        assert faults, "the keyword's fault is offered"
        broken, path, keyword = faults[0].apply(payload)
        assert [(e.path, e.keyword) for e in validator.errors(broken)] == [(path, keyword)] == [("/code", NAME)]

    check()


def test_the_docs_and_the_openapi_export_describe_it(letter_code):
    validator = compile_schema(SCHEMA)
    inner = validator._jsonschema
    part = describe_part(inner.schema, resolver_of(inner), operation="tests.letter_code", part="request")
    [code] = [row for row in part.fields if row.path == "/code"]
    assert "a code of 3 letters" in " ".join(code.constraints)
    lowered = lower_schema(SCHEMA["properties"]["code"])
    assert lowered["pattern"] == "^[A-Za-z]{3}$"
    assert "A code of 3 letters." in lowered["description"]


def test_registration_is_checked_and_undone():
    with pytest.raises(ValueError, match="already registered"):
        register(REGISTRY["x-iban"])
    with pytest.raises(ValueError, match="not a keyword name"):
        register(Keyword(name="X_Code", summary="", validate=validate))
    with pytest.raises(ValueError, match="shipped"):
        unregister("x-iban")
    register(LETTER_CODE)
    unregister(NAME)
    assert NAME not in REGISTRY and NAME not in invoicespec.KEYWORDS

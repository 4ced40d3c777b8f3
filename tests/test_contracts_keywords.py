"""A keyword of one's own, defined here (a test module, as a user's code would), handed to load_catalog and used by
a contract folder: checked when the folder loads, run by is_valid, errors and normalize, generated and broken by the
strategies, in the docs and the OpenAPI export; one without a generator is drawn by filtering."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

import invoicespec
from invoicespec.extend import REGISTRY, Errors, Fault, Keyword, error, replace_with, unregister
from invoicespec.outputs.docs import build_docs
from invoicespec.outputs.openapi import openapi_document
from invoicespec.strategies import faults, payloads


def validate_order_ref(validator: Any, argument: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
    if isinstance(instance, str) and not re.fullmatch(f"{argument['prefix']}-[0-9]{{6}}", instance, re.IGNORECASE):
        yield error(f"is not an order reference: {argument['prefix']}- and six digits")


def normalize_order_ref(argument: dict[str, Any], value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def generate_order_ref(argument: dict[str, Any], node: Any, type_name: str) -> Any:
    if type_name != "string":
        return None
    return st.text(string.digits, min_size=6, max_size=6).map(lambda digits: f"{argument['prefix']}-{digits}")


def break_order_ref(argument: dict[str, Any], value: Any, site: Any) -> Iterator[Fault]:
    if isinstance(value, str):
        yield Fault((), replace_with("no reference"))


ORDER_REF = Keyword(
    name="x-test-order-ref",
    summary="the text is not an order reference",
    validate=validate_order_ref,
    argument_schema={
        "description": "The text is an order reference: `prefix`, a hyphen and six digits; normalized to upper case.",
        "type": "object", "required": ["prefix"], "additionalProperties": False,
        "properties": {"prefix": {"type": "string", "pattern": "^[A-Z]{2,5}$"}},
    },
    normalize=normalize_order_ref,
    instance_type="string",
    generate_value=generate_order_ref,
    fault=break_order_ref,
    docs_constraint=lambda argument: f"an order reference ({argument['prefix']}- and six digits)",
)


def validate_even(validator: Any, argument: bool, instance: Any, schema: dict[str, Any]) -> Errors:
    if argument and isinstance(instance, int) and not isinstance(instance, bool) and instance % 2:
        yield error("is not even")


EVEN = Keyword(name="x-test-even", summary="the number is odd", validate=validate_even,
               argument_schema={"description": "The integer is even.", "type": "boolean"})

MANIFEST = """\
vendor: Shop
method: POST
path: /orders
summary: Place an order.
parts:
  request:
    schema: request.yaml
    description: The order.
"""
BODY = """\
$schema: https://schemas.invoicespec.dev/_common/meta/dialect.yaml
title: An order
type: object
required: [reference, boxes]
additionalProperties: false
properties:
  reference:
    description: Our order reference.
    type: string
    x-test-order-ref: {prefix: ORD}
  boxes:
    description: How many boxes, an even number.
    type: integer
    minimum: 0
    maximum: 100
    x-test-even: true
"""
OP = "shop.place_order"


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "shop/place_order").mkdir(parents=True)
    (tmp_path / "shop/place_order/operation.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "shop/place_order/request.yaml").write_text(BODY, encoding="utf-8")
    yield tmp_path
    for name in (ORDER_REF.name, EVEN.name):
        if name in REGISTRY:
            unregister(name)


def test_without_the_keyword_the_folder_is_refused(folder):
    with pytest.raises(invoicespec.SchemaError, match="unknown keyword 'x-test-"):
        invoicespec.load_catalog(folder)


def test_the_keywords_argument_is_checked_when_the_folder_loads(folder):
    (folder / "shop/place_order/request.yaml").write_text(BODY.replace("prefix: ORD", "prefix: ord"))
    with pytest.raises(invoicespec.SchemaError, match=r"at /properties/reference/x-test-order-ref/prefix: 'ord'"):
        invoicespec.load_catalog(folder, keywords=[ORDER_REF, EVEN])


def test_another_keyword_of_the_same_name_is_refused(folder):
    invoicespec.load_catalog(folder, keywords=[ORDER_REF, EVEN])
    other = Keyword(name=ORDER_REF.name, summary="another", validate=validate_even)
    with pytest.raises(invoicespec.SchemaError, match="already registered with another definition"):
        invoicespec.load_catalog(folder, keywords=[other])


def test_it_validates_reports_and_normalizes(folder):
    catalog = invoicespec.load_catalog(folder, keywords=[ORDER_REF, EVEN])
    assert catalog.is_valid(OP, {"reference": "ord-000123", "boxes": 4})
    assert not catalog.is_valid(OP, {"reference": "ord-12", "boxes": 4})
    assert [(e.path, e.keyword, e.message) for e in catalog.errors(OP, {"reference": "X", "boxes": 3})] == [
        ("/reference", "x-test-order-ref", "is not an order reference: ORD- and six digits"),
        ("/boxes", "x-test-even", "is not even"),
    ]
    payload = {"reference": "ord-000123", "boxes": 4}
    assert catalog.normalize(OP, payload) == {"reference": "ORD-000123", "boxes": 4}
    assert payload["reference"] == "ord-000123"
    assert invoicespec.KEYWORDS[ORDER_REF.name] == ORDER_REF.summary


def test_the_strategies_generate_it_break_it_and_filter_for_the_one_without_a_generator(folder):
    catalog = invoicespec.load_catalog(folder, keywords=[ORDER_REF, EVEN])
    validator = catalog.validator(OP)
    seen: set[str] = set()

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(payloads(OP, catalog=catalog), faults(OP, catalog=catalog))
    def check(payload: Any, fault: Any) -> None:
        assert validator.errors(payload) == []
        broken, path, keyword = fault
        errors = validator.errors(broken)  # at its path, and (a maximum broken with an odd number) maybe odd
        assert (path, keyword) in [(e.path, e.keyword) for e in errors] and {e.path for e in errors} == {path}
        seen.add(keyword)

    check()
    assert ORDER_REF.name in seen  # its own fault is used


def test_the_docs_and_the_openapi_export_describe_it(folder, tmp_path_factory):
    catalog = invoicespec.load_catalog(folder, keywords=[ORDER_REF, EVEN])
    out = tmp_path_factory.mktemp("docs")
    build_docs(out, catalog=catalog)
    page = (out / f"{OP}.md").read_text(encoding="utf-8")
    assert "an order reference (ORD- and six digits)" in page
    document = openapi_document(catalog)
    schema = document["components"]["schemas"]["shop.place_order.request"]
    assert schema["properties"]["reference"]["x-test-order-ref"] == {"prefix": "ORD"}

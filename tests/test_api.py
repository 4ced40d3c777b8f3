"""The public API: names, parts, caching, errors, normalization, exceptions."""

from __future__ import annotations

import copy
import pickle

import pytest

import invoicespec
from invoicespec import InvalidPayload, InvoicespecError, UnknownOperation, UnknownPart

from conftest import assert_only_error

OP = "getbill.create_debt"


def test_operations_and_parts():
    assert OP in invoicespec.operations()
    assert isinstance(invoicespec.operations(), tuple)
    parts = invoicespec.parts(OP)
    assert parts[:2] == ("request", "request.headers")
    for status in ("201", "400", "401", "403", "404", "422", "429", "500", "4XX", "5XX"):
        assert f"response.{status}" in parts


def test_operation_info():
    info = invoicespec.operation_info(OP)
    assert (info.method, info.path, info.vendor) == ("POST", "/external-api/v1/debts", "GetBill")
    assert info.parts["request"].media_type == "application/json"


@pytest.mark.parametrize("name", ["nope", "getbill", "GETBILL.CREATE_DEBT", 42, None])
def test_unknown_operation_is_a_lookup_error(name):
    with pytest.raises(UnknownOperation) as raised:
        invoicespec.validator(name)
    assert isinstance(raised.value, LookupError)
    assert isinstance(raised.value, InvoicespecError)
    assert OP in str(raised.value)  # says what exists


@pytest.mark.parametrize("part", ["body", "response.302", "response.600", "response", "request.query", 3])
def test_unknown_part_is_a_lookup_error(part):
    with pytest.raises(UnknownPart) as raised:
        invoicespec.validator(OP, part)
    assert isinstance(raised.value, LookupError)
    assert "request" in str(raised.value)


def test_validators_are_cached():
    assert invoicespec.validator(OP) is invoicespec.validator(OP, "request")
    assert invoicespec.validator(OP, "response.201") is invoicespec.validator(OP, "response.201")


def test_a_status_falls_back_to_its_class():
    assert invoicespec.validator(OP, "response.409").part == "response.4XX"
    assert invoicespec.validator(OP, "response.409") is invoicespec.validator(OP, "response.4XX")
    assert invoicespec.validator(OP, "response.503").part == "response.5XX"
    assert invoicespec.validator(OP, "response.404").part == "response.404"  # declared: no fallback
    assert invoicespec.validator(OP, "response.4xx").part == "response.4XX"
    assert invoicespec.is_valid(OP, {"error": True, "message": "Conflict", "code": 409}, part="response.409")


def test_module_functions_match_the_validator(getbill):
    bad = dict(getbill, amount=-1)
    assert invoicespec.errors(OP, bad) == invoicespec.validator(OP).errors(bad)
    assert invoicespec.is_valid(OP, getbill) and not invoicespec.is_valid(OP, bad)
    assert invoicespec.normalize(OP, getbill) == getbill


def test_error_record_is_frozen_and_readable(getbill):
    (error,) = invoicespec.errors(OP, dict(getbill, amount=0))
    with pytest.raises(AttributeError):
        error.path = "/x"
    assert str(error) == "/amount: must be greater than 0, not 0"
    assert error.to_dict() == {"path": "/amount", "keyword": "exclusiveMinimum",
                               "message": "must be greater than 0, not 0"}
    root = invoicespec.errors(OP, [])[0]
    assert str(root).startswith("(root): ")


def test_normalize_returns_a_new_object_and_leaves_the_input(getbill):
    payload = dict(getbill, phone="06 12 34 56 78", iban="fr14 2004 1010 0505 0001 3m02 606",
                   metadata={"tags": ["a"]})
    before = copy.deepcopy(payload)
    normalized = invoicespec.normalize(OP, payload)
    assert payload == before
    assert normalized is not payload and normalized["metadata"] is not payload["metadata"]
    assert normalized["metadata"]["tags"] is not payload["metadata"]["tags"]
    assert normalized["phone"] == "+33612345678"
    assert normalized["iban"] == "FR1420041010050500013M02606"
    assert invoicespec.normalize(OP, normalized) == normalized  # idempotent


@pytest.mark.parametrize(("typed", "e164"), [
    ("0612345678", "+33612345678"),
    ("612345678", "+33612345678"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("06.12.34.56.78", "+33612345678"),
    ("(0)6 12-34-56-78", "+33612345678"),
    ("+262 692 12 34 56", "+262692123456"),
])
def test_phone_normalization(getbill, typed, e164):
    payload = dict(getbill, phone=typed, accept_expensive_destination=True)
    assert invoicespec.normalize(OP, payload)["phone"] == e164


def test_normalize_refuses_invalid_payloads(getbill):
    with pytest.raises(InvalidPayload) as raised:
        invoicespec.normalize(OP, dict(getbill, amount=0, currency="XYZ"))
    invalid = raised.value
    assert isinstance(invalid, ValueError)
    assert [e.path for e in invalid.errors] == ["/amount", "/currency"]
    assert "/amount: must be greater than 0" in str(invalid)
    assert pickle.loads(pickle.dumps(invalid)).errors == invalid.errors


def test_headers_normalize_keeps_names_as_given():
    headers = {"Authorization": "Bearer abc", "Content-Type": "application/json"}
    assert invoicespec.normalize(OP, headers, part="request.headers") == headers


def test_examples_and_schema_are_copies():
    validator = invoicespec.validator(OP)
    examples = validator.examples
    assert len(examples) >= 2
    assert all(validator.is_valid(example) for example in examples)
    examples[0]["firstname"] = 5
    assert validator.examples[0]["firstname"] != 5
    schema = validator.schema
    schema["required"].append("nonsense")
    assert "nonsense" not in validator.schema["required"]
    assert validator.schema["$id"].endswith("/getbill/create_debt/request.yaml")


@pytest.mark.parametrize("part", invoicespec.parts(OP))
def test_every_part_declares_valid_examples(part):
    validator = invoicespec.validator(OP, part)
    assert validator.examples
    for example in validator.examples:
        assert validator.errors(example) == []


def test_validators_pickle_by_name(getbill):
    validator = invoicespec.validator(OP, "response.409")
    clone = pickle.loads(pickle.dumps(validator))
    assert clone is invoicespec.validator(OP, "response.4XX")
    assert pickle.loads(pickle.dumps(invoicespec.validator(OP))).is_valid(getbill)


def test_validator_repr():
    assert repr(invoicespec.validator(OP)) == "<invoicespec.Validator getbill.create_debt request>"


def test_public_names():
    for name in invoicespec.__all__:
        assert getattr(invoicespec, name) is not None
    public_modules = ("cli", "dask", "extend", "httpx", "pytest_plugin", "requests", "strategies")  # imported on demand, documented in the README
    assert not [n for n in dir(invoicespec) if not n.startswith(("_", "@")) and n not in invoicespec.__all__
                and n not in public_modules]  # "@py_builtins": pytest rewrites a plugin's package


def test_getbill_request_rules_in_one_place(getbill):
    v = invoicespec.validator(OP)
    assert_only_error(v.errors(dict(getbill, due_date="2024-01-01", invoice_date="2024-01-02")),
                      "/due_date", "x-date-order")
    assert v.is_valid(dict(getbill, due_date="2024-01-02", invoice_date="2024-01-02"))
    assert_only_error(v.errors(dict(getbill, status="paid")), "/status", "readOnly")

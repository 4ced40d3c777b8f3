"""HARDENING.md's checklist: hostile input ends quickly with errors, never an exception or a change."""

from __future__ import annotations

import copy
import datetime
import threading
from decimal import Decimal

import pytest

import invoicespec
from invoicespec.engine.validator import compile_schema

from conftest import assert_only_error

OP = "getbill.create_debt"
ALL_PARTS = [(op, part) for op in invoicespec.operations() for part in invoicespec.parts(op)]
TOP_LEVEL = [None, True, False, 0, -1, 1.5, 10 ** 30, "", "text", [], [1, "a", None], {}, {"a": {"b": []}}]
MAX_MESSAGE = 300


def _deep(depth: int, leaf=None):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
def test_any_json_value_at_the_top_level(operation, part):
    validator = invoicespec.validator(operation, part)
    for value in TOP_LEVEL:
        before = copy.deepcopy(value)
        errors = validator.errors(value)
        assert isinstance(errors, list)
        assert validator.is_valid(value) is (not errors)
        if errors:
            with pytest.raises(invoicespec.InvalidPayload):
                validator.normalize(value)
        else:
            validator.normalize(value)
        assert value == before


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_one_clear_error(getbill, depth):
    payload = dict(getbill, metadata={"x": _deep(depth)})
    errors = invoicespec.errors(OP, payload)
    assert len(errors) == 1
    assert errors[0].keyword == "max-depth"
    assert "nested too deep" in errors[0].message
    assert errors[0].path.startswith("/metadata/x/0/0")
    assert not invoicespec.is_valid(OP, payload)
    with pytest.raises(invoicespec.InvalidPayload):
        invoicespec.normalize(OP, payload)
    assert invoicespec.errors(OP, _deep(depth))[0].keyword == "max-depth"


def test_nesting_below_the_limit_is_fine(getbill):
    assert invoicespec.is_valid(OP, dict(getbill, metadata={"x": _deep(90)}))


@pytest.mark.parametrize("field", ["firstname", "phone", "iban", "email", "currency", "birthdate",
                                   "civility", "country", "payment_link", "firstName"])
def test_a_10_mb_string_is_handled_with_a_short_message(getbill, field):
    huge = "7" * 10_000_000
    errors = invoicespec.errors(OP, dict(getbill, **{field: huge}))
    if field != "firstname":
        assert errors, field
    for error in errors:
        assert len(error.message) < MAX_MESSAGE
        assert huge[:200] not in error.message


def test_a_100_000_item_array(getbill):
    items = [{"n": i} for i in range(100_000)]
    assert invoicespec.is_valid(OP, dict(getbill, metadata={"items": items}))
    errors = invoicespec.errors(OP, items)
    assert_only_error(errors, "", "type")


def test_unique_items_is_not_quadratic():
    validator = compile_schema({"uniqueItems": True})
    items = [{"id": i, "tags": [i, str(i)]} for i in range(20_000)]
    assert validator.is_valid(items)
    errors = validator.errors(items + [{"tags": [5, "5"], "id": 5}])
    assert_only_error(errors, "/20000", "uniqueItems", "items must be unique: item 20000 repeats item 5")


def test_patterns_run_in_linear_time():
    # With Python's backtracking re this takes longer than the universe is old.
    validator = compile_schema({"pattern": "^(a+)+$"})
    assert not validator.is_valid("a" * 5_000 + "!")
    assert validator.is_valid("a" * 5_000)
    unanchored = compile_schema({"pattern": "a+b"})
    assert not unanchored.is_valid("a" * 1_000_000)


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf"), Decimal("NaN"),
                                    Decimal("Infinity"), Decimal("sNaN")], ids=str)
def test_non_finite_numbers_are_refused_anywhere(getbill, number):
    for payload in (dict(getbill, amount=number), dict(getbill, metadata={"a": [number]}), number):
        errors = invoicespec.errors(OP, payload)
        assert errors and all(e.keyword == "json" for e in errors)
        assert "only finite numbers" in errors[0].message
        assert not invoicespec.is_valid(OP, payload)


def test_finite_decimals_are_numbers(getbill):
    assert invoicespec.is_valid(OP, dict(getbill, amount=Decimal("89.90")))
    assert_only_error(invoicespec.errors(OP, dict(getbill, amount=Decimal("-1"))), "/amount", "exclusiveMinimum")


def test_booleans_are_not_amounts(getbill):
    assert_only_error(invoicespec.errors(OP, dict(getbill, amount=True)), "/amount", "type")


def test_huge_integers(getbill):
    assert invoicespec.is_valid(OP, dict(getbill, amount=10 ** 3_000))
    (error,) = invoicespec.errors(OP, dict(getbill, amount=-(10 ** 3_000)))
    assert error.keyword == "exclusiveMinimum" and len(error.message) < MAX_MESSAGE
    for number in (10 ** 10_000, -(10 ** 5_000)):  # beyond what Python can print
        (error,) = invoicespec.errors(OP, dict(getbill, amount=number))
        assert (error.path, error.keyword) == ("/amount", "json")
        assert "out of range" in error.message and len(error.message) < MAX_MESSAGE
        assert not invoicespec.is_valid(OP, dict(getbill, amount=number))


@pytest.mark.parametrize("value", [{1, 2}, (1, 2), b"bytes", object(), datetime.date(2024, 1, 1), 1j],
                         ids=lambda v: type(v).__name__)
def test_values_that_are_not_json(getbill, value):
    for payload in (value, dict(getbill, metadata={"v": value})):
        errors = invoicespec.errors(OP, payload)
        assert errors and errors[0].keyword == "json"
        assert "is not a JSON value" in errors[0].message
        assert not invoicespec.is_valid(OP, payload)


def test_non_string_keys(getbill):
    errors = invoicespec.errors(OP, dict(getbill, metadata={1: "a", None: "b"}))
    assert [e.keyword for e in errors] == ["json", "json"]
    assert errors[0].path == "/metadata"
    assert "object keys must be strings" in errors[0].message


def test_non_string_header_names_are_reported_not_raised():
    validator = invoicespec.validator("riverty.create_receivable", "request.headers")
    errors = validator.errors({1: "x", "Content-Type": "application/json"})
    assert [(e.path, e.keyword) for e in errors] == [("", "json")]
    assert validator.is_valid({1: "x"}) is False


def test_a_lone_surrogate_meets_a_pattern_without_a_traceback():
    validator = invoicespec.validator("riverty.create_receivable", "request.headers")
    errors = validator.errors({"Authorization": "\ud800", "Content-Type": "application/json"})
    assert [(e.path, e.keyword) for e in errors] == [("/Authorization", "pattern")]
    assert "does not match the pattern" in errors[0].message


def test_many_bad_values_are_reported_up_to_a_bound(getbill):
    errors = invoicespec.errors(OP, dict(getbill, metadata={"n": [float("nan")] * 10_000}))
    assert 1 < len(errors) <= 20


HOSTILE = [
    {"firstname": "", "lastname": None, "amount": "1", "currency": "eur", "phone": "\u200b", "extra": [1]},
    {"firstname": "A", "lastname": "B", "amount": 1, "currency": "EUR", "phone": "06 12 34 56 78",
     "iban": "fr14 2004 1010 0505 0001 3m02 606", "metadata": {"nested": [{"a": [1, {"b": None}]}]}},
    {"firstname": "A", "lastname": "B", "amount": 1, "currency": "EUR", "email": "a@b.co",
     "invoice_date": "2024-02-01", "due_date": "2024-01-01", "status": "x"},
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_no_public_call_changes_its_input(payload):
    before = copy.deepcopy(payload)
    invoicespec.errors(OP, payload)
    invoicespec.is_valid(OP, payload)
    try:
        invoicespec.normalize(OP, payload)
    except invoicespec.InvalidPayload:
        pass
    assert payload == before
    headers = {"AUTHORIZATION": "Bearer x", "Content-Type": "application/json"}
    headers_before = dict(headers)
    invoicespec.errors(OP, headers, part="request.headers")
    invoicespec.normalize(OP, headers, part="request.headers")
    assert headers == headers_before and list(headers) == list(headers_before)


def test_one_validator_shared_by_many_threads(getbill):
    validator = invoicespec.validator(OP)
    payloads = HOSTILE + [getbill, dict(getbill, phone="+262692123456"), dict(getbill, amount=0)]
    expected = [validator.errors(p) for p in payloads]
    mismatches: list[int] = []
    barrier = threading.Barrier(32)

    def work(seed: int) -> None:
        barrier.wait()
        for round_ in range(60):
            index = (seed + round_) % len(payloads)
            if validator.errors(payloads[index]) != expected[index]:
                mismatches.append(index)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mismatches == []


def test_first_use_from_many_threads_compiles_once():
    from invoicespec import _api

    _api._validators.clear()
    results = []
    barrier = threading.Barrier(16)

    def work() -> None:
        barrier.wait()
        results.append(invoicespec.validator(OP, "response.201"))

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(v) for v in results}) == 1

"""The strategies and the schemas agree: every drawn payload is valid, every fault is rejected where it says."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import invoicespec
from invoicespec import rules
from invoicespec.keywords.iban import valid_ibans as _ibans
from invoicespec.keywords.phone import valid_numbers as _phones
from invoicespec.testing.faults import DISCRIMINATOR, _Mutations, value_discriminators
from invoicespec.strategies import _payloads, faults, payloads

from conftest import schema_nodes

ALL_PARTS = [(op, part) for op in invoicespec.operations() for part in invoicespec.parts(op)]


@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
def test_every_drawn_payload_is_valid_and_normalizes_stably(operation, part):
    validator = invoicespec.validator(operation, part)

    @given(st.one_of(payloads(operation, part), _payloads(operation, part, rich=True)))
    def check(payload):
        before = copy.deepcopy(payload)
        assert validator.errors(payload) == []
        normalized = validator.normalize(payload)
        assert payload == before  # normalize leaves its input alone
        assert validator.normalize(normalized) == normalized  # and is idempotent
        assert validator.errors(normalized) == []

    check()


@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
def test_every_fault_is_rejected_where_it_says(operation, part):
    validator = invoicespec.validator(operation, part)

    @given(faults(operation, part))
    def check(fault):
        payload, path, keyword = fault
        errors = validator.errors(payload)
        assert any((e.path, e.keyword) == (path, keyword) for e in errors), (path, keyword, errors)
        assert all(e.path == path for e in errors), (path, keyword, errors)  # the fault is the only one

    check()


# Constraints the fault generator does not break on their own, and why.
UNBROKEN = {
    "x-equal-across": "only breakable where two items carry the field as a free string or an enum",
    "maxItems": "skipped on arrays whose items must be unique or ranked (copies would break those too)",
}
UNBROKEN_IN = {
    ("pennylane.create_customer_invoice", "request", "minimum"):
        "the only minimum is a section's rank >= 1, and a rank below 1 also leaves a gap (x-contiguous)",
}


def _constraints(operation, part):
    """The kinds of constraint a part's schema holds, found by walking its flattened nodes."""
    kinds: set[str] = set()
    for node, _ in schema_nodes(operation, part):
        if node.choices:
            if value_discriminators(node.choices[0]):
                kinds.add(DISCRIMINATOR)  # a discriminator no variant takes, reported at its field
            continue
        kinds.update(k for k in node.keywords if k.startswith("x-") or k == "format")
        kinds.update(name for name, present in (
            ("required", node.required), ("pattern", node.patterns), ("minLength", node.min_length),
            ("maxLength", node.max_length is not None), ("minItems", node.min_items),
            ("minimum", node.minimum is not None), ("maximum", node.maximum is not None),
            ("exclusiveMinimum", node.exclusive_minimum is not None),
            ("additionalProperties", node.additional is False),
        ) if present)
        if node.enum is not None:
            kinds.add(node.enum_keyword)
    return kinds


@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
def test_faults_cover_every_kind_of_constraint(operation, part):
    validator = invoicespec.validator(operation, part)
    walker = _Mutations(validator)
    broken: set[str] = set()

    # A guarantee, not luck: the same draws every run, half of them with every optional field present.
    @settings(max_examples=200, derandomize=True)
    @given(st.one_of(payloads(operation, part), _payloads(operation, part, rich=True)))
    def collect(payload):
        broken.update(walker.usable(payload))

    collect()
    for example in validator.examples:
        broken.update(walker.usable(example))
    exempt = set(UNBROKEN) | {keyword for (op, pt, keyword) in UNBROKEN_IN if (op, pt) == (operation, part)}
    missing = _constraints(operation, part) - broken - exempt
    assert not missing, f"{operation} {part}: no fault breaks {sorted(missing)}"


def test_strategies_refuse_unknown_names_at_once():
    with pytest.raises(invoicespec.UnknownOperation):
        payloads("nope.nothing")
    with pytest.raises(invoicespec.UnknownPart):
        faults("getbill.create_debt", "response.302")
    assert payloads("getbill.create_debt", "response.409") is payloads("getbill.create_debt", "response.4XX")


@given(_phones("FR"))
def test_phone_normalization_round_trips(text):
    first = rules.check_phone(text, "FR")
    assert first.problem is None
    assert rules.check_phone(first.e164, "FR").e164 == first.e164


@given(_ibans())
def test_iban_normalization_round_trips(text):
    first = rules.check_iban(text)
    assert first.problem is None
    assert rules.check_iban(first.compact).compact == first.compact


@given(st.data())
def test_phones_come_in_the_forms_people_type(data):
    text = data.draw(_phones("FR"))
    assert text.startswith("+") or text[0].isdigit()


def test_the_forms_people_type_all_occur():
    forms = set()

    @settings(max_examples=300)
    @given(_phones("FR"))
    def collect(text):
        if text.startswith("+"):
            forms.add("international with spaces" if " " in text else "E.164")
        else:
            forms.add("national with spaces" if " " in text else "national without the leading zero"
                      if not text.startswith("0") else "national")

    collect()
    assert {"E.164", "international with spaces", "national with spaces",
            "national without the leading zero"} <= forms

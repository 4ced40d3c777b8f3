"""The pure rules, called directly: they never raise, whatever they are given."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicespec import rules
from invoicespec.rules import DigitCount

ODD_VALUES = [None, True, 3, 2.5, float("nan"), Decimal("1"), [], {}, b"bytes", object(), "", "x" * 100_000]


@pytest.mark.parametrize("value", ODD_VALUES, ids=lambda value: type(value).__name__)
def test_rules_never_raise(value):
    rules.parse_temporal(value)
    rules.compare_temporal(value, value)
    rules.is_email(value)
    rules.is_uri(value)
    rules.count_digits(value)
    rules.check_phone(value, "FR")
    rules.check_iban(value)
    assert len(rules.short(value)) <= 80


@pytest.mark.parametrize(("text", "ok"), [
    ("2024-01-31", True), ("2024-02-29", True), ("2000-02-29", True), ("1900-02-29", False),
    ("2023-02-29", False), ("20240101", False), ("2024-W01-1", False), ("2024-1-1", False),
    ("2024-001", False), ("0000-01-01", False), ("2024-01-01\n", False), (" 2024-01-01", False),
    ("２０２４-01-01", False), ("2024-01-01T00:00:00Z", False),
])
def test_is_date(text, ok):
    assert rules.is_date(text) is ok


@pytest.mark.parametrize(("a", "b", "order"), [
    ("2024-01-01", "2024-01-02", -1),
    ("2024-01-02", "2024-01-02", 0),
    ("2024-01-01T10:00:00+02:00", "2024-01-01T09:00:00Z", -1),
    ("2024-01-01T10:00:00+02:00", "2024-01-01T08:00:00Z", 0),
    ("2024-01-01T23:30:00-05:00", "2024-01-02T04:00:00Z", 1),
    ("2024-01-01T10:00:00", "2024-01-01T09:00:00", 1),
    ("2024-01-01T10:00:00", "2024-01-01T09:00:00Z", None),
    ("2024-01-01", "2024-01-01T09:00:00Z", None),
    ("2024-01-01", "not a date", None),
    (None, "2024-01-01", None),
])
def test_compare_temporal(a, b, order):
    assert rules.compare_temporal(a, b) == order


@pytest.mark.parametrize(("value", "count"), [
    (0, DigitCount(1, 0)), (7, DigitCount(1, 0)), (-120, DigitCount(3, 0)),
    (0.1, DigitCount(0, 1)), (1.5, DigitCount(1, 1)), (123456789012345.12, DigitCount(15, 2)),
    (1e15, DigitCount(16, 0)), (1e-7, DigitCount(0, 7)), (100.0, DigitCount(3, 0)),
    ("007.50", DigitCount(1, 1)), ("-0.0001", DigitCount(0, 4)), ("0.000", DigitCount(1, 0)),
    (Decimal("12.3400"), DigitCount(2, 2)), (Decimal("1E+3"), DigitCount(4, 0)),
    pytest.param(10 ** 5000, DigitCount(5000, 0), id="a 5001-digit integer"),
])
def test_count_digits(value, count):
    result = rules.count_digits(value)
    if isinstance(value, int) and value > 10 ** 4000:  # estimated from the bit length, never str()-ed
        assert result.integral >= 4000 and result.fractional == 0
    else:
        assert result == count


@pytest.mark.parametrize("value", ["1e5", "1.", ".5", "+1", "1,5", " 1", "1\n", "١", "", True, float("inf")])
def test_count_digits_refuses_non_decimals(value):
    assert rules.count_digits(value) is None


@pytest.mark.parametrize(("text", "problem", "e164", "region"), [
    ("+33612345678", None, "+33612345678", "FR"),
    ("0612345678", None, "+33612345678", "FR"),
    ("+262692123456", None, "+262692123456", "RE"),
    ("+590690001234", None, "+590690001234", "GP"),
    ("+212650123456", None, "+212650123456", "MA"),
    ("0612", "too_short", None, None),
    ("+3361", "too_short", None, None),
    ("+336123456789", "too_long", None, None),
    ("+1234567890123456789", "too_long", None, None),
    ("+999123456789", "invalid_country_code", None, None),
    ("+0123456", "invalid_country_code", None, None),
    ("abc", "invalid_format", None, None),
    ("+33", "invalid_format", None, None),
    ("+262639123456", "unallocated", None, None),
])
def test_check_phone(text, problem, e164, region):
    result = rules.check_phone(text, "FR")
    assert (result.problem, result.e164, result.region) == (problem, e164, region)
    if problem:
        assert result.message == rules.PHONE_MESSAGES[problem]


def test_phone_messages_are_getbills_verbatim():
    assert sorted(rules.PHONE_MESSAGES.values()) == sorted([
        "phone number too short", "phone number too long", "invalid country code",
        "number format is not valid", "number not registered in carrier database",
    ])


@pytest.mark.parametrize("text", ["+33612345678\x00", "+33612345678\u200b", "\u200f+33612345678",
                                  "+33 6 12 34 56 78\u00a0", "+33６12345678", "tel:+33612345678"])
def test_phone_refuses_invisible_and_foreign_characters(text):
    assert rules.check_phone(text, "FR").problem == "invalid_format"


def test_phone_normal_form_round_trips():
    for text in ("06 12 34 56 78", "+262 692 12 34 56", "+49 30 123456"):
        e164 = rules.check_phone(text, "FR").e164
        assert rules.check_phone(e164, "FR").e164 == e164


@pytest.mark.parametrize(("text", "problem"), [
    ("FR1420041010050500013M02606", None),
    ("GB82 WEST 1234 5698 7654 32", None),
    ("FR1520041010050500013M02606", "checksum"),
    ("FR14200410100505", "length"),
    ("XX1420041010050500013M02606", "country"),
    ("FR76ABCD1010050500013M02606", "structure"),
    ("FR14-2004", "characters"),
    ("FR14\u200b2004", "characters"),
])
def test_check_iban(text, problem):
    result = rules.check_iban(text)
    assert result.problem == problem
    if problem is None:
        assert result.compact == text.replace(" ", "").upper()
        assert rules.check_iban(result.compact).compact == result.compact


@pytest.mark.parametrize("text", [
    "FR1520041010050500013M02606", "FR1420041010050500013M026061", "ZZ99SECRETACCOUNT12345678", "A" * 50, "B" * 10_000,
])
def test_iban_messages_never_echo_more_than_a_prefix(text):
    message = rules.check_iban(text).message
    assert text[4:12] not in message
    assert len(message) < 120


def test_destination_tier():
    tiers = [{"name": "a", "regions": ["FR"]}, {"name": "b", "regions": ["RE", "FR"]}]
    assert rules.destination_tier("FR", tiers)["name"] == "a"
    assert rules.destination_tier("RE", tiers)["name"] == "b"
    assert rules.destination_tier("DE", tiers) is None
    assert rules.destination_tier(None, tiers) is None


def test_short_is_bounded():
    assert rules.short("x" * 10_000_000).endswith("(10,000,000 characters)")
    assert len(rules.short("x" * 10_000_000)) < 80
    assert "digits" in rules.short(10 ** 10_000)
    assert rules.short(None) == "null" and rules.short(True) == "true"

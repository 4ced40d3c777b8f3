"""The lean engine and the checks after it (``_hoist``, ``_Plan.lean``).

``test_fast_path.py`` holds the fast path's verdicts to the full path's on payloads;
these tests pin the pieces: where checks are sure and where they are not, what happens
when a check fails where it may not apply, the generated code's limits, the text
comparison of dates, and that the engine really runs without Python keywords.
"""

from __future__ import annotations

import copy
import math
from decimal import Decimal

import jsonschema_rs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import invoicespec
from invoicespec.keywords import standard as _keywords
from invoicespec import rules
from invoicespec.catalog.load import shipped, subschemas
from types import SimpleNamespace

from invoicespec.engine.fast import HELPERS, KEYWORDS, FastPath, _Lookup, _plan
from invoicespec.keywords.contiguous import ContiguousCheck as _Contiguous
from invoicespec.keywords.date_order import DateOrderCheck as _DateOrder, in_order as _in_order
from invoicespec.keywords.digits import DigitsCheck as _Digits, engine_schema as _digits
from invoicespec.keywords.equal_across import EqualAcrossCheck as _EqualAcross
from invoicespec.keywords.references import ReferencesCheck as _References
from invoicespec.keywords.unique_by import UniqueByCheck as _UniqueBy
from invoicespec.engine.guards import NoTuple as _NoTuple
from invoicespec.engine.checks import Bail, Uncertain, compile_checks, plan_checks

from test_fast_path import agree

URI = "https://schemas.invoicespec.dev/test/hoist.yaml"


class Positive:
    """A rule for the tests: the value, when a number, must be positive."""

    def __init__(self, where: str) -> None:
        self.where = where

    def validate(self, instance):
        if isinstance(instance, int) and instance <= 0:
            raise ValueError(f"{self.where}: not positive")


def checks_of(schema):
    return [("x-positive", Positive(schema["x-positive"]), False)] if "x-positive" in schema else []


def plan(schema):
    return plan_checks((schema, _Lookup({URI: schema}, URI)), checks_of)


def sure_flags(location, path=""):
    found = {path or "/": sorted(sure for *_, sure in location.checks)} if location.checks else {}
    for name, below in location.properties.items():
        found.update(sure_flags(below, f"{path}/{name}"))
    for start, below in location.items.items():
        found.update(sure_flags(below, f"{path}/{start}+"))
    for names, below in location.others:
        found.update(sure_flags(below, f"{path}/~{','.join(sorted(names))}"))
    return found


SCHEMA = {
    "$id": URI,
    "type": "object",
    "properties": {
        "always": {"x-positive": "always"},
        "then": {},
        "listed": {"type": "array", "items": {"$ref": "#/$defs/entry"}},
    },
    "additionalProperties": {"x-positive": "undeclared"},
    "anyOf": [{"properties": {"sometimes": {"x-positive": "sometimes"}}}, {"required": ["always"]}],
    "if": {"required": ["always"]},
    "then": {"properties": {"then": {"x-positive": "then"}}},
    "$defs": {"entry": {"properties": {"n": {"x-positive": "entry"}}}},
}


def test_checks_are_sure_only_where_the_path_alone_decides():
    assert sure_flags(plan(SCHEMA)) == {
        "/always": [True],
        "/listed/0+/n": [True],
        "/~always,listed,then": [True],
        "/sometimes": [False],
        "/then": [False],
    }


def test_a_sure_check_fails_the_payload_and_an_unsure_one_is_uncertain():
    check = compile_checks(plan(SCHEMA))
    check({"always": 1, "listed": [{"n": 2}], "sometimes": 3, "other": 4})
    with pytest.raises(ValueError, match="always"):
        check({"always": 0})
    with pytest.raises(ValueError, match="entry"):
        check({"listed": [{"n": 1}, {"n": -1}]})
    with pytest.raises(ValueError, match="undeclared"):
        check({"other": -5})
    with pytest.raises(Uncertain, match="sometimes"):
        check({"sometimes": 0})
    check({"always": "not a number", "listed": "not a list", 7: "a key that is not declared, a string"})


def test_checks_never_change_the_payload():
    payload = {"always": 1, "listed": [{"n": 2}, {"n": 3}], "sometimes": 3, "other": 4}
    before = copy.deepcopy(payload)
    compile_checks(plan(SCHEMA))(payload)
    assert payload == before


@pytest.mark.parametrize(("objects", "arrays"), [(48, 1), (2, 25), (12, 12), (0, 45)])
def test_deep_schemas_compile_within_pythons_limits(objects, arrays):
    # past Python's 100 levels of indentation in one function, and its 20 nested loops
    schema = {"x-positive": "bottom"}
    value = -1
    for _ in range(arrays):
        schema, value = {"type": "array", "items": schema}, [value]
    for _ in range(objects):
        schema, value = {"type": "object", "properties": {"a": schema}}, {"a": value}
    schema["$id"] = URI
    with pytest.raises(ValueError, match="bottom"):
        compile_checks(plan(schema))(value)


def test_nested_loops_are_written_in_one_function():
    schema = {"x-positive": "bottom"}
    for _ in range(3):
        schema = {"type": "array", "items": {"type": "object", "properties": {"a": schema}}}
    schema["$id"] = URI
    check = compile_checks(plan(schema))
    assert [name for name in check.__globals__ if name.startswith("check")] == ["check0"]  # no call per item
    check([{"a": [{"a": [{"a": 1}]}]}])
    with pytest.raises(ValueError, match="bottom"):
        check([{"a": [{"a": [{"a": 1}, {"a": -1}]}]}])


@pytest.mark.parametrize("keyword", ["$dynamicRef", "propertyNames"])
def test_what_is_not_followed_keeps_the_part_whole(keyword):
    with pytest.raises(Bail):
        plan({"$id": URI, "properties": {"a": {keyword: "#x" if keyword == "$dynamicRef" else {"maxLength": 3}}}})


class Engine:
    def __init__(self, verdict):
        self.verdict = verdict
        self.calls = 0

    def is_valid(self, instance):
        self.calls += 1
        return self.verdict


def _raise(error):
    def check(instance):
        raise error
    return check


class _Raising:
    def __init__(self, error):
        self.error = error

    def validate(self, instance):
        if self.error is not None:
            raise self.error


def _checks(error, form):
    """Checks that raise ``error`` (None: pass): a plain function, or generated from a rule (then the verdict
    is generated with them); an unsure failure is a ValueError where the rule may not apply."""
    if form == "function":
        return (lambda instance: None) if error is None else _raise(error)
    unsure = isinstance(error, Uncertain)  # then under anyOf: it may not apply
    rule = _Raising(ValueError("fails where it may not apply") if unsure else error)
    schema = {"anyOf": [{"x-stub": True}]} if unsure else {"x-stub": True}
    location = plan_checks((schema, None), lambda node: [("x-stub", rule, False)] if "x-stub" in node else [])
    return compile_checks(location, HELPERS)


FORMS = pytest.mark.parametrize("form", ["function", "generated"])


@pytest.mark.parametrize(("lean", "error", "whole", "expected"), [
    (True, None, None, True),
    (True, ValueError("sure"), None, False),
    (False, None, None, False),
    (True, Uncertain("unsure"), True, True),
    (True, Uncertain("unsure"), False, False),
    (False, Uncertain("unsure"), True, True),
    (True, TypeError("a rule that cannot read the value"), None, None),
])
@FORMS
def test_the_verdict_asks_the_whole_engine_only_when_a_check_was_unsure(lean, error, whole, expected, form):
    engine = Engine(whole)
    fast = FastPath(Engine(lean), _checks(error, form), certain=False, whole=lambda: engine)
    assert fast.verdict({}) is expected
    assert engine.calls == (1 if isinstance(error, Uncertain) else 0)


@FORMS
def test_an_invalid_verdict_stands_alone_when_every_check_is_sure(form):
    fast = FastPath(Engine(False), _checks(AssertionError("not run"), form), certain=True)
    assert fast.verdict({}) is False


@FORMS
def test_a_value_the_engine_cannot_read_is_left_to_the_full_path(form):
    class Unreadable:
        def is_valid(self, instance):
            raise ValueError("jsonschema-rs cannot read this value")

    assert FastPath(Unreadable(), _checks(AssertionError("not run"), form), certain=True).verdict({}) is None


def test_generated_checks_keep_what_compiles_them_again():
    check = _checks(None, "generated")
    assert check.helpers is HELPERS and not check.location.empty()
    again = compile_checks(check.location, check.helpers, verdict={
        "is_valid": lambda instance: True, "refused": None, "whole": None, "uncertain": lambda: False})
    assert again({}) is True


# -- the shipped parts ----------------------------------------------------------------------------


def _keywords_in(schema):
    return set().union(*(node.keys() & KEYWORDS.keys() for _, node in subschemas(schema)))


@pytest.mark.parametrize("request_flavour", [True, False], ids=["requests", "responses"])
def test_every_shipped_part_runs_its_engine_without_python_keywords(request_flavour):
    plan = _plan(shipped())
    documents, _ = plan.lean(request_flavour)
    assert not set().union(*(_keywords_in(document) for document in documents.values()))
    parts = {spec.schema_uri for operation in shipped().operations.values() for spec in operation.parts.values()
             if spec.name.startswith("request") == request_flavour}
    assert all(plan.checks(uri, request_flavour) is not None for uri in parts)


def _nitrobox_with_dates_on_another_kind_of_basis():
    validator = invoicespec.validator("nitrobox.create_deposit_invoice")
    payload = copy.deepcopy(max(validator.examples, key=lambda example: len(str(example))))
    basis = {"type": "BLOCK", "blockSize": 10, "startDate": "2024-02-01", "endDate": "2024-01-01"}
    payload["items"][0]["priceCalculationBasis"] = [basis]
    return validator, payload


def test_a_rule_that_fails_where_it_does_not_apply_leaves_the_payload_valid():
    # startDate after endDate breaks x-date-order of the RECURRING kind of entry, which a BLOCK entry is not
    validator, payload = _nitrobox_with_dates_on_another_kind_of_basis()
    with pytest.raises(Uncertain):
        validator._fast_path()._check(payload)
    assert agree(validator, payload) is True
    payload["items"][0]["priceCalculationBasis"][0]["type"] = "RECURRING"
    assert agree(validator, payload) is False


def test_open_values_are_still_checked_after_a_lean_engine():
    validator = invoicespec.validator("getbill.create_debt")
    payload = copy.deepcopy(validator.examples[0])
    for wild in ({"deep": (1, 2)}, [float("nan")], {"n": 10**4000}, {"d": Decimal("NaN")}, "fine", {"ok": [1]}):
        agree(validator, {**payload, "metadata": {"note": wild}})


@pytest.mark.parametrize(("strict", "error", "lean", "expected", "lean_calls"), [
    (True, None, None, True, 0),  # every open value a scalar: the strict engine decides alone
    (True, ValueError("sure"), None, False, 0),
    (False, None, True, True, 1),  # a container where values are open: the lean engine decides
    (False, None, False, False, 1),
])
@FORMS
def test_a_strict_engine_decides_where_it_accepts_and_the_lean_engine_elsewhere(strict, error, lean, expected,
                                                                               lean_calls, form):
    lean_engine = Engine(lean)
    fast = FastPath(lean_engine, _checks(None, form), certain=True, strict=(Engine(strict), _checks(error, form)))
    assert fast.verdict({}) is expected
    assert lean_engine.calls == lean_calls


@FORMS
def test_a_strict_checks_unsure_failure_asks_the_whole_engine(form):
    whole = Engine(True)
    fast = FastPath(Engine(None), None, whole=lambda: whole, strict=(Engine(True), _checks(Uncertain("unsure"), form)))
    assert fast.verdict({}) is True
    assert whole.calls == 1


@pytest.mark.parametrize(("operation", "opens"), [
    ("pigello.create_debt_invoice", True), ("getbill.create_debt", True), ("nitrobox.create_deposit_invoice", True),
    ("pennylane.create_customer_invoice", False), ("riverty.create_receivable", False),
])
def test_parts_that_leave_values_open_get_a_strict_engine(operation, opens):
    assert (invoicespec.validator(operation)._fast_path()._strict is not None) is opens


def test_a_strict_engine_refuses_containers_where_values_are_open():
    validator = invoicespec.validator("pigello.create_debt_invoice")
    fast = validator._fast_path()
    payload = copy.deepcopy(validator.examples[1])
    strict = fast._strict[0]
    assert strict.is_valid(payload) and fast._compiled.is_valid(payload)
    for scalar in ("text", 1, 2.5, True, None):
        payload["organization"]["extra"] = scalar
        assert strict.is_valid(payload)
        assert agree(validator, payload) is True
    for wild, valid in (({"a": [1]}, True), ([1, "2"], True), ({"n": float("nan")}, False), ([10**4000], False),
                        ({"deep": (1, 2)}, False), (10**4000, False), (float("inf"), False)):
        payload["organization"]["extra"] = wild
        assert not strict.is_valid(payload)
        assert agree(validator, payload) is valid


def test_a_strict_rewrite_refuses_containers_in_every_kind_of_open_place():
    from invoicespec.engine.rewrite import rewrite
    from invoicespec.engine.checks import MEMBERS

    members = {"type": "object", "properties": {"a": {}}, "additionalProperties": True}
    described = {"type": "object", "properties": {"a": {"type": "object"}}}
    items = {"type": "array"}
    anywhere = {}
    guards = {id(members): {MEMBERS}, id(described): {MEMBERS}, id(items): {"x-fast-open-items"},
              id(anywhere): {"x-fast-open"}}
    for schema, scalar, container in (
        (members, {"a": {"deep": [1]}, "b": 1}, {"b": {}}),  # declared members stay as they were
        (described, {"a": {}, "b": "text"}, {"b": []}),
        (items, [1, "2", None, 2.5], [1, [2]]),
        (anywhere, 7, {"k": 1}),
    ):
        lean = jsonschema_rs.validator_for(rewrite(schema, True, guards, lean=True))
        strict = jsonschema_rs.validator_for(rewrite(schema, True, guards, lean=True, strict=True))
        assert strict.is_valid(scalar) and lean.is_valid(scalar)
        assert not strict.is_valid(container) and lean.is_valid(container)
    for wild in (10**4000, float("nan"), float("inf")):  # scalars outside JSON data: refused by both
        assert not strict.is_valid(wild) and not lean.is_valid(wild)


# -- the pieces -----------------------------------------------------------------------------------

digits = st.sampled_from("0123456789")
temporal = st.builds(
    lambda year, month, day, hour, minute, second, fraction, separator, zone, kind: (
        f"{year:04}-{month:02}-{day:02}" if kind == "date"
        else f"{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}{fraction}{zone}"
    ),
    st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25), st.integers(0, 60),
    st.integers(0, 61), st.sampled_from(["", ".5", ".50", ".123456789", ".1234567891"]), st.sampled_from("Tt "),
    st.sampled_from(["", "Z", "z", "+01:00", "-01:00", "+00:00", "+24:00", "+0100"]),
    st.sampled_from(["date", "date-time"]),
)


@given(first=temporal, second=temporal, strict=st.booleans())
def test_dates_in_order_by_text_are_in_order_by_the_rule(first, second, strict):
    if _in_order(first, second, strict):
        order = rules.compare_temporal(first, second)
        assert order is None or order < 0 or (order == 0 and not strict)


@settings(max_examples=300)
@given(
    first=st.one_of(temporal, st.sampled_from(["", "x", 5, None])),
    second=st.one_of(temporal, st.sampled_from(["", "x", 5, None])),
    strict=st.booleans(),
)
@example(first="2024-01-01T10:00:00-05:00", second="2024-01-01T11:00:00+05:00", strict=False)  # 15:00Z, 06:00Z
@example(first="2024-01-01T10:00:00Z", second="2024-01-01t09:00:00Z", strict=False)  # "T" sorts before "t"
@example(first="2024-01-01T10:00:00z", second="2024-01-01T11:00:00Z", strict=True)
@example(first="2024-01-02", second="2024-01-02", strict=True)
def test_date_order_written_inline_decides_as_the_rule(first, second, strict):
    value = [{"earlier": "/a", "later": "/b", **({"relation": "<"} if strict else {})}]
    rule = _DateOrder({}, value, [])
    check = _generated("x-date-order", rule)
    instance = {"a": first, "b": second}
    try:
        check(instance)
        passed = True
    except ValueError:
        passed = False
    assert passed is (not list(_keywords.VOCABULARY["x-date-order"](None, value, instance, {})))


@pytest.mark.parametrize(("first", "second", "by_text"), [
    ("2024-01-31", "2024-02-01", True),
    ("2024-01-31T23:59:59Z", "2024-02-01T00:00:00Z", True),
    ("2024-01-31T23:59:59.5+01:00", "2024-01-31T23:59:59.6+01:00", True),
    ("2024-01-31T08:00:00", "2024-01-31T09:00:00", True),
    ("2024-01-31T09:00:00+00:00", "2024-01-31T10:00:00+02:00", False),  # 09:00Z is after 08:00Z
    ("2024-01-31T10:00:00Z", "2024-01-31t09:00:00Z", False),  # "T" sorts before "t"
    ("2024-01-31T10:00:00Z", "2024-01-31T10:00:00.5Z", False),  # shapes differ
    ("2024-01-31T10:00:00", "2024-01-31T11:00:00Z", False),  # a local and a zoned time: never ordered
    ("2024-02-01", "2024-01-31", False),
])
def test_only_values_of_one_shape_are_compared_by_text(first, second, by_text):
    assert _in_order(first, second, False) is by_text
    if not by_text:
        return
    assert rules.compare_temporal(first, second) == -1
    assert _in_order(first, first, False) and not _in_order(first, first, True)


@given(
    integral=st.integers(1, 20), fractional=st.integers(0, 6),
    value=st.one_of(
        st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False), st.text(digits),
        # floats written with a few decimals, as invoices carry them: the ones rounding decides in place
        st.builds(lambda units, places: units / 10**places, st.integers(-(10**17), 10**17), st.integers(0, 8)),
    ),
)
@example(integral=3, fractional=2, value=12.34)
@example(integral=3, fractional=2, value=12.345)
@example(integral=3, fractional=1, value=0.1 + 0.2)  # 0.30000000000000004: seventeen fractional digits
@example(integral=1, fractional=0, value=10)  # the limit itself, each way
@example(integral=1, fractional=0, value=-10.0)
@example(integral=1, fractional=0, value=9.5)
@example(integral=1, fractional=0, value=True)
def test_lean_digit_limits_and_their_check_match_the_rule(integral, fractional, value):
    limits = {"integer": integral, "fraction": fractional}
    engine = jsonschema_rs.validator_for(_digits(limits, lean=True))
    rule = _Digits({}, limits, [])
    checked = _passes(rule, value)
    assert _passes(_generated("x-digits", rule), value) is checked  # written in place, the same answer
    try:
        native = engine.is_valid(value)
    except ValueError:  # what jsonschema-rs cannot read (the full path decides those)
        return
    assert (native and checked) is (not list(_keywords.VOCABULARY["x-digits"](None, limits, value, {})))


@pytest.mark.parametrize("integral", [5, 15, 22, 23, 300, 301, 5000])  # a literal (float bound up to 10**22), or read
def test_digit_limits_written_in_place_hold_at_the_limit(integral):
    rule = _Digits({}, {"integer": integral, "fraction": 2}, [])
    check = _generated("x-digits", rule)
    near = float(10**min(integral, 300))
    floats = (near, -near, math.nextafter(near, 0), math.nextafter(-near, 0), math.nextafter(near, math.inf), 1.5)
    for value in (10**integral - 1, 10**integral, -(10**integral), 1 - 10**integral, True, *floats):
        assert _passes(check, value) is _passes(rule, value) is (not list(
            _keywords.VOCABULARY["x-digits"](None, {"integer": integral, "fraction": 2}, value, {}))), value


keyed_values = st.sampled_from([1, 1.0, True, False, "1", "a", None, 0, [1], [True], {"k": 1}, {"k": 1.0}])
items = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(["id", "kind", "other"]), keyed_values, max_size=3),
        st.dictionaries(st.sampled_from(["nested"]), st.dictionaries(st.just("id"), keyed_values), max_size=1),
        keyed_values,
    ),
    max_size=6,
)
pointers = st.lists(
    st.sampled_from(["/id", "/kind", "/nested/id", "/0", "/nested/id/0"]), min_size=1, max_size=2, unique=True,
)


@pytest.mark.parametrize(("name", "fast"), [("x-equal-across", "_EqualAcross"), ("x-unique-by", "_UniqueBy")])
@settings(max_examples=400)  # pure Python and quick: the mixed cases need more than the profile's 25
@given(instance=st.one_of(items, keyed_values), keys=pointers)
def test_array_rules_for_verdicts_match_the_rules(name, fast, instance, keys):
    fast_path = SimpleNamespace(_EqualAcross=_EqualAcross, _UniqueBy=_UniqueBy)

    rule = getattr(fast_path, fast)({}, keys, [])
    passed = _passes(rule, instance)
    assert passed is (not list(_keywords.VOCABULARY[name](None, keys, instance, {})))
    assert _passes(_generated(name, rule), instance) is passed  # written in place, the same answer


def _passes(rule, instance) -> bool:
    """Whether a rule (or a generated check: a function) lets ``instance`` through."""
    try:
        (rule if callable(rule) else rule.validate)(instance)
    except ValueError:
        return False
    return True


def _generated(keyword, rule):
    """The generated check of a schema whose root holds ``rule`` alone (its ``inline`` source, if any)."""
    return compile_checks(plan_checks(({}, None), lambda schema: [(keyword, rule, True)]), HELPERS)


links = st.lists(
    st.fixed_dictionaries({
        "items": st.sampled_from(["/lines", "/0"]), "field": st.sampled_from(["/id", "/nested/id", "/kind"]),
        "target": st.sampled_from(["/sections", "/lines"]), "key": st.sampled_from(["/id", "/nested/id"]),
    }),
    min_size=1, max_size=2,
)


@settings(max_examples=400)  # pure Python and quick: the mixed cases need more than the profile's 25
@given(
    instance=st.one_of(st.fixed_dictionaries({}, optional={"lines": items, "sections": items}), items),
    value=links,
)
def test_references_for_verdicts_match_the_rule(instance, value):
    passed = _passes(_References({}, value, []), instance)
    assert passed is (not list(_keywords.VOCABULARY["x-references"](None, value, instance, {})))
    assert _passes(_generated("x-references", _References({}, value, [])), instance) is passed


@settings(max_examples=400)  # pure Python and quick: the mixed cases need more than the profile's 25
@given(
    instance=st.one_of(
        items,
        st.lists(st.fixed_dictionaries({}, optional={"rank": st.sampled_from([0, 1, 2, 3, 1.0, True, "2", None])})),
    ),
    field=st.sampled_from(["/rank", "/id", "/nested/id"]),
    start=st.sampled_from([0, 1, 2]),
)
def test_contiguous_for_verdicts_matches_the_rule(instance, field, start):
    value = {"field": field, "start": start}
    assert _passes(_Contiguous({}, value, []), instance) is (not list(_keywords.VOCABULARY["x-contiguous"](None, value, instance, {})))


@pytest.mark.parametrize(("ranks", "passes"), [
    ([1, 2, 3], True), ([3, 1, 2], True), ([], True), ([1, 1], False), ([2, 3], False), ([1, 3], False),
    ([1, True], True),  # True is not an integer here: `type` reports it
    ([1, 2.0], True), ([1, None], True), ([1, "2"], True), ([True, 2], False),
])
def test_contiguous_usual_and_unusual_values(ranks, passes):
    value = {"field": "/rank", "start": 1}
    instance = [{"rank": rank} for rank in ranks]
    assert _passes(_Contiguous({}, value, []), instance) is passes
    assert passes is (not list(_keywords.VOCABULARY["x-contiguous"](None, value, instance, {})))


@pytest.mark.parametrize(("rule", "instance", "passes"), [
    # text and objects of text are compared as they are; anything else by canonical form
    ("_EqualAcross", [{"k": {"a": "x"}}, {"k": {"a": "x"}}, {}], True),
    ("_EqualAcross", [{"k": {"a": "x"}}, {"k": {"a": "y"}}], False),
    ("_EqualAcross", [{"k": {"a": 1}}, {"k": {"a": True}}], False),  # equal in Python, not in JSON
    ("_EqualAcross", [{"k": {"a": 1}}, {"k": {"a": 1.0}}], True),
    ("_EqualAcross", [{"k": "1"}, {"k": 1}], False),
    ("_UniqueBy", [{"k": "a"}, {"k": "b"}, {"k": None}, {"k": None}], True),
    ("_UniqueBy", [{"k": "a"}, {"k": "a"}], False),
    ("_UniqueBy", [{"k": 1}, {"k": True}], True),
    ("_UniqueBy", [{"k": 1}, {"k": 1.0}], False),
])
def test_array_rules_usual_and_unusual_values(rule, instance, passes):
    fast_path = SimpleNamespace(_EqualAcross=_EqualAcross, _UniqueBy=_UniqueBy)

    keys = ["/k"]
    assert _passes(getattr(fast_path, rule)({}, keys, []), instance) is passes
    assert _passes(_generated(rule, getattr(fast_path, rule)({}, keys, [])), instance) is passes
    name = {"_EqualAcross": "x-equal-across", "_UniqueBy": "x-unique-by"}[rule]
    assert passes is (not list(_keywords.VOCABULARY[name](None, keys, instance, {})))


@pytest.mark.parametrize(("instance", "passes"), [
    # pointers into one object of each item: equal objects of text decide at once, anything else key by key
    ([{"k": {"a": "x", "b": "y"}}, {"k": {"a": "x", "b": "y"}}], True),
    ([{"k": {"a": "x", "b": None}}, {"k": {"a": "x"}}], True),
    ([{"k": {"a": "x", "b": 1}}, {"k": {"a": "x", "b": True}}], False),  # equal objects in Python, not in JSON
    ([{"k": {"a": "x", "b": 1}}, {"k": {"a": "x", "b": 1.0}}], True),
    ([{"k": {"a": "x", "b": "y", "c": 1}}, {"k": {"a": "x", "b": "y", "c": 2}}], True),  # other members differ
    ([{"k": {"a": "x"}}, {"k": {"a": "z"}}], False),
    ([{"k": {"a": "x"}}, {"k": None}, {}], True),
    ([{"k": ["x"]}, {"k": ["x"]}], True),  # no objects on the way: nothing to compare
])
def test_equal_across_pointers_into_one_object(instance, passes):
    keys = ["/k/a", "/k/b"]
    assert _passes(_EqualAcross({}, keys, []), instance) is passes
    assert passes is (not list(_keywords.VOCABULARY["x-equal-across"](None, keys, instance, {})))


@pytest.mark.parametrize(("lines", "sections", "passes"), [
    ([{"id": 1}, {"id": 2}, {}], [{"id": 2}, {"id": 1}], True),
    ([{"id": 3}], [{"id": 1}], False),
    ([{"id": 1.0}], [{"id": 1}], True),  # the same JSON number
    ([{"id": True}], [{"id": 1}], True),  # another type: `type` reports it, not this rule
    ([{"id": "1"}], [{"id": 1}, {"id": "2"}], False),  # texts are among the keys: "1" is not one
    ([{"id": 1}], [], False),  # no keys at all: every value names nothing
    ([{"id": None}], [], True),
    ([{"id": 1}], [{"id": True}, {"id": 2}], False),  # 1 == True in Python, not in JSON
    ([{"id": True}], [{"id": 1}, {"id": False}], False),
    ([{"id": [1]}], [{"id": [1]}], True),  # keys of any JSON value
    ([{"id": 1}], [{"id": [1]}, {"id": 2}], False),
    ([{"id": 2}, 7], [{"id": 2}], True),  # an item that is not an object names nothing
])
def test_references_usual_and_unusual_values(lines, sections, passes):
    value = [{"items": "/lines", "field": "/id", "target": "/sections", "key": "/id"}]
    instance = {"lines": lines, "sections": sections}
    assert _passes(_References({}, value, []), instance) is passes
    assert _passes(_generated("x-references", _References({}, value, [])), instance) is passes
    assert passes is (not list(_keywords.VOCABULARY["x-references"](None, value, instance, {})))


def test_a_schema_outside_the_catalog_may_reach_documents_of_the_other_flavour():
    # the engines of shipped parts hold only the documents their flavour reaches; an ad hoc schema gets all
    from invoicespec.engine.validator import compile_schema

    validator = compile_schema({"$ref": "https://schemas.invoicespec.dev/getbill/error.yaml"}, "request")
    assert validator._fast_path() is not None
    assert agree(validator, {"error": 1}) is False
    documents = _plan(shipped()).documents(True)
    assert "https://schemas.invoicespec.dev/getbill/error.yaml" not in documents
    assert "https://schemas.invoicespec.dev/_common/date.yaml" in documents


def test_every_shipped_check_has_nothing_to_say_about_null():
    # the generated walk skips null members without calling the checks on them (Rule's contract)
    plan = _plan(shipped())
    rules = [rule for document in shipped().documents.values() for _, node in subschemas(document)
             for request in (True, False) for _, rule, _ in plan.checks_of(node, request)]
    assert len(rules) > 100
    for rule in rules:
        rule.validate(None)


class _Row(tuple):
    pass


class _Items(list):
    pass


@pytest.mark.parametrize("types", ["array", ["array", "string", "null"]])
@pytest.mark.parametrize(("value", "refused"), [
    ([1], False), ((1,), True), (_Row((1,)), True), (__import__("collections").namedtuple("Pair", "a b")(1, 2), True),
    (_Items([1]), False), ("ab", False), ({"a": 1}, False), (1, False),
])
def test_no_tuple_guard_written_in_place_refuses_every_tuple(types, value, refused):
    rule = _NoTuple({"type": types}, True, [])
    assert _passes(rule, value) is not refused
    assert _passes(_generated("x-fast-array", rule), value) is not refused


def test_generated_loops_reach_the_items_of_tuples_and_list_subclasses():
    check = compile_checks(plan_checks(({"items": {"x-positive": "item"}}, None), checks_of), HELPERS)
    for items in ([1, -1], (1, -1), _Items([1, -1])):
        with pytest.raises(ValueError, match="not positive"):
            check(items)
    check([1, 2])

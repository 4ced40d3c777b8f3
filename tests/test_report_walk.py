"""The walk behind error reports yields exactly what jsonschema's stock walk yields.

Reports come from jsonschema, made faster in ways that must not show: ``descend``
keeps each subschema's validator (``_descend``), ``properties``/``items``/``$ref``
skip what the fast path finds valid and ``if`` takes its condition from it
(``_keywords.PRUNERS``), and a member that is only a ``$ref`` is walked at its
target directly. The reference here is the natural implementation: jsonschema's own
classes extended with the library's keyword functions, stock ``descend``, stock
``properties``/``items``/``$ref``/``if``, no pruning. Every raw error is compared,
with its details, paths and the errors of each variant (``context``).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema.exceptions import _unset

import invoicespec
from invoicespec.keywords import standard as _keywords
from invoicespec.rules.json_data import check_json
from invoicespec.engine.validator import _is_integer, _jsonschema_classes
from invoicespec.strategies import faults, payloads

from test_fast_path import ALL_PARTS, SUITE, near_misses, suite_tests, wild
from test_properties import json_values, shaped


def _reference_classes():
    from jsonschema import Draft202012Validator, validators

    own = {**_keywords._STANDARD, **_keywords.VOCABULARY}
    types = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
    request = validators.extend(Draft202012Validator, {**own, "readOnly": _keywords.read_only}, type_checker=types)
    response = validators.extend(Draft202012Validator, own, type_checker=types)
    return request, response


REFERENCE = _reference_classes()


def reference_errors(validator, instance):
    """The raw errors of the stock walk, for a part's validator and its prepared instance."""
    compiled, _ = validator._full_path()
    cls = REFERENCE[0] if validator.part.startswith("request") else REFERENCE[1]
    stock = cls(compiled.schema, registry=compiled._registry, format_checker=compiled.format_checker)
    return list(stock.iter_errors(instance))


def shape(error):
    """Everything a report can read from a raw error, recursively."""
    return (
        error.message, error.validator, repr(error.validator_value), id(error.schema), repr(error.cause),
        list(error.path), list(error.schema_path), type(error.instance).__name__, repr(error.instance)[:200],
        error._type_checker is _unset, [shape(inner) for inner in error.context],
    )


def same_walk(validator, instance):
    target, _, problems = validator._prepare(instance)
    if problems or check_json(target):  # reported before any walk
        return
    compiled, _ = validator._full_path()
    ours = list(compiled.iter_errors(target))
    assert [shape(e) for e in ours] == [shape(e) for e in reference_errors(validator, target)]


@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
@given(data=st.data())
def test_faults_and_near_misses_get_the_stock_walks_errors(operation, part, data):
    validator = invoicespec.validator(operation, part)
    same_walk(validator, data.draw(faults(operation, part))[0])
    same_walk(validator, data.draw(near_misses(operation, part)))
    same_walk(validator, data.draw(payloads(operation, part)))


@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
@given(value=json_values | shaped | wild)
def test_arbitrary_values_get_the_stock_walks_errors(operation, part, value):
    same_walk(invoicespec.validator(operation, part), value)


@pytest.mark.parametrize("path", SUITE, ids=lambda p: p.stem)
def test_keyword_suite_cases_get_the_stock_walks_errors(path):
    for validator, _, test in suite_tests(path):
        same_walk(validator, test["data"])


def test_the_walk_keeps_each_subschemas_validator():
    from invoicespec.engine import descend as _descend

    validator = invoicespec.validator("pennylane.create_customer_invoice")
    bad = validator.examples[0]
    bad["invoice_lines"][0]["quantity"] = "12"
    compiled, _ = validator._full_path()
    made = []
    cls = type(compiled)
    real = cls.evolve
    cls.evolve = lambda self, **changes: made.append(changes["schema"]) or real(self, **changes)
    try:
        first = [shape(e) for e in compiled.iter_errors(bad)]
        count = len(made)
        second = [shape(e) for e in compiled.iter_errors(bad)]
    finally:
        cls.evolve = real
    assert first == second and first
    assert len(made) == count, "the second walk made new validators"
    assert len(_descend._EVOLVED) <= _descend._MAX_EVOLVED


def test_the_request_and_response_classes_walk_the_lean_way():
    from invoicespec.engine.descend import descend

    request, response, _ = _jsonschema_classes()
    assert request.descend is descend and response.descend is descend


def test_a_report_asks_the_fast_path_about_each_subtree_once(monkeypatch):
    validator = invoicespec.validator("pennylane.create_customer_invoice")
    bad = validator.examples[0]
    bad["invoice_lines"][0]["quantity"] = "12"
    validator._full_path()
    real = _keywords.PRUNERS[True]
    asked = []

    class Recording:
        def valid(self, subschema, instance):
            asked.append((id(subschema), id(instance)))
            return real.valid(subschema, instance)

        def __call__(self, subschema, instance):
            asked.append((id(subschema), id(instance)))
            return real(subschema, instance)

    monkeypatch.setitem(_keywords.PRUNERS, True, Recording())
    assert [(e.path, e.keyword) for e in validator.errors(bad)] == [("/invoice_lines/0/quantity", "type")]
    assert asked and len(asked) == len(set(asked))  # a member that is only a $ref is not asked again by it

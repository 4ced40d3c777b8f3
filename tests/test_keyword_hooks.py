"""The strategies ask the registry: keywords defined here, with nothing but their own hooks, are generated,
arranged and broken without a change to the strategies or the faults."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from invoicespec.catalog.nodes import Node
from invoicespec.keywords.keyword import Fault, Keyword
from invoicespec.keywords.registry import REGISTRY
from invoicespec.testing import faults, generate


def _validate(validator, argument, instance, schema):
    return iter(())  # the strategies never run it: the engines do


def _even_numbers(argument, node, type_name):
    return st.integers(0, 50).map(lambda n: 2 * n) if type_name in ("integer", "number") else None


def _odd(argument, value, site):
    if isinstance(value, int) and not isinstance(value, bool):
        yield Fault((), lambda number: number + 1)


EVEN = Keyword(
    name="x-test-even",
    summary="the number is odd",
    validate=_validate,
    generate_value=_even_numbers,
    fault=_odd,
)


def _add_up(argument, fields):
    assert set(argument["of"]) <= set(fields)  # the object's field strategies, for keywords that draw more

    def arrange(draw, value):
        value[argument["total"]] = sum(value.get(name, 0) for name in argument["of"])

    return arrange


def _wrong_total(argument, value, site):
    if isinstance(value, dict) and argument["total"] in value:
        yield Fault((argument["total"],), lambda total: total + 1)


TOTAL = Keyword(
    name="x-test-total",
    summary="a total is not the sum of its parts",
    validate=_validate,
    instance_type="object",
    arrange=_add_up,
    fault=_wrong_total,
    entangled_fields=lambda argument: [argument["total"]],
)


def _register(monkeypatch):
    monkeypatch.setattr(generate, "REGISTRY", {**REGISTRY, EVEN.name: EVEN, TOTAL.name: TOTAL})


def _walker():
    walker = faults._Mutations.__new__(faults._Mutations)  # no validator: only keyword_faults is asked
    walker._nodes = {}
    return walker


def test_a_value_keyword_generates_its_values_and_its_fault(monkeypatch):
    _register(monkeypatch)
    node = Node(types={"integer"}, keywords={EVEN.name: True})

    @given(generate._Builder(None, request=True).node(node))
    def check(number):
        assert number % 2 == 0

    check()
    found: list = []
    assert _walker().keyword_faults(node, 4, ("count",), found, set())
    assert [mutation.apply({"count": 4}) for mutation in found] == [({"count": 5}, "/count", EVEN.name)]


def test_an_object_keyword_arranges_the_drawn_object_and_breaks_it(monkeypatch):
    _register(monkeypatch)
    integer = [({"type": "integer", "minimum": 0, "maximum": 9}, None)]
    argument = {"of": ["a", "b"], "total": "sum"}
    node = Node(types={"object"}, properties={"a": integer, "b": integer}, required={"a", "b"},
                keywords={TOTAL.name: argument})
    assert generate._implied_types(Node(keywords={TOTAL.name: argument})) == {"object"}  # its instance_type

    @given(generate._Builder(None, request=True).node(node))
    def check(value):
        assert value["sum"] == value["a"] + value["b"]

    check()
    assert faults._entangled_fields(node) == {"sum"}
    found: list = []
    _walker().keyword_faults(node, {"a": 1, "b": 2, "sum": 3}, (), found, set())
    assert [mutation.apply({"a": 1, "b": 2, "sum": 3}) for mutation in found] == [
        ({"a": 1, "b": 2, "sum": 4}, "/sum", TOTAL.name)
    ]

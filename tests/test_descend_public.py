"""The kept-validator walk (``engine.descend``) made through jsonschema's public API only.

It cannot hand jsonschema a resolver (that is private), so it rebuilds a subschema's
validator on the resource a ``$ref`` lands in, and falls back to jsonschema's own
``descend`` where it cannot (a resource without an ``$id``, a ``$dynamicRef``). Each
case here crosses one of those lines and must yield exactly the stock walk's errors.
"""

from __future__ import annotations

import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from invoicespec.engine.descend import compile_root, resolver_of
from invoicespec.engine.validator import _jsonschema_classes

from test_report_walk import REFERENCE, shape

DOCUMENTS = {
    "urn:a": {
        "$id": "urn:a", "type": "object",
        "properties": {
            "x": {"$ref": "urn:b#/$defs/x"},
            "y": {"$ref": "urn:b"},
            "z": {"$id": "urn:z", "properties": {"w": {"$ref": "#/$defs/w"}}, "$defs": {"w": {"type": "integer"}}},
            "plain": {"$ref": "urn:plain"},
            "extra": {"additionalProperties": {"$ref": "urn:b#/$defs/s"}},
        },
    },
    "urn:b": {
        "$id": "urn:b",
        "$defs": {
            "x": {"not": {"$ref": "#/$defs/s"}, "anyOf": [{"$ref": "#/$defs/s"}, {"type": "integer"}]},
            "s": {"type": "string", "minLength": 2},
        },
        "properties": {"k": {"$ref": "#/$defs/s"}, "n": {"if": {"$ref": "#/$defs/s"}, "then": {"maxLength": 3}}},
    },
    "urn:a-dynamic": {"$id": "urn:a-dynamic", "properties": {"dyn": {"$ref": "urn:d"}, "x": {"$ref": "urn:b#/$defs/x"}}},
    "urn:d": {"$id": "urn:d", "$dynamicAnchor": "node", "type": "array", "items": {"$dynamicRef": "#node"}},
    "urn:plain": {"properties": {"q": {"$ref": "urn:b#/$defs/s"}}},  # registered without an $id of its own
}
REGISTRY = Registry().with_resources((uri, DRAFT202012.create_resource(d)) for uri, d in DOCUMENTS.items())
INSTANCES = [
    {"x": "str"}, {"x": 1.5}, {"x": "s"}, {"y": {"k": 1, "n": "long one"}}, {"z": {"w": "a"}},
    {"dyn": [[1], "a", [[{}]]], "x": 1.5}, {"plain": {"q": 1}}, {"extra": {"a": 1, "b": "c"}},
    {"x": [], "y": {"k": "a"}, "z": {"w": 1.5}, "plain": {"q": "b"}},
]


@pytest.mark.parametrize("root", ["urn:a", "urn:a-dynamic"])
@pytest.mark.parametrize("flavour", [0, 1], ids=["request", "response"])
@pytest.mark.parametrize("instance", INSTANCES, ids=range(len(INSTANCES)))
def test_the_kept_walk_yields_the_stock_walks_errors(root, flavour, instance):
    cls = _jsonschema_classes()[flavour]
    ours = compile_root(cls, DOCUMENTS[root], REGISTRY, None)
    stock = REFERENCE[flavour](DOCUMENTS[root], registry=REGISTRY)
    found = [shape(error) for error in ours.iter_errors(instance)]
    assert found == [shape(error) for error in stock.iter_errors(instance)]
    assert [shape(error) for error in ours.iter_errors(instance)] == found  # again, from the kept validators


def test_a_ref_into_another_document_keeps_a_validator_rebuilt_there():
    from invoicespec.engine import descend

    root = compile_root(_jsonschema_classes()[0], DOCUMENTS["urn:a"], REGISTRY, None)
    assert list(root.iter_errors({"x": 1.5, "y": {"k": 1}}))
    target = DOCUMENTS["urn:b"]["$defs"]["x"]
    kept = [made for (made, _), _ in descend._EVOLVED.values() if made is not descend._CANNOT and made.schema is target]
    assert kept and resolver_of(kept[0]).lookup("#/$defs/s").contents is DOCUMENTS["urn:b"]["$defs"]["s"]


def test_a_root_knows_its_resolver_and_others_do_not():
    cls = _jsonschema_classes()[0]
    root = compile_root(cls, DOCUMENTS["urn:a"], REGISTRY, None)
    assert resolver_of(root).lookup("urn:b#/$defs/s").contents == {"type": "string", "minLength": 2}
    with pytest.raises(LookupError):
        resolver_of(cls(DOCUMENTS["urn:a"], registry=REGISTRY))

"""Shared helpers: pinning one error exactly, and where the test data lives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import invoicespec

# Hypothesis profiles: "ci" (the default) keeps the whole run to a couple of minutes on 2 cores; "deep" is
# for local runs before a release: python3 -m pytest --hypothesis-profile=deep
settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

pytest_plugins = ["pytester"]

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXAMPLES = TESTS / "examples"


def schema_nodes(operation, part):
    """Every location of a part's schema, flattened, each once, with the variants of each choice
    walked: ``(node, the fields the enclosing variants tell apart by value)``. A discriminator's own
    ``const``/``enum`` is not walked into (it is the variants' business)."""
    from invoicespec.catalog.nodes import choose, flatten
    from invoicespec.testing.faults import value_discriminators

    inner = invoicespec.validator(operation, part)._jsonschema
    stack, seen = [([(inner.schema, inner._resolver)], frozenset(), frozenset())], set()
    while stack:
        subs, consumed, discriminators = stack.pop()
        key = (tuple(id(s) for s, _ in subs), consumed)
        if key in seen:
            continue
        seen.add(key)
        node = flatten(subs, consumed)
        yield node, discriminators
        if node.choices:
            choice = node.choices[0]
            named = discriminators | {found.name for found in value_discriminators(choice)}
            stack.extend((*choose(subs, consumed, choice, i), named) for i in range(len(choice.alternatives)))
            continue
        for name, field_subs in node.properties.items():
            if not (name in discriminators and flatten(field_subs).enum is not None):
                stack.append((field_subs, frozenset(), frozenset()))
        if node.items:
            stack.append((node.items, frozenset(), frozenset()))


def assert_only_error(errors, path, keyword, message=None):
    """Exactly one error, at ``path`` with ``keyword`` (and ``message`` when given)."""
    assert len(errors) == 1, f"expected one error, got {[e.to_dict() for e in errors]}"
    (error,) = errors
    assert (error.path, error.keyword) == (path, keyword), error.to_dict()
    if message is not None:
        assert error.message == message


@pytest.fixture()
def getbill():
    """A valid minimal GetBill request body (a new dict each time)."""
    return {
        "firstname": "Marie",
        "lastname": "Durand",
        "email": "marie.durand@example.fr",
        "amount": 89.9,
        "currency": "EUR",
    }


@pytest.fixture()
def getbill_validator():
    return invoicespec.validator("getbill.create_debt")

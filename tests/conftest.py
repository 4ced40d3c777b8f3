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

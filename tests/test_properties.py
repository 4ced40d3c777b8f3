"""Properties over arbitrary JSON: no public call raises (but InvalidPayload) or changes its input."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

import invoicespec

ALL_PARTS = [(op, part) for op in invoicespec.operations() for part in invoicespec.parts(op)]

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)
# Objects shaped like a request: real field names, arbitrary values.
FIELDS = sorted({name for op, part in ALL_PARTS
                 for name in invoicespec.validator(op, part).schema.get("properties", {})})
shaped = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=12)


def _check(operation, part, value):
    validator = invoicespec.validator(operation, part)
    before = copy.deepcopy(value)
    errors = validator.errors(value)
    assert validator.is_valid(value) is (not errors)
    for error in errors:
        assert error.keyword in invoicespec.KEYWORDS
        assert error.path == "" or error.path.startswith("/")
        assert len(error.message) < 400
    try:
        normalized = validator.normalize(value)
    except invoicespec.InvalidPayload as invalid:
        assert list(invalid.errors) == errors
    else:
        assert not errors
        assert validator.normalize(normalized) == normalized
    assert value == before


@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
@given(value=json_values | shaped)
def test_arbitrary_json_never_raises_or_mutates(operation, part, value):
    _check(operation, part, value)

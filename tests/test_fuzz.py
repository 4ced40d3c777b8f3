"""The fuzz suite at a small budget: hostile payloads for every part of every operation (see ``hostile.py``).

``python3 tools/fuzz.py --minutes M --seed S`` runs the same properties for as long as it is given.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import ALL_PARTS, check_part, hostile


# Examples per part: the Hypothesis profile's (25 in the "ci" profile: 1,100 payloads over 44 parts, about ten
# seconds; 500 in "deep").
@pytest.mark.parametrize(("operation", "part"), ALL_PARTS)
@settings(deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_hostile_payloads(operation, part, data):
    check_part(operation, part, data.draw(hostile(operation, part), label="payload"))

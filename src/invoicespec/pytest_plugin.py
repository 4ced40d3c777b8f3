"""pytest plugin: invoicespec's strategies and samples as fixtures (the ``pytest11`` entry point).

Installed with invoicespec, it is active in every pytest run; importing it imports
pytest and nothing else. The library, its schemas and Hypothesis load only when a
test asks for one of these fixtures:

``invoicespec_strategies``
    The :mod:`invoicespec.strategies` module (``payloads``, ``faults``), session-scoped
    so it can be used inside ``@given`` tests with ``st.data()``.

``invoicespec_samples``
    A function ``(operation, part="request", count=10, faults=False)`` that returns
    ``count`` drawn payloads (or ``(payload, path, keyword)`` faults). The draws are
    derandomized: the same list every run, for tests that are not Hypothesis tests.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def invoicespec_strategies() -> Any:
    """The ``invoicespec.strategies`` module."""
    import invoicespec.strategies

    return invoicespec.strategies


@pytest.fixture(scope="session")
def invoicespec_samples() -> Any:
    """A function returning a fixed list of drawn payloads (or faults) for an operation part."""
    import invoicespec.strategies
    from hypothesis import HealthCheck, Phase, given, settings

    def samples(operation: str, part: str = "request", count: int = 10, faults: bool = False) -> list[Any]:
        strategy = (invoicespec.strategies.faults if faults else invoicespec.strategies.payloads)(operation, part)
        drawn: list[Any] = []

        @settings(max_examples=count, derandomize=True, database=None, deadline=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(value: Any) -> None:
            drawn.append(value)

        collect()
        return drawn[:count]

    return samples

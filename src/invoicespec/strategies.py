"""Hypothesis strategies for every operation part: valid payloads, and payloads with one fault.

    from hypothesis import given
    from invoicespec.strategies import payloads, faults

    @given(payloads("getbill.create_debt"))
    def test_my_client_accepts_every_valid_debt(debt): ...

    @given(faults("getbill.create_debt"))
    def test_my_client_reports_the_fault(fault):
        payload, path, keyword = fault
        ...

Valid payloads are built by construction from the schema and every custom
keyword, never by filtering random data: the later of two ordered dates is the
earlier plus a non-negative delta, phone numbers are real numbers of their
regions written as people type them, IBANs carry correct check digits, decimal
numbers respect their digit limits (and reach them), unique keys are unique,
fields that must be equal across items are, references name existing items,
ranks run 1..n. Optional fields are present or absent; examples shrink towards
the schema's minimal payload. Only public Hypothesis APIs are used.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "invoicespec.strategies needs Hypothesis: pip install 'invoicespec[testing]'"
    ) from error

import invoicespec
from invoicespec.testing.generate import _as_url_text, _Builder, _vary_header_case
from invoicespec.testing.faults import _COMMON_KINDS, _Mutations
from invoicespec.engine.descend import resolver_of
from invoicespec.engine.validator import kind_of

__all__ = ["faults", "payloads", "strategy_of"]


def payloads(operation: str, part: str = "request") -> st.SearchStrategy[Any]:
    """A strategy of valid instances of one part of an operation.

    Raises :class:`~invoicespec.UnknownOperation` or :class:`~invoicespec.UnknownPart`
    at once for names that do not exist.
    """
    validator = invoicespec.validator(operation, part)
    return _payloads(validator.operation, validator.part)


@lru_cache(maxsize=None)
def _payloads(operation: str, part: str, rich: bool = False) -> st.SearchStrategy[Any]:
    """Valid payloads; ``rich`` ones carry every optional field (to reach every rule, in tests)."""
    return strategy_of(invoicespec.validator(operation, part), rich=rich)


def strategy_of(validator: invoicespec.Validator, rich: bool = False) -> st.SearchStrategy[Any]:
    """Valid instances of ``validator``'s part, for a validator of any catalog (the mock's ``--schemas``)."""
    inner = validator._jsonschema
    part = validator.part
    builder = _Builder(inner, request=part.startswith("request"), rich=rich)
    strategy = builder.build([(inner.schema, resolver_of(inner))])
    kind = kind_of(part)
    if kind == "headers":
        strategy = strategy.flatmap(_vary_header_case)
    elif kind == "path":
        strategy = strategy.map(_as_url_text)
    return strategy


def faults(operation: str, part: str = "request") -> st.SearchStrategy[tuple[Any, str, str]]:
    """A strategy of ``(instance, expected_path, keyword)``: a valid instance with one constraint broken.

    The instance is drawn from :func:`payloads`, then one of the mutations its schema
    allows is applied: a required field removed, an enum value replaced, a wrong
    type, a string too short or too long or off its pattern or format, a number out
    of bounds or over its digit limits, a phone made too short, an IBAN checksum
    broken, two dates swapped, a unique key repeated, a field that must be equal
    across items changed, a reference left dangling, a gap in ranks, an unknown or
    read-only field added, ... The validator reports ``keyword`` at ``expected_path``
    (a JSON Pointer), and nowhere else. For a part that accepts any JSON value, the
    fault is a value that is not JSON (NaN).
    """
    validator = invoicespec.validator(operation, part)
    return _faults(validator.operation, validator.part)


@lru_cache(maxsize=None)
def _faults(operation: str, part: str) -> st.SearchStrategy[tuple[Any, str, str]]:
    validator = invoicespec.validator(operation, part)
    walker = _Mutations(validator)

    def pick(payload: Any) -> st.SearchStrategy[tuple[Any, str, str]]:
        by_keyword = walker.usable(payload)
        # The kind of constraint first, then where: every kind is drawn, not mostly `type`. The
        # library's own keywords come first (Hypothesis favours early choices, and shrinks to them).
        kinds = sorted(by_keyword, key=lambda k: (not k.startswith("x-"), k in _COMMON_KINDS, k))
        return st.sampled_from(kinds).flatmap(
            lambda keyword: st.sampled_from(by_keyword[keyword])
        ).map(lambda mutation: mutation.apply(payload))

    return _payloads(operation, part).flatmap(pick)

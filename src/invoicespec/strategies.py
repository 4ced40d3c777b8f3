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
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from invoicespec._contracts import Catalog
    from invoicespec.engine.validator import Validator

__all__ = ["faults", "payloads", "strategy_of"]


def _validator(operation: str, part: str, catalog: Catalog | None) -> Validator:
    return invoicespec.validator(operation, part) if catalog is None else catalog.validator(operation, part)


def payloads(operation: str, part: str = "request", *, catalog: Catalog | None = None) -> st.SearchStrategy[Any]:
    """A strategy of valid instances of one part of an operation (of ``catalog``, by default the shipped one:
    pass the one :func:`invoicespec.load_catalog` gave for operations of your own).

    Raises :class:`~invoicespec.UnknownOperation` or :class:`~invoicespec.UnknownPart`
    at once for names that do not exist.
    """
    validator = _validator(operation, part, catalog)
    return _payloads(validator.operation, validator.part, catalog=catalog)


@lru_cache(maxsize=None)
def _payloads(operation: str, part: str, rich: bool = False, catalog: Catalog | None = None) -> st.SearchStrategy[Any]:
    """Valid payloads; ``rich`` ones carry every optional field (to reach every rule, in tests)."""
    return strategy_of(_validator(operation, part, catalog), rich=rich)


def strategy_of(validator: Validator, rich: bool = False) -> st.SearchStrategy[Any]:
    """Valid instances of ``validator``'s part, for a validator of any catalog (the mock's ``--schemas``)."""
    inner = validator._jsonschema
    part = validator.part
    builder = _Builder(inner, request=part.startswith("request"), rich=rich)
    strategy = builder.build([(inner.schema, resolver_of(inner))])
    if _ungenerated_keywords(inner):  # values drawn without that keyword's rule: keep those that hold it
        strategy = strategy.filter(validator.is_valid)
    kind = kind_of(part)
    if kind == "headers":
        strategy = strategy.flatmap(_vary_header_case)
    elif kind == "path":
        strategy = strategy.map(_as_url_text)
    return strategy


def _ungenerated_keywords(inner: Any) -> set[str]:
    """The keywords of your own that the part's schemas use and that have no generator (``generate_value``,
    ``arrange`` or ``unique_key``): the strategies then filter through the validator."""
    from invoicespec.catalog.load import reachable
    from invoicespec.keywords.registry import REGISTRY, SHIPPED

    ungenerated = {name for name, keyword in REGISTRY.items() if name not in SHIPPED
                   and keyword.generate_value is None and keyword.arrange is None and keyword.unique_key is None}
    if not ungenerated:
        return set()
    return {name for schema, _ in reachable([(inner.schema, resolver_of(inner))]) for name in ungenerated & set(schema)}


def faults(
    operation: str, part: str = "request", *, catalog: Catalog | None = None,
) -> st.SearchStrategy[tuple[Any, str, str]]:
    """A strategy of ``(instance, expected_path, keyword)``: a valid instance with one constraint broken.

    The instance is drawn from :func:`payloads`, then one of the mutations its schema
    allows is applied: a required field removed, an enum value replaced, a wrong
    type, a string too short or too long or off its pattern or format, a number out
    of bounds or over its digit limits, a phone made too short, an IBAN checksum
    broken, two dates swapped, a unique key repeated, a field that must be equal
    across items changed, a reference left dangling, a gap in ranks, an unknown or
    read-only field added, a variant's discriminator given a value no variant takes
    (reported as ``type`` or ``enum`` at the field), ... The validator reports ``keyword`` at ``expected_path``
    (a JSON Pointer), and nowhere else. For a part that accepts any JSON value, the
    fault is a value that is not JSON (NaN). ``catalog`` as for :func:`payloads`.
    """
    validator = _validator(operation, part, catalog)
    return _faults(validator.operation, validator.part, catalog)


@lru_cache(maxsize=None)
def _faults(operation: str, part: str, catalog: Catalog | None = None) -> st.SearchStrategy[tuple[Any, str, str]]:
    validator = _validator(operation, part, catalog)
    walker = _Mutations(validator)

    def pick(payload: Any) -> st.SearchStrategy[tuple[Any, str, str]]:
        by_keyword = walker.usable(payload)
        # The kind of constraint first, then where: every kind is drawn, not mostly `type`. The
        # library's own keywords come first (Hypothesis favours early choices, and shrinks to them).
        kinds = sorted(by_keyword, key=lambda k: (not k.startswith("x-"), k in _COMMON_KINDS, k))
        return st.sampled_from(kinds).flatmap(
            lambda keyword: st.sampled_from(by_keyword[keyword])
        ).map(lambda mutation: mutation.apply(payload))

    return _payloads(operation, part, catalog=catalog).flatmap(pick)

"""``x-iban``: The string is an IBAN (ISO 13616): known country, length and structure for that country, and
mod-97 check digits, checked with `schwifty`. Spaces and lower case are accepted; normalized to the compact
upper-case form. Messages never quote more than the first four characters of the input.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.catalog.nodes import Node
    from invoicespec.testing.faults import Site

# Countries whose IBANs the strategies draw: a spread of lengths and structures.
_COUNTRIES = ("FR", "DE", "GB", "ES", "NL", "BE", "IT", "SE", "NO", "FI", "AT", "CH", "PL", "PT", "IE", "DK")


def validate(validator, enabled: bool, instance: Any, schema: dict) -> Errors:
    result = rules.check_iban(instance) if enabled else None
    if result is not None and result.problem is not None:
        yield error(result.message)


def generate_value(enabled: bool, node: Node, type_name: str) -> Any:
    return valid_ibans() if enabled is True and type_name == "string" else None


@lru_cache(maxsize=None)
def valid_ibans() -> Any:
    """A strategy of valid IBANs of several countries, compact or spaced, upper or lower case."""
    from hypothesis import strategies as st
    from schwifty import IBAN

    countries = st.sampled_from(_COUNTRIES)
    seeds = st.integers(0, 2 ** 32 - 1)  # one choice, where st.randoms() would draw one per call
    forms = st.sampled_from([str, _spaced, str.lower, lambda text: _spaced(text).lower()])

    @st.composite
    def draw_iban(draw: Any) -> str:
        compact = str(IBAN.random(country_code=draw(countries), random=random.Random(draw(seeds))))
        return draw(forms)(compact)

    return draw_iban()


def _spaced(compact: str) -> str:
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def fault(enabled: bool, value: Any, site: Site) -> Iterator[Fault]:
    if enabled is True and isinstance(value, str):
        # The same text with its check digits off by one: only the mod-97 check can catch it.
        compact = value.replace(" ", "").upper()
        broken = compact[:2] + f"{(int(compact[2:4]) + 1) % 100:02d}" + compact[4:]
        yield Fault((), lambda _: broken)


KEYWORD = Keyword(
    name="x-iban",
    summary="the IBAN is not valid",
    validate=validate,
    instance_type="string",
    generate_value=generate_value,
    fault=fault,
)

"""``x-iban``: the string is an IBAN (normalized to its compact upper-case form).

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.catalog.nodes import Node
    from invoicespec.testing.faults import Site

# Countries whose IBANs the strategies draw: a spread of lengths and structures.
_COUNTRIES = ("FR", "DE", "GB", "ES", "NL", "BE", "IT", "SE", "NO", "FI", "AT", "CH", "PL", "PT", "IE", "DK")


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "The string is an IBAN (ISO 13616): known country, length and structure for that country, and mod-97 check "
        "digits, checked with `schwifty`. Spaces and lower case are accepted; normalized to the compact upper-case "
        "form. Messages never quote more than the first four characters of the input."
    ),
    "const": True,
}


def validate(validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]) -> Errors:
    result = rules.check_iban(instance) if enabled else None
    if result is not None and result.problem is not None and result.message is not None:
        yield error(result.message)


def normalize(enabled: bool, value: Any) -> Any:
    """The compact upper-case form."""
    result = rules.check_iban(value) if enabled is True else None
    return result.compact if result is not None and result.compact is not None else value


# -- the OpenAPI export -------------------------------------------------------------------------------

#: The shape of an IBAN as the rule accepts it: two letters, two check digits, 11 to 30 more letters or
#: digits (15 to 34 in all, ISO 13616's bounds), spaces anywhere, either case.
IBAN_PATTERN = r"^ *[A-Za-z] *[A-Za-z] *[0-9] *[0-9]( *[A-Za-z0-9]){11,30} *$"
IBAN_MAX_LENGTH = 64


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """A ``pattern`` of the IBAN's shape, plus a description of what only a program checks."""
    from invoicespec.outputs.openapi import with_constraint, with_note  # only the export needs them

    result = with_constraint(dict(schema), "pattern", IBAN_PATTERN)
    result = with_constraint(result, "maxLength", IBAN_MAX_LENGTH)
    return with_note(result, (
        "IBAN (`x-iban`): the `pattern` checks the shape (country letters, two check digits, 11 to 30 letters or "
        "digits; spaces and lower case accepted). invoicespec also checks, with schwifty, that the country is "
        "known, the length and account structure are that country's, and the mod-97 check digits are right; "
        "the value is normalized to compact upper case."
    ))


# -- the reference (docs) ---------------------------------------------------------------------------


# Inputs that make the IBAN checker give each of its messages; the reference quotes what it answers, so the
# documented messages are always the checker's own.
_SAMPLES = (
    ("characters other than letters, digits and spaces", "FR14-2004"),
    ("an unknown country code", "XX82 1234 5678"),
    ("a length that does not fit the country", "FR14 2004 1010 0505 0001 3M02 60"),
    ("check digits that do not match", "FR15 2004 1010 0505 0001 3M02 606"),
    ("an account part that does not fit the country's format", "DE89 3704 0044 0532 0130 0A"),
)


def constraint(enabled: bool) -> str | None:
    return "IBAN (`x-iban`)" if enabled is True else None


def describe(enabled: bool, path: str) -> list[tuple[str, tuple[str, ...]]]:
    if enabled is not True:
        return []
    return [("an IBAN (ISO 13616): known country, the country's length and structure, mod-97 check digits; spaces "
             "and lower case are accepted, normalized to compact upper case; messages quote at most the first "
             "four characters", ())]


def template_globals() -> dict[str, Any]:
    """(cause, sample, message) of each message, for the reference's IBAN section."""
    found = []
    for cause, sample in _SAMPLES:
        result = rules.check_iban(sample)
        if result is not None and result.message:
            found.append((cause, sample, result.message))
    return {"IBAN_MESSAGES": tuple(found)}


class IbanCheck:
    """The keyword for verdicts: the rule (``check_iban``, cached) without building a message."""

    __slots__ = ("enabled",)

    def __init__(self, parent_schema: dict[str, Any], value: bool, schema_path: list[Any]) -> None:
        self.enabled = value

    def validate(self, instance: Any) -> None:
        result = rules.check_iban(instance) if self.enabled else None
        if result is not None and result.problem is not None:
            raise ValueError(result.problem)


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
        form: Callable[[str], str] = draw(forms)
        return form(compact)

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
    normalize=normalize,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    openapi_summary=(3, "IBANs (`x-iban`)", "get a `pattern` of the characters they accept"),
    docs_rules=describe,
    docs_constraint=constraint,
    docs_section="ibans",
    docs_globals=template_globals,
    docs_order=10,
    check=IbanCheck,
    instance_type="string",
    generate_value=generate_value,
    fault=fault,
)

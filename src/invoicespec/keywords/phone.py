"""``x-phone``: The string is a phone number, parsed with `phonenumbers` (national numbers in `defaultRegion`)
and reported with GetBill's five messages: "phone number too short", "phone number too long", "invalid country
code", "number format is not valid", "number not registered in carrier database". Only digits, one leading `+`
and the separators space ( ) . - / are accepted, so invisible and control characters are refused. Normalized
to E.164.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Fault, Keyword, error
from invoicespec.rules.phones import example_numbers

if TYPE_CHECKING:
    from invoicespec.catalog.nodes import Node
    from invoicespec.testing.faults import Site


def validate(validator, options: dict, instance: Any, schema: dict) -> Errors:
    result = rules.check_phone(instance, options.get("defaultRegion"))
    if result is not None and result.problem is not None:
        yield error(result.message)


def generate_value(options: dict, node: Node, type_name: str) -> Any:
    return valid_numbers(options.get("defaultRegion")) if type_name == "string" else None


@lru_cache(maxsize=None)
def valid_numbers(default_region: str | None) -> Any:
    """A strategy of real numbers of many regions (the default region's first, so examples shrink to
    them), written in the forms people type."""
    import phonenumbers
    from hypothesis import strategies as st

    every = example_numbers()
    home = [pair for pair in every if pair[0] == default_region]
    # People mostly type numbers of the default region (and only those may be written nationally).
    numbers = st.one_of(st.sampled_from(home), st.sampled_from(every)) if home else st.sampled_from(every)
    endings = st.integers(0, 99)
    forms_of = st.integers(0, 3)

    @st.composite
    def draw_phone(draw: Any) -> str:
        region, number = draw(numbers)
        varied = phonenumbers.PhoneNumber(
            country_code=number.country_code,
            national_number=number.national_number // 100 * 100 + draw(endings),
            italian_leading_zero=number.italian_leading_zero,
        )
        if phonenumbers.is_valid_number(varied) and phonenumbers.region_code_for_number(varied) == region:
            number = varied
        forms = [
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        ]
        if region == default_region:  # national forms only mean this region
            forms.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
            forms.append(phonenumbers.national_significant_number(number))
        text = forms[draw(forms_of) % len(forms)]
        result = rules.check_phone(text, default_region)
        return text if result is not None and result.problem is None else forms[0]

    return draw_phone()


def fault(options: dict, value: Any, site: Site) -> Iterator[Fault]:
    if isinstance(value, str):
        # Too short whatever the region: two national digits, or a country code and two digits.
        short_number = "12" if options.get("defaultRegion") else "+3361"
        yield Fault((), lambda _: short_number)


KEYWORD = Keyword(
    name="x-phone",
    summary="the phone number is not valid (GetBill's five messages)",
    validate=validate,
    instance_type="string",
    generate_value=generate_value,
    fault=fault,
)

"""``x-phone``: the string is a phone number as people type it (normalized to E.164).

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
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


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "The string is a phone number, parsed with `phonenumbers` (national numbers in `defaultRegion`) and reported "
        "with GetBill's five messages: "
        '"phone number too short", "phone number too long", "invalid country code", "number format is not valid", '
        '"number not registered in carrier database". Only digits, one leading `+` and the separators space '
        "( ) . - / are accepted, so invisible and control characters are refused. Normalized to E.164."
    ),
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "defaultRegion": {
            "description": "ISO 3166-1 alpha-2 region used for numbers written without a `+` and country code.",
            "type": "string",
            "pattern": "^[A-Z]{2}$",
        },
    },
}


def validate(validator: Any, options: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
    result = rules.check_phone(instance, options.get("defaultRegion"))
    if result is not None and result.problem is not None and result.message is not None:
        yield error(result.message)


def argument_problems(options: dict[str, Any], schema: dict[str, Any]) -> Iterator[str]:
    region = options.get("defaultRegion")
    if region is not None and not rules.is_region(region):
        yield f"phonenumbers has no region {region!r}"


def normalize(options: dict[str, Any], value: Any) -> Any:
    """E.164."""
    result = rules.check_phone(value, options.get("defaultRegion"))
    return result.e164 if result is not None and result.e164 is not None else value


# -- the OpenAPI export -------------------------------------------------------------------------------

#: The characters the rule accepts (digits, one leading ``+``, separators), with at least one digit.
PHONE_PATTERN = r"^\+?[0-9 ().\-/]*[0-9][0-9 ().\-/]*$"
#: The rule reads at most this many characters (longer is "phone number too long").
PHONE_MAX_LENGTH = 64


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """A description, and a pattern of the accepted characters when none is given.

    A schema that already has a ``pattern`` (the E.164 form) keeps it. Otherwise no
    E.164 pattern is added, since national forms are accepted; the added pattern and
    ``maxLength`` are necessary conditions (only these characters, at least one
    digit), and validity for the country is described.
    """
    from invoicespec.outputs.openapi import with_constraint, with_note  # only the export needs them

    region = schema["x-phone"].get("defaultRegion")
    result = dict(schema)
    if "pattern" in schema:
        how = "It must also be a number that libphonenumber considers valid for its country."
    else:
        result = with_constraint(result, "pattern", PHONE_PATTERN)
        result = with_constraint(result, "maxLength", PHONE_MAX_LENGTH)
        read = (f"national numbers (without `+`) are read as numbers of region {region}" if region
                else "numbers need a `+` and a country code")
        how = ("Any written form is accepted (spaces, `( ) . - /`), not only E.164: the `pattern` checks only "
               f"the characters; {read}.")
    messages = ", ".join(f'"{message}"' for message in rules.PHONE_MESSAGES.values())
    note = (f"Phone number (`x-phone`): validated and normalized to E.164 with libphonenumber"
            f"{f', default region {region}' if region else ''}. {how} Messages: {messages}.")
    return with_note(result, note)


# -- the reference (docs) ---------------------------------------------------------------------------


def constraint(options: dict[str, Any]) -> str:
    from invoicespec.outputs.docs.words import code  # only the reference needs it

    region = options.get("defaultRegion")
    return "phone number (`x-phone`" + (f", default region {code(region)})" if region else ")")


def describe(options: dict[str, Any], path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import code  # only the reference needs it

    region = options.get("defaultRegion")
    where = (f"numbers without `+` and a country code are read as {code(region)} numbers" if region
             else "there is no default region, so numbers must start with `+` and the country code")
    return [("a phone number as people type it (digits, one leading `+`, spaces and `( ) . - /`); "
             f"{where}; normalized to E.164; errors use GetBill's five messages", ())]


def template_globals() -> dict[str, Any]:
    """The five messages, in the order GetBill lists them, for the reference's phone section."""
    return {"PHONE_MESSAGES": tuple(rules.PHONE_MESSAGES.values())}


class PhoneCheck:
    """The keyword for verdicts: the rule (``check_phone``, cached) without building a message."""

    __slots__ = ("region",)

    def __init__(self, parent_schema: dict[str, Any], value: dict[str, Any], schema_path: list[Any]) -> None:
        self.region = value.get("defaultRegion")

    def validate(self, instance: Any) -> None:
        result = rules.check_phone(instance, self.region)
        if result is not None and result.problem is not None:
            raise ValueError(result.problem)


def generate_value(options: dict[str, Any], node: Node, type_name: str) -> Any:
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


def fault(options: dict[str, Any], value: Any, site: Site) -> Iterator[Fault]:
    if isinstance(value, str):
        # Too short whatever the region: two national digits, or a country code and two digits.
        short_number = "12" if options.get("defaultRegion") else "+3361"
        yield Fault((), lambda _: short_number)


KEYWORD = Keyword(
    name="x-phone",
    summary="the phone number is not valid (GetBill's five messages)",
    validate=validate,
    argument_problems=argument_problems,
    normalize=normalize,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    openapi_summary=(2, "phone numbers (`x-phone`)", "get a `pattern` of the characters they accept"),
    docs_rules=describe,
    docs_constraint=constraint,
    docs_section="phones",
    docs_globals=template_globals,
    docs_order=9,
    check=PhoneCheck,
    instance_type="string",
    generate_value=generate_value,
    fault=fault,
)

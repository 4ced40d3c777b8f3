"""``x-phone``: the string is a phone number as people type it (normalized to E.164).

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Keyword, error


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
    if result is not None and result.problem is not None:
        yield error(result.message)


def argument_problems(options: dict, schema: dict) -> Iterator[str]:
    region = options.get("defaultRegion")
    if region is not None and not rules.is_region(region):
        yield f"phonenumbers has no region {region!r}"


def normalize(options: dict, value: Any) -> Any:
    """E.164."""
    result = rules.check_phone(value, options.get("defaultRegion"))
    return result.e164 if result is not None and result.e164 is not None else value


KEYWORD = Keyword(
    name="x-phone",
    summary="the phone number is not valid (GetBill's five messages)",
    validate=validate,
    argument_problems=argument_problems,
    normalize=normalize,
    argument_schema=ARGUMENT_SCHEMA,
)

"""``x-digits``: a number has at most so many integral and fractional digits, counted exactly.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Keyword, error


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "The number, or the decimal string (digits, optional leading `-`, optional `.` and digits), has at most "
        "`integer` integral and `fraction` fractional digits. Counted exactly, as Java's `@Digits` does: floats from "
        "their shortest representation, strings as written, leading zeros and trailing fractional zeros not counted. "
        "A string that is not a decimal is an error."
    ),
    "type": "object",
    "required": ["integer", "fraction"],
    "additionalProperties": False,
    "properties": {
        "integer": {
            "description": "The most integral digits allowed.",
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
        },
        "fraction": {
            "description": "The most fractional digits allowed.",
            "type": "integer",
            "minimum": 0,
            "maximum": 1000,
        },
    },
}


def validate(validator: Any, limits: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
    if isinstance(instance, bool) or not isinstance(instance, int | float | Decimal | str):
        return
    count = rules.count_digits(instance)
    most_integral, most_fractional = limits["integer"], limits["fraction"]
    allowed = f"at most {most_integral} integral and {most_fractional} fractional digits"
    if count is None:
        if isinstance(instance, str):
            yield error(
                f"is not a decimal number: expected digits, an optional leading '-' and an optional "
                f"'.' with digits after it, with {allowed} (such as '1234.50')"
            )
        return
    if count.integral > most_integral or count.fractional > most_fractional:
        yield error(
            f"has {count.integral} integral and {count.fractional} fractional digits: {allowed} are allowed"
        )


KEYWORD = Keyword(
    name="x-digits",
    summary="the number has too many integral or fractional digits, or is not a decimal",
    validate=validate,
    argument_schema=ARGUMENT_SCHEMA,
)

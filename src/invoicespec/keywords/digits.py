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


# -- the OpenAPI export -------------------------------------------------------------------------------

#: Decimal strings are read up to this many characters.
DIGITS_MAX_LENGTH = 1000


def digits_pattern(integer: int, fraction: int) -> str:
    """The pattern of the decimal strings with at most ``integer``/``fraction`` significant digits.

    It is exactly the rule on strings: digits with an optional ``-`` and an optional
    ``.`` followed by digits; leading zeros of the integral part (``0*``) and trailing
    zeros of the fractional part (``0*``) are not counted.
    """
    integral = f"0*[0-9]{{1,{integer}}}"
    fractional = r"(\.0+)?" if fraction == 0 else rf"(\.[0-9]{{1,{fraction}}}0*)?"
    return f"^-?{integral}{fractional}$"


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """A ``pattern`` (and ``maxLength``) on strings, bounds and a description on numbers.

    On strings the pattern and the length are exactly the rule. On numbers the
    integral limit is exactly ``-10^integer < value < 10^integer``; JSON Schema has
    no keyword that counts fractional digits (``multipleOf`` is not equivalent on
    binary floats), so that limit is only described.
    """
    from invoicespec.outputs.openapi import may_be, with_constraint, with_note  # only the export needs them

    limits = schema["x-digits"]
    integer, fraction = limits["integer"], limits["fraction"]
    result = dict(schema)
    words = [f"At most {integer} integral and {fraction} fractional digits (`x-digits`), counted as Java's "
             "`@Digits` does: leading zeros and trailing fractional zeros do not count."]
    if may_be(schema, "string"):
        result = with_constraint(result, "pattern", digits_pattern(integer, fraction))
        result = with_constraint(result, "maxLength", DIGITS_MAX_LENGTH)
        words.append("A string must be a plain decimal (digits, an optional leading `-`, an optional `.` with "
                     "digits after it): the `pattern` states exactly that rule.")
    if may_be(schema, "number"):
        bound = 10 ** integer
        # An existing bound that is already tighter (such as `minimum: 0`) makes the added one noise.
        if not any(result.get(key, bound) < bound for key in ("maximum", "exclusiveMaximum")):
            result = with_constraint(result, "exclusiveMaximum", bound)
        if not any(result.get(key, -bound) > -bound for key in ("minimum", "exclusiveMinimum")):
            result = with_constraint(result, "exclusiveMinimum", -bound)
        words.append(f"On a number, the integral limit is the bound -10^{integer} < value < 10^{integer}; the "
                     "fractional limit has no JSON Schema equivalent (`multipleOf` is not equivalent for binary "
                     "floats), so only invoicespec checks it, on the number's shortest decimal representation.")
    return with_note(result, " ".join(words))


# -- the reference (docs) ---------------------------------------------------------------------------


def constraint(limits: dict[str, Any]) -> str:
    integer, fraction = limits["integer"], limits["fraction"]
    fractional = "no fractional digits" if fraction == 0 else f"{fraction} fractional digit" + (
        "s" if fraction != 1 else "")
    return f"digits: at most {integer} integral and {fractional}"


def describe(limits: dict[str, Any], path: str) -> list[tuple[str, tuple[str, ...]]]:
    return [("a number, or a decimal string, with " + constraint(limits).removeprefix("digits: "), ())]


KEYWORD = Keyword(
    name="x-digits",
    summary="the number has too many integral or fractional digits, or is not a decimal",
    validate=validate,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    openapi_summary=(1, "digit limits on decimal strings (`x-digits`)", "become a `pattern`"),
    docs_rules=describe,
    docs_constraint=constraint,
    docs_order=8,
)

"""``x-digits``: a number has at most so many integral and fractional digits, counted exactly.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.catalog.nodes import Node
    from invoicespec.testing.faults import Site


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


#: The most digits a native integer bound may have: a power of ten that is exact as a double, whatever
#: jsonschema-rs stores bounds as.
_NATIVE_DIGITS = 15
_EXACT_POWER = 22  # 10**22 is the largest power of ten a double holds exactly


def too_many(count: rules.DigitCount, integral: int, fractional: int) -> bool:
    """The rule: whether a count has more integral or more fractional digits than allowed."""
    return count.integral > integral or count.fractional > fractional


def validate(validator: Any, limits: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
    if isinstance(instance, bool) or not isinstance(instance, int | float | Decimal | str):
        return
    count = rules.count_digits(instance)
    most_integral, most_fractional = limits["integer"], limits["fraction"]
    allowed = f"at most {most_integral} integral and {most_fractional} fractional digits"
    if count is None:
        if isinstance(instance, str):
            yield error(
                f"the string is not a decimal number: expected digits, an optional leading '-' and an optional "
                f"'.' with digits after it, with {allowed} (such as '1234.50')"
            )
        return
    if too_many(count, most_integral, most_fractional):
        yield error(
            f"the number has {count.integral} integral and {count.fractional} fractional digits: {allowed} are allowed"
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


# -- the fast path --------------------------------------------------------------------------------


def engine_schema(limits: dict[str, Any], lean: bool = False) -> dict[str, Any]:
    """The keyword as native branches, with the rule as the last resort (floats, Decimals, huge integers).

    ``lean``: only text is checked, and :class:`DigitsCheck` runs the rule on numbers after (an ``if`` costs
    jsonschema-rs less on a number than the branches below).
    """
    integral, fractional = limits["integer"], limits["fraction"]
    text = {
        "type": "string",
        "maxLength": 1000,
        "pattern": r"^-?[0-9]+(?:\.[0-9]+)?$",
        "allOf": [{"pattern": rf"^-?0*(?:[1-9][0-9]{{0,{integral - 1}}})?(?:\.[0-9]{{0,{fractional}}}0*)?$"}],
    }
    if lean:
        return {"if": {"type": "string"}, "then": text}
    branches: list[dict[str, Any]] = [{"not": {"type": ["string", "number"]}}, text]
    if integral <= _NATIVE_DIGITS:
        branches.append({"type": "integer", "exclusiveMaximum": 10**integral, "exclusiveMinimum": -(10**integral)})
    branches.append({"x-digits": limits})
    return {"anyOf": branches}


class DigitsCheck:
    """The keyword on numbers, after a lean engine (:func:`engine_schema`) let every number through."""

    __slots__ = ("integral", "fractional", "bound")

    def __init__(self, parent_schema: dict[str, Any], value: dict[str, Any], schema_path: list[Any]) -> None:
        self.integral, self.fractional = value["integer"], value["fraction"]
        self.bound = 10**self.integral

    def inline(self, value: str, me: str) -> list[str]:
        """Integers and floats within the limits (nearly all) are decided in place.

        Each is compared with a bound of its own type: comparing a float with a wide int (or an int with a
        float) costs CPython more. Floats only up to the largest exact power of ten (see :meth:`validate`).
        """
        bound = str(self.bound) if self.integral <= 300 else f"{me}.bound"  # a literal, unless it is huge
        floats = (
            f" or {value}.__class__ is float and -1e{self.integral} < {value} < 1e{self.integral}"
            f" and round({value}, {self.fractional}) == {value}"
        ) if self.integral <= _EXACT_POWER else ""
        return [f"if not ({value}.__class__ is int and -{bound} < {value} < {bound}{floats}): {me}.validate({value})"]

    def validate(self, instance: Any) -> None:
        """A float is counted as the rule reads it, by its shortest text: below a power of ten that is no
        float, the nearest float prints as that power, of one digit more, so only the rule can tell.

        A float that rounding to the allowed fractional digits leaves unchanged has no more of them in its
        shortest text: the shortest text is the multiple of the coarsest power of ten that reads back as the
        float, and the rounded decimal is one such multiple, of a power no finer than the limit allows.
        """
        kind = type(instance)
        if kind is int or kind is float:
            if -self.bound < instance < self.bound and (
                kind is int or self.integral <= _EXACT_POWER and round(instance, self.fractional) == instance
            ):
                return  # within both limits
        elif kind is str or kind is bool or not isinstance(instance, int | float | Decimal):
            return  # text is checked by the engine; other values are not numbers
        count = rules.count_digits(instance)
        if count is not None and too_many(count, self.integral, self.fractional):
            raise ValueError("too many digits")


# -- the strategies: valid values and faults ------------------------------------------------------


def generate_value(limits: dict[str, Any], node: Node, type_name: str) -> Any:
    if type_name == "string":
        return decimal_texts(limits, node, negative=_may_be_negative(node))
    integer = type_name == "integer"
    texts = decimal_texts(
        {"integer": limits["integer"], "fraction": 0 if integer else limits["fraction"]},
        node, negative=_may_be_negative(node), float_safe=True,
    )
    return texts.map(lambda text: int(text) if "." not in text else float(text))


def _may_be_negative(node: Node) -> bool:
    floor = [b for b in (node.minimum, node.exclusive_minimum) if b is not None]
    return not floor or min(floor) < 0


def decimal_texts(limits: dict[str, Any], node: Node, *, negative: bool, float_safe: bool = False) -> Any:
    """A strategy of decimal numbers as text within the digit limits and the node's bounds, often
    exactly at the limits; ``float_safe`` ones read back as floats unchanged."""
    from hypothesis import strategies as st

    most_integral, most_fractional = limits["integer"], limits["fraction"]

    # Five choices: how many fractional and integral digits (Hypothesis favours the bounds, so the
    # limits themselves come up often), the digits of each part, and the sign.
    parts = st.tuples(
        st.integers(0, most_fractional), st.integers(0, most_integral),
        st.integers(0, 10 ** most_integral - 1), st.integers(0, 10 ** most_fractional - 1), st.booleans(),
    )

    def spell(drawn: tuple[Any, ...]) -> str:
        fractional, integral, whole, tail, minus = drawn
        if float_safe and fractional:
            integral = max(0, min(integral, 15 - fractional))  # a float keeps 15 significant digits
        whole_text = str(whole % 10 ** integral).rjust(integral, "0") if integral else "0"
        if integral:
            whole_text = str(max(int(whole_text), 10 ** (integral - 1)))  # exactly `integral` digits
        tail_text = str(tail).rjust(most_fractional, "0")[:fractional]
        if tail_text and float_safe and tail_text.endswith("0"):
            tail_text = tail_text[:-1] + "5"  # no trailing zero for a float's repr to drop
        sign = "-" if negative and minus else ""
        return sign + whole_text + ("." + tail_text if tail_text else "")

    def in_bounds(text: str) -> bool:
        value = Decimal(text)
        return not (
            (node.minimum is not None and value < Decimal(str(node.minimum)))
            or (node.maximum is not None and value > Decimal(str(node.maximum)))
            or (node.exclusive_minimum is not None and value <= Decimal(str(node.exclusive_minimum)))
            or (node.exclusive_maximum is not None and value >= Decimal(str(node.exclusive_maximum)))
        )

    return parts.map(spell).filter(in_bounds)


def fault(limits: dict[str, Any], value: Any, site: Site) -> Iterator[Fault]:
    most_integral, most_fractional = limits["integer"], limits["fraction"]
    if isinstance(value, str):
        yield Fault((), lambda _: "1" * (most_integral + 1))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield Fault((), lambda _: 10 ** most_integral)
        if 0 < most_fractional < 15:  # beyond 15 digits a float cannot carry one digit too many
            yield Fault((), lambda _: float("0." + "1" * (most_fractional + 1)))


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
    lean_check=DigitsCheck,
    engine_schema=engine_schema,
    bounds_numbers=True,
    generate_value=generate_value,
    fault=fault,
)

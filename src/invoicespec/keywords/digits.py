"""``x-digits``: The number, or the decimal string (digits, optional leading `-`, optional `.` and digits), has
at most `integer` integral and `fraction` fractional digits. Counted exactly, as Java's `@Digits` does: floats
from their shortest representation, strings as written, leading zeros and trailing fractional zeros not
counted. A string that is not a decimal is an error.
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


def validate(validator, limits: dict, instance: Any, schema: dict) -> Errors:
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


def generate_value(limits: dict, node: Node, type_name: str) -> Any:
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


def decimal_texts(limits: dict, node: Node, *, negative: bool, float_safe: bool = False) -> Any:
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

    def spell(drawn: tuple) -> str:
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


def fault(limits: dict, value: Any, site: Site) -> Iterator[Fault]:
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
    generate_value=generate_value,
    fault=fault,
)

"""Exact decimal digit counts, as Java's ``@Digits`` counts them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


_DECIMAL_STRING = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Ints wider than this have more digits than any limit the vocabulary allows, and
# str() of them could exceed Python's int-to-string limit.
_MAX_INT_BITS = 4000


@dataclass(frozen=True, slots=True)
class DigitCount:
    """How many integral and fractional digits a number has (as Java's ``@Digits`` counts them)."""

    integral: int
    fractional: int


def count_digits(value: Any) -> DigitCount | None:
    """Count the digits of a number or a decimal string; ``None`` if it is neither.

    Counting is exact: floats are read from their shortest ``repr`` (``0.1`` has one
    fractional digit, not 55), strings and ``Decimal`` as written. Leading zeros and
    trailing fractional zeros do not count (``"007.50"`` has 1 integral and 1
    fractional digit), like ``BigDecimal.stripTrailingZeros`` behind Java's
    ``@Digits``, which is what the vendors' messages describe.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            return DigitCount(integral=int(value.bit_length() * 0.30103), fractional=0)
        return DigitCount(integral=len(str(abs(value))) if value else 1, fractional=0)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = repr(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return None
        text = str(value)
    elif isinstance(value, str):
        if len(value) > 1000 or not _DECIMAL_STRING.fullmatch(value):
            return None
        text = value
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the shapes above are all valid decimals
        return None
    if number.is_zero():
        return DigitCount(integral=1, fractional=0)
    _, digits, exponent = number.normalize().as_tuple()
    scale = -int(exponent)
    return DigitCount(integral=max(len(digits) - scale, 0), fractional=max(scale, 0))

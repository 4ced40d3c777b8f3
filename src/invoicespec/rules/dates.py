"""Dates and date-times: ASCII shapes only, real calendar dates, ordered as instants when zoned."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal


_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))?"
)

TemporalKind = Literal["date", "local", "zoned"]


@dataclass(frozen=True, slots=True)
class Temporal:
    """A parsed date or date-time. ``kind`` decides what it can be compared with."""

    kind: TemporalKind
    value: _dt.date | _dt.datetime


def _date(year: str, month: str, day: str) -> _dt.date | None:
    try:
        return _dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _parse_temporal(text: str) -> Temporal | None:
    match = _DATE.fullmatch(text)
    if match:
        day = _date(*match.groups())
        return None if day is None else Temporal("date", day)
    match = _DATE_TIME.fullmatch(text)
    if not match:
        return None
    year, month, mday, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    day = _date(year, month, mday)
    if day is None or int(hour) > 23 or int(minute) > 59 or int(second) > 59:
        return None
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    moment = _dt.datetime(day.year, day.month, day.day, int(hour), int(minute), int(second), micro)
    if zulu:
        return Temporal("zoned", moment.replace(tzinfo=_dt.timezone.utc))
    if sign:
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        offset = _dt.timedelta(hours=int(off_h), minutes=int(off_m))
        zone = _dt.timezone(-offset if sign == "-" else offset)
        return Temporal("zoned", moment.replace(tzinfo=zone))
    return Temporal("local", moment)


def parse_temporal(value: Any) -> Temporal | None:
    """Parse ``YYYY-MM-DD`` or an RFC 3339 date-time (offset optional); ``None`` if it is neither.

    Only ASCII digits in exactly these shapes are accepted, and only real calendar
    dates and clock times (no leap second): ``20240101``, ``2024-W01-1``, ``2024-1-1``
    and ``2024-02-30`` are all ``None``.
    """
    if not isinstance(value, str) or len(value) > 40:
        return None
    return _parse_temporal(value)


def is_date(value: Any) -> bool:
    """True for a real calendar date written ``YYYY-MM-DD``."""
    parsed = parse_temporal(value)
    return parsed is not None and parsed.kind == "date"


def is_date_time(value: Any) -> bool:
    """True for an RFC 3339 date-time with ``Z`` or a ``±HH:MM`` offset."""
    parsed = parse_temporal(value)
    return parsed is not None and parsed.kind == "zoned"


def is_local_date_time(value: Any) -> bool:
    """True for a date-time without an offset (``1985-04-12T23:02:50``)."""
    parsed = parse_temporal(value)
    return parsed is not None and parsed.kind == "local"


def compare_temporal(earlier: Any, later: Any) -> int | None:
    """Compare two dates or date-times: -1, 0 or 1, or ``None`` when they cannot be ordered.

    Dates compare with dates, zoned date-times compare as instants whatever their
    offsets, local date-times compare with local ones. A local and a zoned value,
    or a date and a date-time, cannot be ordered, and neither can malformed values.
    """
    first, second = parse_temporal(earlier), parse_temporal(later)
    if first is None or second is None or first.kind != second.kind:
        return None
    a, b = first.value, second.value
    return (a > b) - (a < b)


def format_date_time(moment: _dt.datetime, offset: str | None, fraction: bool) -> str:
    """``moment`` (naive) written as an RFC 3339 date-time with ``offset`` (``Z``, ``+01:00``, or None for
    a local one), its microseconds written without trailing zeros when ``fraction`` holds."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction and moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + (offset or "")

"""``x-date-order``: Pairs of dates or date-times that must be in order: the value at `later` must not be before
the value at `earlier` (`relation: "<="`, the default) or must be strictly after it (`relation: "<"`). A pair
is skipped when either side is absent, null or malformed (the `format` check reports malformed values), and
when the two cannot be ordered: a date and a date-time, or a local date-time and one with an offset. Date-
times with offsets are compared as instants, whatever their offsets. The error points at `later` and names
both fields.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.rules.dates import format_date_time
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve, set_at, value_at
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


def validate(validator, pairs: list[dict], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    for pair in pairs:
        earlier, _ = resolve(instance, parse_pointer(pair["earlier"]))
        later, later_path = resolve(instance, parse_pointer(pair["later"]))
        if earlier is MISSING or later is MISSING:
            continue
        order = rules.compare_temporal(earlier, later)  # None: absent, null, malformed, or mixed kinds
        strict = pair.get("relation", "<=") == "<"
        if order is None or order < 0 or (order == 0 and not strict):
            continue
        relation = "after" if strict else "on or after"
        yield error(
            f"{pair['later'][1:]} ({later}) must be {relation} {pair['earlier'][1:]} ({earlier})",
            path=later_path, instance=later,
        )


def arrange(pairs: list[dict], fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
    from hypothesis import strategies as st

    deltas = {False: st.integers(0, 400), True: st.integers(1, 400)}  # by strictness

    def put_in_order(draw: Draw, value: Any) -> None:
        for _ in range(len(pairs) + 1):  # later dates only ever move later: a few rounds settle a chain
            for pair in pairs:
                earlier, later = value_at(value, pair["earlier"]), value_at(value, pair["later"])
                order = rules.compare_temporal(earlier, later)
                strict = pair.get("relation", "<=") == "<"
                if order is not None and (order > 0 or (order == 0 and strict)):
                    set_at(value, pair["later"], shifted(earlier, draw(deltas[strict]), like=later))

    return put_in_order


def fault(pairs: list[dict], value: Any, site: Site) -> Iterator[Fault]:
    if not isinstance(value, dict):
        return
    for pair in pairs:
        earlier, later = value_at(value, pair["earlier"]), value_at(value, pair["later"])
        if rules.compare_temporal(earlier, later) is None:
            continue  # not comparable: no change of the later one would be reported
        target = tuple(resolve(value, parse_pointer(pair["later"]))[1])
        yield Fault(target, lambda _, e=earlier, l=later: _before(e, l))


def _before(earlier: str, later: str) -> str:
    """A value written like ``later``, one day (dates) or one hour (date-times) before ``earlier``."""
    return shifted(earlier, -1 if rules.parse_temporal(earlier).kind == "date" else -60, like=later)


def shifted(earlier: str, delta: int, *, like: str) -> str:
    """``earlier`` moved ``delta`` days (dates) or minutes (date-times) later, written the way ``like`` is."""
    start = rules.parse_temporal(earlier)
    shape = rules.parse_temporal(like)
    if start.kind == "date":
        return (start.value + _dt.timedelta(days=delta)).isoformat()
    moment = start.value + _dt.timedelta(minutes=delta)
    if shape.kind == "local":
        return format_date_time(moment, None, True)
    offset = shape.value.utcoffset()
    moment = moment.astimezone(_dt.timezone(offset))
    if like.endswith(("Z", "z")):
        suffix = "Z"
    else:
        minutes = int(offset.total_seconds() // 60)
        suffix = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return format_date_time(moment.replace(tzinfo=None), suffix, True)


KEYWORD = Keyword(
    name="x-date-order",
    summary="two dates (or date-times) are in the wrong order",
    validate=validate,
    instance_type="object",
    arrange=arrange,
    fault=fault,
)

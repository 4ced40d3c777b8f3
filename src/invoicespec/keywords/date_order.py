"""``x-date-order``: pairs of dates or date-times are in order.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from invoicespec import rules
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error, relative_pointer, replace_with
from invoicespec.rules.dates import format_date_time
from invoicespec.rules.pointer import MISSING, member, parse_pointer, resolve, set_at, value_at

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "Pairs of dates or date-times that must be in order: the value at `later` must not be before the value at "
        '`earlier` (`relation: "<="`, the default) or must be strictly after it (`relation: "<"`). A pair is skipped '
        "when either side is absent, null or malformed (the `format` check reports malformed values), and when the "
        "two cannot be ordered: a date and a date-time, or a local date-time and one with an offset. Date-times with "
        "offsets are compared as instants, whatever their offsets. The error points at `later` and names both "
        "fields."
    ),
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["earlier", "later"],
        "additionalProperties": False,
        "properties": {
            "earlier": relative_pointer("JSON Pointer, relative to the object, to the date that comes first."),
            "later": relative_pointer("JSON Pointer, relative to the object, to the date that comes second."),
            "relation": {
                "description": "`<=` (later may equal earlier) or `<` (later must be strictly after earlier).",
                "enum": ["<=", "<"],
                "default": "<=",
            },
        },
    },
}


def out_of_order(earlier: Any, later: Any, strict: bool) -> bool:
    """The rule: whether ``later`` is before ``earlier`` (or equal, when ``strict``); False for values that
    cannot be ordered (absent, null, malformed, or of mixed kinds)."""
    order = rules.compare_temporal(earlier, later)
    return order is not None and (order > 0 or (order == 0 and strict))


def validate(validator: Any, pairs: list[dict[str, Any]], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, dict):
        return
    for pair in pairs:
        earlier, _ = resolve(instance, parse_pointer(pair["earlier"]))
        later, later_path = resolve(instance, parse_pointer(pair["later"]))
        if earlier is MISSING or later is MISSING:
            continue
        strict = pair.get("relation", "<=") == "<"
        if not out_of_order(earlier, later, strict):
            continue
        relation = "after" if strict else "on or after"
        yield error(
            f"{pair['later'][1:]} ({later}) must be {relation} {pair['earlier'][1:]} ({earlier})",
            path=later_path, instance=later,
        )


def object_pointers(pairs: list[dict[str, str]]) -> list[str]:
    return [pair[side] for pair in pairs for side in ("earlier", "later")]


# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """A description (JSON Schema cannot compare two values)."""
    from invoicespec.outputs.openapi import shown_field, with_note  # only the export needs them

    said = []
    for pair in schema["x-date-order"]:
        strict = pair.get("relation", "<=") == "<"
        verb = "must be after" if strict else "must not be before"
        said.append(f"{shown_field(pair['later'])} {verb} {shown_field(pair['earlier'])}")
    return with_note(schema, (
        f"Date order (`x-date-order`, checked by invoicespec only): {'; '.join(said)}. A pair is skipped when "
        "either side is absent, null or malformed, or when they cannot be ordered (a date and a date-time, or a "
        "local date-time and one with an offset); date-times with offsets compare as instants."
    ))


# -- the reference (docs) ---------------------------------------------------------------------------


def describe(pairs: list[dict[str, Any]], path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import code, relative  # only the reference needs them

    found: list[tuple[str, tuple[str, ...]]] = []
    for pair in pairs:
        words = "on or after" if pair.get("relation", "<=") == "<=" else "after"
        found.append((f"{code(relative(pair['later']))} must be {words} {code(relative(pair['earlier']))}",
                      (path + pair["earlier"], path + pair["later"])))
    return found


def facts(pairs: list[dict[str, Any]], path: str) -> list[tuple[str, Any, Any]]:
    """The edges of the reference's date diagrams: (earlier, later, relation), as absolute paths."""
    edges = [(path + pair["earlier"], path + pair["later"], pair.get("relation", "<=")) for pair in pairs]
    return [("date_orders", edge, edge) for edge in edges]


LEGEND = (
    "**Dates in order** (`x-date-order`): a pair is skipped when either date is absent, null or malformed "
    "(`format` reports malformed ones), and when the two cannot be compared (a date and a date-time, or a local "
    "date-time and one with an offset); date-times with offsets compare as instants."
)


# -- the fast path --------------------------------------------------------------------------------


def in_order(first: Any, second: Any, strict: bool) -> bool:
    """True when two values are surely in order by text alone: ISO dates or date-times of the very
    same shape (same length, same ``T``, same zone), ``first`` before ``second`` (or equal, unless
    ``strict``). False means "ask the rule": it is never an error by itself."""
    if type(first) is not str or type(second) is not str or len(first) != len(second):
        return False
    if not (first < second or (first == second and not strict)):
        return False
    if len(first) == 10:
        return True  # two dates (or text that is not a date: then nothing is checked)
    if len(first) < 19 or first[10] != second[10]:
        return False
    zone = first[-1]
    if zone in "Zz":
        return second[-1] == zone
    if first[-6] in "+-":
        return first[-6:] == second[-6:]
    return second[-1] not in "Zz" and second[-6] not in "+-"  # two local date-times


class DateOrderCheck:
    """The keyword for verdicts: the rule (:func:`out_of_order`) with the pointers read once, and
    same-shaped ISO values compared as text (:func:`in_order`)."""

    __slots__ = ("pairs",)

    def __init__(self, parent_schema: dict[str, Any], value: list[dict[str, Any]], schema_path: list[Any]) -> None:
        self.pairs = [
            (parse_pointer(pair["earlier"]), parse_pointer(pair["later"]), pair.get("relation", "<=") == "<")
            for pair in value
        ]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for earlier, later, strict in self.pairs:
            first = member(instance, earlier)
            if first is MISSING:
                continue
            second = member(instance, later)
            if second is MISSING or in_order(first, second, strict):
                continue
            if out_of_order(first, second, strict):
                raise ValueError("dates out of order")

    def inline_object(self, value: str, me: str) -> list[str]:
        """Pairs of members of the object itself (nearly all) read and compared in place."""
        if any(len(earlier) != 1 or len(later) != 1 for earlier, later, _ in self.pairs):
            return [f"{me}.validate({value})"]
        lines = []
        for earlier, later, strict in self.pairs:
            before = "<" if strict else "<="
            lines += [
                f"first = {value}.get({earlier[0]!r})",  # absent or null: nothing to compare
                "if first is not None:",
                f"    second = {value}.get({later[0]!r})",
                # two dates, or two UTC date-times of the same shape, in order: the usual case, without a call
                # (each step costs 15 to 20 ns: the length is read once, classes are compared, not type()d)
                f"    if second is None or first.__class__ is str and second.__class__ is str and first {before} second"
                " and (length := len(first)) == len(second) and (length == 10 or length >= 19"
                " and first[-1] == second[-1] == 'Z' and first[10] == second[10]): pass",
                f"    elif not in_order(first, second, {strict}):",
                f"        {me}.validate({value})",
            ]
        return lines


# -- the strategies: valid values and faults ------------------------------------------------------


def arrange(pairs: list[dict[str, Any]], fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
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


def fault(pairs: list[dict[str, Any]], value: Any, site: Site) -> Iterator[Fault]:
    if not isinstance(value, dict):
        return
    for pair in pairs:
        earlier, later = value_at(value, pair["earlier"]), value_at(value, pair["later"])
        if rules.compare_temporal(earlier, later) is None:
            continue  # not comparable: no change of the later one would be reported
        target = tuple(resolve(value, parse_pointer(pair["later"]))[1])
        yield Fault(target, replace_with(_before(earlier, later)))


def _before(earlier: str, later: str) -> str:
    """A value written like ``later``, one day (dates) or one hour (date-times) before ``earlier``."""
    parsed = rules.parse_temporal(earlier)
    return shifted(earlier, -1 if parsed is None or parsed.kind == "date" else -60, like=later)


def shifted(earlier: str, delta: int, *, like: str) -> str:
    """``earlier`` moved ``delta`` days (dates) or minutes (date-times) later, written the way ``like`` is."""
    start = rules.parse_temporal(earlier)
    shape = rules.parse_temporal(like)
    if start is None or shape is None:
        raise ValueError(f"not a date or a date-time: {earlier!r}, {like!r}")
    if start.kind == "date":
        return (start.value + _dt.timedelta(days=delta)).isoformat()
    moment = cast(_dt.datetime, start.value) + _dt.timedelta(minutes=delta)
    if shape.kind == "local":
        return format_date_time(moment, None, True)
    offset = cast(_dt.timedelta, cast(_dt.datetime, shape.value).utcoffset())
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
    argument_merge="concatenate",
    object_pointers=object_pointers,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    docs_rules=describe,
    docs_cross_field=True,
    docs_facts=facts,
    docs_legend=LEGEND,
    docs_order=1,
    check=DateOrderCheck,
    helpers={"in_order": in_order},
    instance_type="object",
    arrange=arrange,
    fault=fault,
)

"""``x-contiguous``: On an array: the integers at `field` (relative to each item) must be `start`, `start + 1`,
... with no repeat and no gap, in any order. A repeated value is reported at the item that repeats it; a gap
is reported on the array, naming the missing values. Absent and non-integer values are skipped (`required` and
`type` report them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from invoicespec.rules.pointer import parse_pointer, resolve, values_at
from invoicespec.keywords.keyword import Errors, Keyword, error


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def repeats(values: list[Any]) -> Iterator[tuple[int, int]]:
    """The rule, first half: ``(index, first)`` for each integer met before, at ``first`` (values that are
    not integers are skipped: `required` and `type` report them)."""
    seen: dict[int, int] = {}
    for index, value in enumerate(values):
        if not _integer(value):
            continue
        if value in seen:
            yield index, seen[value]
        else:
            seen[value] = index


def missing(values: list[Any], start: int) -> list[int]:
    """The rule, second half, for integers that do not repeat: the numbers from ``start`` on that they
    leave out (none when there are no integers)."""
    seen = {value for value in values if _integer(value)}
    return [number for number in range(start, start + len(seen)) if number not in seen]


def validate(validator, options: dict, instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, list):
        return
    key, start = parse_pointer(options["field"]), options.get("start", 1)
    name = options["field"][1:]
    found = [resolve(item, key) for item in instance]
    values = [value for value, _ in found]
    duplicate = False
    for index, first in repeats(values):
        duplicate = True
        value, path = found[index]
        yield error(
            f"{name} {value} is already used by item {first}: each item needs its own {name}",
            path=[index, *path], instance=value,
        )
    if duplicate:
        return
    gaps = missing(values, start)
    if gaps:
        seen = sorted(value for value in values if _integer(value))
        listed = [str(n) for n in gaps][:10]
        yield error(
            f"the {name} values must run from {start} to {start + len(seen) - 1} without gaps: "
            f"{', '.join(listed)} {'is' if len(listed) == 1 else 'are'} missing "
            f"(found {', '.join(str(n) for n in seen[:10])})",
            instance=instance,
        )


class ContiguousCheck:
    """The keyword for verdicts: the rule (:func:`repeats`, :func:`missing`) without its messages, after a
    plain loop that finds the usual array (plain objects, integers in order) valid."""

    __slots__ = ("key", "start")

    def __init__(self, parent_schema: dict, value: dict, schema_path: list) -> None:
        self.key, self.start = parse_pointer(value["field"]), value.get("start", 1)

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, list):
            return
        if len(self.key) == 1 and type(instance) is list:  # the usual case: plain objects, integers in order
            name = self.key[0]
            expected = self.start
            try:
                for item in instance:
                    found = item.get(name)
                    if found.__class__ is not int or found != expected:
                        break
                    expected += 1
                else:
                    return
            except AttributeError:  # an item that is not an object
                pass
        values = values_at(instance, self.key)
        if next(repeats(values), None) is not None or missing(values, self.start):
            raise ValueError("repeated, or not contiguous")


KEYWORD = Keyword(
    name="x-contiguous",
    summary="the numbers of an array's items repeat or leave a gap",
    validate=validate,
    check=ContiguousCheck,
)

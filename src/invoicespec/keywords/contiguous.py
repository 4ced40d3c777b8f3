"""``x-contiguous``: the numbers of an array's items run on with no repeat and no gap.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error, relative_pointer
from invoicespec.rules.pointer import parse_pointer, resolve, set_at, value_at, values_at

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "On an array: the integers at `field` (relative to each item) must be `start`, `start + 1`, ... with no "
        "repeat and no gap, in any order. A repeated value is reported at the item that repeats it; a gap is "
        "reported on the array, naming the missing values. Absent and non-integer values are skipped (`required` and "
        "`type` report them)."
    ),
    "type": "object",
    "required": ["field"],
    "additionalProperties": False,
    "properties": {
        "field": relative_pointer("JSON Pointer, relative to each item, to the integer."),
        "start": {"description": "The first value of the run.", "type": "integer", "default": 1},
    },
}


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


def validate(validator: Any, options: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
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


def item_pointers(options: dict[str, Any]) -> list[str]:
    return [options["field"]]


# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """A description (JSON Schema cannot say that numbers leave no gap)."""
    from invoicespec.outputs.openapi import shown_field, with_note  # only the export needs them

    rule = schema["x-contiguous"]
    start = rule.get("start", 1)
    return with_note(schema, (
        f"Contiguous numbering (`x-contiguous`, checked by invoicespec only): the {shown_field(rule['field'])} "
        f"values of the items must be {start}, {start + 1}, {start + 2}, ... with no repeat and no gap, in any "
        "order."
    ))


# -- the reference (docs) ---------------------------------------------------------------------------


def describe(options: dict[str, Any], path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import code, relative  # only the reference needs them

    start = options.get("start", 1)
    return [(f"the items' {code(relative(options['field']))} values must run {start}, {start + 1}, "
             f"{start + 2}, … with no repeat and no gap, in any order", (path + "/*" + options["field"],))]


# -- the fast path --------------------------------------------------------------------------------


class ContiguousCheck:
    """The keyword for verdicts: the rule (:func:`repeats`, :func:`missing`) without its messages, after a
    plain loop that finds the usual array (plain objects, integers in order) valid."""

    __slots__ = ("key", "start")

    def __init__(self, parent_schema: dict[str, Any], value: dict[str, Any], schema_path: list[Any]) -> None:
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


# -- the strategies: valid values and faults ------------------------------------------------------


def arrange(options: dict[str, Any], fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
    from hypothesis import strategies as st

    start = options.get("start", 1)

    def number_in_any_order(draw: Draw, value: Any) -> None:
        numbers = draw(st.permutations(list(range(start, start + len(value)))))
        for item, number in zip(value, numbers):
            if isinstance(item, dict):
                set_at(item, options["field"], number)

    return number_in_any_order


def fault(options: dict[str, Any], value: Any, site: Site) -> Iterator[Fault]:
    # Appends a copy of the first item numbered past the end, leaving a gap; skipped where the copy
    # would also repeat a key the items must not share, or exceed maxItems.
    if not isinstance(value, list) or not value or site.items_keyed \
            or (site.node.max_items is not None and len(value) >= site.node.max_items) \
            or not isinstance(value_at(value[0], options["field"]), int):
        return

    from invoicespec.rules.json_data import copy_json  # here: json_data imports the errors, which import the registry

    def gap(_: Any, first: Any = value[0], n: int = len(value)) -> Any:
        extra = copy_json(first)
        set_at(extra, options["field"], options.get("start", 1) + n + 1)
        return extra

    yield Fault((len(value),), gap, where=())


def entangled_fields(options: dict[str, Any]) -> list[str]:
    return [parse_pointer(options["field"])[0]]  # a changed number leaves a gap or a repeat


KEYWORD = Keyword(
    name="x-contiguous",
    summary="the numbers of an array's items repeat or leave a gap",
    validate=validate,
    item_pointers=item_pointers,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    docs_rules=describe,
    docs_cross_field=True,
    docs_order=6,
    check=ContiguousCheck,
    instance_type="array",
    arrange=arrange,
    fault=fault,
    entangled_fields=entangled_fields,
)

"""``x-contiguous``: On an array: the integers at `field` (relative to each item) must be `start`, `start + 1`,
... with no repeat and no gap, in any order. A repeated value is reported at the item that repeats it; a gap
is reported on the array, naming the missing values. Absent and non-integer values are skipped (`required` and
`type` report them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec.rules.pointer import parse_pointer, resolve, set_at, value_at
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


def validate(validator, options: dict, instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, list):
        return
    key, start = parse_pointer(options["field"]), options.get("start", 1)
    name = options["field"][1:]
    seen: dict[int, int] = {}
    duplicate = False
    for index, item in enumerate(instance):
        value, path = resolve(item, key)
        if isinstance(value, bool) or not isinstance(value, int):
            continue  # absent or not an integer: `required` and `type` report it
        if value in seen:
            duplicate = True
            yield error(
                f"{name} {value} is already used by item {seen[value]}: each item needs its own {name}",
                path=[index, *path], instance=value,
            )
        else:
            seen[value] = index
    if duplicate or not seen:
        return
    wanted = range(start, start + len(seen))
    if set(seen) != set(wanted):
        missing = [str(n) for n in wanted if n not in seen][:10]
        yield error(
            f"the {name} values must run from {start} to {wanted[-1]} without gaps: "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing "
            f"(found {', '.join(str(n) for n in sorted(seen)[:10])})",
            instance=instance,
        )


def arrange(options: dict, fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
    from hypothesis import strategies as st

    start = options.get("start", 1)

    def number_in_any_order(draw: Draw, value: Any) -> None:
        numbers = draw(st.permutations(list(range(start, start + len(value)))))
        for item, number in zip(value, numbers):
            if isinstance(item, dict):
                set_at(item, options["field"], number)

    return number_in_any_order


def fault(options: dict, value: Any, site: Site) -> Iterator[Fault]:
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


def entangled_fields(options: dict) -> list[str]:
    return [parse_pointer(options["field"])[0]]  # a changed number leaves a gap or a repeat


KEYWORD = Keyword(
    name="x-contiguous",
    summary="the numbers of an array's items repeat or leave a gap",
    validate=validate,
    instance_type="array",
    arrange=arrange,
    fault=fault,
    entangled_fields=entangled_fields,
)

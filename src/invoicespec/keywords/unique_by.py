"""``x-unique-by``: On an array of objects: the values at these JSON Pointers (relative to each item; several
pointers make one composite key) must differ from item to item. Items where a key is absent or null are
skipped (`required` reports absent fields). The error points at the repeated value and names the item that has
it first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.rules.canonical import canonical
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve, set_at, value_at
from invoicespec.keywords.keyword import Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


def validate(validator, pointers: list[str], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, list):
        return
    keys = [parse_pointer(pointer) for pointer in pointers]
    seen: dict[Any, int] = {}
    for index, item in enumerate(instance):
        values = [resolve(item, key) for key in keys]
        if any(value is MISSING or value is None for value, _ in values):
            continue  # an absent key is reported by `required`, if it is required
        key = tuple(canonical(value) for value, _ in values)
        if key not in seen:
            seen[key] = index
            continue
        shown = ", ".join(f"{pointer[1:]} {rules.short(value)}" for pointer, (value, _) in zip(pointers, values))
        first_value, first_path = values[0]
        yield error(
            f"{shown} is already used by item {seen[key]}: it must be unique within the array",
            path=[index, *first_path], instance=first_value,
        )


def unique_key(pointers: list[str]) -> Callable[[Any], Any]:
    keys = [parse_pointer(pointer) for pointer in pointers]

    def key(item: Any) -> Any:
        values = [resolve(item, k)[0] for k in keys]
        if any(v is MISSING or v is None for v in values):
            return object()  # items without the key never collide
        return tuple(canonical(v) for v in values)

    return key


def fault(pointers: list[str], value: Any, site: Site) -> Iterator[Fault]:
    if not isinstance(value, list) or not pointers:
        return
    pointer = pointers[0]  # the error is reported at the first part of the key
    if len(value) >= 2 and all(value_at(item, p) not in (MISSING, None) for item in value[:2] for p in pointers):
        def repeat(items: list) -> list:
            for p in pointers:
                set_at(items[1], p, value_at(items[0], p))
            return items
        yield Fault((), repeat, where=(1, *parse_pointer(pointer)))
    elif value and (site.node.max_items is None or len(value) < site.node.max_items) \
            and value_at(value[0], pointer) not in (MISSING, None):
        # One item, or keys not set on the first two: append a copy of the first item.
        yield Fault((len(value),), lambda _, first=value[0]: first,
                    where=(len(value), *parse_pointer(pointer)))


def entangled_fields(pointers: list[str]) -> list[str]:
    return [parse_pointer(pointer)[0] for pointer in pointers]  # a changed key may repeat another item's


KEYWORD = Keyword(
    name="x-unique-by",
    summary="two items of an array share a key that must be unique",
    validate=validate,
    instance_type="array",
    unique_key=unique_key,
    fault=fault,
    entangled_fields=entangled_fields,
)

"""``x-unique-by``: the items of an array have a unique (possibly composite) key.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.keywords.array_check import ArrayCheck
from invoicespec.keywords.keyword import Errors, Fault, Keyword, error, relative_pointer, replace_with
from invoicespec.rules.canonical import canonical
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve, set_at, value_at, values_at

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "On an array of objects: the values at these JSON Pointers (relative to each item; several pointers make one "
        "composite key) must differ from item to item. Items where a key is absent or null are skipped (`required` "
        "reports absent fields). The error points at the repeated value and names the item that has it first."
    ),
    "type": "array",
    "minItems": 1,
    "uniqueItems": True,
    "items": relative_pointer(),
}


def repeats(rows: list[Any]) -> Iterator[tuple[int, int]]:
    """The rule: ``(index, first)`` for each row of key values (all present and not null) that is the same
    as an earlier row's, first met at ``first`` (equal as JSON values)."""
    seen: dict[Any, int] = {}
    for index, values in enumerate(rows):
        if any(value is MISSING or value is None for value in values):
            continue  # an absent key is reported by `required`, if it is required
        key = tuple(canonical(value) for value in values)
        if key in seen:
            yield index, seen[key]
        else:
            seen[key] = index


def validate(validator: Any, pointers: list[str], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, list):
        return
    keys = [parse_pointer(pointer) for pointer in pointers]
    found = [[resolve(item, key) for key in keys] for item in instance]
    for index, first in repeats([[value for value, _ in values] for values in found]):
        values = found[index]
        shown = ", ".join(f"{pointer[1:]} {rules.short(value)}" for pointer, (value, _) in zip(pointers, values))
        first_value, first_path = values[0]
        yield error(
            f"{shown} is already used by item {first}: it must be unique within the array",
            path=[index, *first_path], instance=first_value,
        )


def item_pointers(pointers: list[str]) -> list[str]:
    return pointers


# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """A description (``uniqueItems`` compares whole items, not keys)."""
    from invoicespec.outputs.openapi import shown_fields, with_note  # only the export needs them

    pointers = schema["x-unique-by"]
    key = shown_fields(pointers) if len(pointers) == 1 else f"the combination of {shown_fields(pointers)}"
    return with_note(schema, (
        f"Unique key (`x-unique-by`, checked by invoicespec only): no two items may have the same {key}; items "
        "where the key is absent or null are skipped."
    ))


# -- the reference (docs) ---------------------------------------------------------------------------


def describe(pointers: list[str], path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import and_names, code, relative  # only the reference needs them

    shown = [relative(p) for p in pointers]
    what = f"{code(shown[0])}" if len(shown) == 1 else f"combination of {and_names(shown)}"
    return [(f"each item's {what} must differ from every other item's (items where it is absent or null are "
             "skipped)", tuple(path + "/*" + pointer for pointer in pointers))]


# -- the fast path --------------------------------------------------------------------------------


class UniqueByCheck(ArrayCheck):
    """The keyword for verdicts: the rule (:func:`repeats`) without its messages, after a shortcut that finds
    the usual arrays valid without canonical forms."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, list) or len(instance) < 2:
            return
        if len(self.keys) == 1:
            values: list[Any] = values_at(instance, self.keys[0])
        else:
            values = list(zip(*(values_at(instance, parts) for parts in self.keys)))
        # Distinct in Python, distinct in JSON (equal canonical forms are equal values): the usual case, decided
        # without canonical forms. Values equal in Python may still differ in JSON (1 and True): the rule decides.
        try:
            if len(set(values)) == len(values):
                return
        except TypeError:  # an object or an array among the values
            pass
        rows = [(value,) for value in values] if len(self.keys) == 1 else values
        if next(repeats(rows), None) is not None:
            raise ValueError("not unique")


# -- the strategies: valid values and faults ------------------------------------------------------


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
        def repeat(items: list[Any]) -> list[Any]:
            for p in pointers:
                set_at(items[1], p, value_at(items[0], p))
            return items
        yield Fault((), repeat, where=(1, *parse_pointer(pointer)))
    elif value and (site.node.max_items is None or len(value) < site.node.max_items) \
            and value_at(value[0], pointer) not in (MISSING, None):
        # One item, or keys not set on the first two: append a copy of the first item.
        yield Fault((len(value),), replace_with(value[0]),
                    where=(len(value), *parse_pointer(pointer)))


def entangled_fields(pointers: list[str]) -> list[str]:
    return [parse_pointer(pointer)[0] for pointer in pointers]  # a changed key may repeat another item's


KEYWORD = Keyword(
    name="x-unique-by",
    summary="two items of an array share a key that must be unique",
    validate=validate,
    argument_merge="concatenate",
    item_pointers=item_pointers,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    docs_rules=describe,
    docs_cross_field=True,
    docs_order=4,
    check=UniqueByCheck,
    instance_type="array",
    unique_key=unique_key,
    fault=fault,
    entangled_fields=entangled_fields,
)

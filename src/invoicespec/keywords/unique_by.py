"""``x-unique-by``: the items of an array have a unique (possibly composite) key.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from typing import Any

from invoicespec import rules
from invoicespec.rules.canonical import canonical
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve
from invoicespec.keywords.keyword import Errors, Keyword, error, relative_pointer


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


def validate(validator: Any, pointers: list[str], instance: Any, schema: dict[str, Any]) -> Errors:
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


def item_pointers(pointers: list[str]) -> list[str]:
    return pointers


KEYWORD = Keyword(
    name="x-unique-by",
    summary="two items of an array share a key that must be unique",
    validate=validate,
    argument_merge="concatenate",
    item_pointers=item_pointers,
    argument_schema=ARGUMENT_SCHEMA,
)

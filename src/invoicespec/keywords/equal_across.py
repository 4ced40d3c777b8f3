"""``x-equal-across``: a value is the same in every item of an array.

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
        "On an array: the value at each JSON Pointer (relative to each item) must be the same in every item that has "
        "it (absent and null values are skipped). The error points at the first value that differs and names the "
        "item it differs from."
    ),
    "type": "array",
    "minItems": 1,
    "uniqueItems": True,
    "items": relative_pointer(),
}


def validate(validator: Any, pointers: list[str], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, list):
        return
    for pointer in pointers:
        key = parse_pointer(pointer)
        first: tuple[int, Any] | None = None
        for index, item in enumerate(instance):
            value, path = resolve(item, key)
            if value is MISSING or value is None:
                continue
            if first is None:
                first = (index, value)
            elif canonical(value) != canonical(first[1]):
                yield error(
                    f"{pointer[1:]} must be the same in every item: {rules.short(value)} here, but "
                    f"{rules.short(first[1])} in item {first[0]}",
                    path=[index, *path], instance=value,
                )


def item_pointers(pointers: list[str]) -> list[str]:
    return pointers
# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """A description (JSON Schema cannot compare the items of an array)."""
    from invoicespec.outputs.openapi import shown_fields, with_note  # only the export needs them

    pointers = schema["x-equal-across"]
    return with_note(schema, (
        f"Equal across items (`x-equal-across`, checked by invoicespec only): {shown_fields(pointers)} must each be "
        "the same in every item that has it (absent and null values are skipped)."
    ))


# -- the reference (docs) ---------------------------------------------------------------------------


def describe(pointers: list[str], path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import code, relative  # only the reference needs them

    return [(f"{code(relative(pointer))} must be the same in every item that has it (absent and null values are "
             "skipped)", (path + "/*" + pointer,)) for pointer in pointers]


KEYWORD = Keyword(
    name="x-equal-across",
    summary="a field that must be the same in every item of an array differs",
    validate=validate,
    argument_merge="concatenate",
    item_pointers=item_pointers,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    docs_rules=describe,
    docs_cross_field=True,
    docs_order=5,
)

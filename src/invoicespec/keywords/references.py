"""``x-references``: the items of one array name items of another.

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
        "On an object holding two arrays: every item of the array at `items` whose value at `field` is present (and "
        "not null) must name an item of the array at `target` by that item's value at `key`. A missing target array "
        "holds no items. A value of another JSON type than the keys is skipped (`type` reports it). The error points "
        "at the dangling value and lists the values it may take."
    ),
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["items", "field", "target", "key"],
        "additionalProperties": False,
        "properties": {
            "items": relative_pointer("JSON Pointer, relative to the object, to the array whose items refer."),
            "field": relative_pointer("JSON Pointer, relative to each referring item, to the referring value."),
            "target": relative_pointer(
                "JSON Pointer, relative to the object, to the array whose items are referred to."
            ),
            "key": relative_pointer("JSON Pointer, relative to each target item, to the value that identifies it."),
        },
    },
}


def validate(validator: Any, links: list[dict[str, Any]], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, dict):
        return
    for link in links:
        sources, source_path = resolve(instance, parse_pointer(link["items"]))
        if not isinstance(sources, list):
            continue
        targets, _ = resolve(instance, parse_pointer(link["target"]))
        field, key = parse_pointer(link["field"]), parse_pointer(link["key"])
        known: dict[Any, Any] = {}
        for target in targets if isinstance(targets, list) else ():
            value, _ = resolve(target, key)
            if value is not MISSING and value is not None:
                known.setdefault(canonical(value), value)
        kinds = {kind for kind, _ in known}
        for index, item in enumerate(sources):
            value, path = resolve(item, field)
            if value is MISSING or value is None or canonical(value) in known:
                continue
            if kinds and canonical(value)[0] not in kinds:
                continue  # a value of another type than the keys: `type` reports it
            yield error(
                f"{link['field'][1:]} {rules.short(value)} names no item of {link['target'][1:]} by its "
                f"{_known(link['key'][1:], list(known.values()))})",
                path=[*source_path, index, *path], instance=value,
            )


def _known(key_name: str, values: list[Any]) -> str:
    """``key (the key values there are ...``: what x-references allows, for its message."""
    if not values:
        return f"{key_name} (there are none"
    listed = ", ".join(rules.short(v) for v in values[:10])
    return f"{key_name} (the {key_name} values there are {listed}{', ...' if len(values) > 10 else ''}"


def object_pointers(links: list[dict[str, str]]) -> list[str]:
    return [link[side] for link in links for side in ("items", "target")]
# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """A description (JSON Schema cannot compare values across arrays)."""
    from invoicespec.outputs.openapi import shown_field, with_note  # only the export needs them

    said = [
        f"every {shown_field(link['field'])} of an item of {shown_field(link['items'])} must be the "
        f"{shown_field(link['key'])} of an item of {shown_field(link['target'])}"
        for link in schema["x-references"]
    ]
    return with_note(schema, (
        f"References (`x-references`, checked by invoicespec only): {'; '.join(said)} (when it is set)."
    ))


# -- the reference (docs) ---------------------------------------------------------------------------


def describe(links: list[dict[str, Any]], path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import code, relative  # only the reference needs them

    return [
        (f"every item of {code(relative(link['items']))} whose {code(relative(link['field']))} "
         f"is set must name an item of {code(relative(link['target']))} by that item's "
         f"{code(relative(link['key']))}",
         (path + link["items"] + "/*" + link["field"], path + link["target"] + "/*" + link["key"]))
        for link in links
    ]


KEYWORD = Keyword(
    name="x-references",
    summary="a field names an item of another array that does not exist",
    validate=validate,
    argument_merge="concatenate",
    object_pointers=object_pointers,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    docs_rules=describe,
    docs_cross_field=True,
    docs_order=3,
)

"""``x-contiguous``: the numbers of an array's items run on with no repeat and no gap.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from typing import Any

from invoicespec.rules.pointer import parse_pointer, resolve
from invoicespec.keywords.keyword import Errors, Keyword, error, relative_pointer


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


def validate(validator: Any, options: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
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
)

"""``x-date-order``: pairs of dates or date-times are in order.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from typing import Any

from invoicespec import rules
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve
from invoicespec.keywords.keyword import Errors, Keyword, error, relative_pointer


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


def validate(validator: Any, pairs: list[dict[str, Any]], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, dict):
        return
    for pair in pairs:
        earlier, _ = resolve(instance, parse_pointer(pair["earlier"]))
        later, later_path = resolve(instance, parse_pointer(pair["later"]))
        if earlier is MISSING or later is MISSING:
            continue
        order = rules.compare_temporal(earlier, later)  # None: absent, null, malformed, or mixed kinds
        strict = pair.get("relation", "<=") == "<"
        if order is None or order < 0 or (order == 0 and not strict):
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
)

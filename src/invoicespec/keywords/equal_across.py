"""``x-equal-across``: a value is the same in every item of an array.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.keywords.array_check import ArrayCheck
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error, relative_pointer, replace_with
from invoicespec.rules.canonical import canonical
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve, set_at, value_at, values_at

if TYPE_CHECKING:
    from invoicespec.catalog.nodes import Node
    from invoicespec.testing.faults import Site


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


def differing(values: list[Any]) -> Iterator[tuple[int, int]]:
    """The rule: ``(index, first)`` for each value that is not the same JSON value as the first one present,
    at ``first`` (absent and null values are skipped)."""
    first: int | None = None
    first_form = None
    for index, value in enumerate(values):
        if value is MISSING or value is None:
            continue
        form = canonical(value)
        if first is None:
            first, first_form = index, form
        elif form != first_form:
            yield index, first


def validate(validator: Any, pointers: list[str], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, list):
        return
    for pointer in pointers:
        key = parse_pointer(pointer)
        found = [resolve(item, key) for item in instance]
        for index, first in differing([value for value, _ in found]):
            value, path = found[index]
            yield error(
                f"{pointer[1:]} must be the same in every item: {rules.short(value)} here, but "
                f"{rules.short(found[first][0])} in item {first}",
                path=[index, *path], instance=value,
            )


# -- the fast path --------------------------------------------------------------------------------


class EqualAcrossCheck(ArrayCheck):
    """The keyword for verdicts: the rule (:func:`differing`) without its messages, after shortcuts that
    find the usual arrays valid without canonical forms."""

    __slots__ = ("groups",)

    def __init__(self, parent_schema: dict[str, Any], value: list[str], schema_path: list[Any]) -> None:
        super().__init__(parent_schema, value, schema_path)
        groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for parts in self.keys:  # pointers into one object of each item (/taxLocation/country, /taxLocation/region)
            groups.setdefault(parts[:-1], []).append(parts)
        self.groups = [(prefix, [parts[-1] for parts in keys], keys) for prefix, keys in groups.items()]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, list) or len(instance) < 2:
            return
        for prefix, names, keys in self.groups:
            if not (prefix and same_text(values_at(instance, prefix), names)):
                for parts in keys:
                    self._same(values_at(instance, parts))

    @staticmethod
    def _same(values: list[Any]) -> None:
        """Every value present the same JSON value, or ValueError."""
        first = values[0]
        if type(first) is str and values.count(first) == len(values):
            return  # the usual case: the same text in every item
        absent = values.count(MISSING) + values.count(None)
        if absent == len(values):
            return
        first = next(value for value in values if value is not MISSING and value is not None)
        # Equal in Python, equal in JSON for text and objects of text (True == 1 is where it does not): the
        # usual cases are found the same without canonical forms.
        if (type(first) is str or type(first) is dict and set(map(type, first.values())) <= {str}) and (
            values.count(first) + absent == len(values)
        ):
            return
        if next(differing(values), None) is not None:
            raise ValueError("not the same in every item")


def same_text(objects: list[Any], names: list[str]) -> bool:
    """True when every item's object is equal to the first one, whose members ``names`` are text or absent:
    those are then the same in every item (equal in Python, and for text in JSON too). False: ask each."""
    first = objects[0]
    if type(first) is not dict or objects.count(first) != len(objects):
        return False
    for name in names:
        value = first.get(name)
        if value is not None and type(value) is not str:
            return False
    return True


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


# -- the strategies: valid values and faults ------------------------------------------------------


def arrange(pointers: list[str], fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
    from invoicespec.rules.json_data import copy_json  # here: json_data imports the errors, which import the registry

    def copy_the_first(draw: Draw, value: Any) -> None:
        for pointer in pointers:
            present = [item for item in value if value_at(item, pointer) not in (MISSING, None)]
            for item in present[1:]:
                set_at(item, pointer, copy_json(value_at(present[0], pointer)))

    return copy_the_first


def fault(pointers: list[str], value: Any, site: Site) -> Iterator[Fault]:
    if not isinstance(value, list):
        return
    for pointer in pointers:
        if len(value) >= 2 and all(isinstance(value_at(item, pointer), str) for item in value[:2]):
            other = _alternative_text(site.item_node(pointer), value_at(value[0], pointer))
            if other is not None:
                yield Fault((1, *parse_pointer(pointer)), replace_with(other))


def _alternative_text(node: Node | None, current: Any) -> str | None:
    """Another text the item's schema accepts: another enum value, or free text with one more letter;
    None where its schema is too strict to tell (patterns, formats, custom keywords)."""
    if node is None:
        return None
    if node.enum:
        others = [v for v in node.enum if v != current and isinstance(v, str)]
        return others[0] if others else None
    if node.patterns or node.keywords:
        return None
    return None if node.max_length is not None and len(str(current)) + 1 > node.max_length else f"{current}x"


def entangled_fields(pointers: list[str]) -> list[str]:
    return [parse_pointer(pointer)[0] for pointer in pointers]  # a changed value differs from the others


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
    check=EqualAcrossCheck,
    instance_type="array",
    arrange=arrange,
    fault=fault,
    entangled_fields=entangled_fields,
)

"""``x-equal-across``: On an array: the value at each JSON Pointer (relative to each item) must be the same in
every item that has it (absent and null values are skipped). The error points at the first value that differs
and names the item it differs from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.rules.canonical import canonical
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve, set_at, value_at
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.catalog.nodes import Node
    from invoicespec.testing.faults import Site


def validate(validator, pointers: list[str], instance: Any, schema: dict) -> Errors:
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
                yield Fault((1, *parse_pointer(pointer)), lambda _, o=other: o)


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
    instance_type="array",
    arrange=arrange,
    fault=fault,
    entangled_fields=entangled_fields,
)

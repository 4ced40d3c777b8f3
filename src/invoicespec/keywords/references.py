"""``x-references``: On an object holding two arrays: every item of the array at `items` whose value at `field`
is present (and not null) must name an item of the array at `target` by that item's value at `key`. A missing
target array holds no items. A value of another JSON type than the keys is skipped (`type` reports it). The
error points at the dangling value and lists the values it may take.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.rules.canonical import canonical
from invoicespec.rules.pointer import MISSING, delete_at, parse_pointer, resolve, set_at, value_at
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


def validate(validator, links: list[dict], instance: Any, schema: dict) -> Errors:
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


def arrange(links: list[dict], fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
    from hypothesis import strategies as st

    def point_at_existing_items(draw: Draw, value: Any) -> None:
        for link in links:
            sources, targets = value_at(value, link["items"]), value_at(value, link["target"])
            keys = [key for key in (value_at(t, link["key"]) for t in targets if isinstance(targets, list))
                    if key is not MISSING and key is not None] if isinstance(targets, list) else []
            for item in sources if isinstance(sources, list) else ():
                if value_at(item, link["field"]) in (MISSING, None):
                    continue
                if keys:
                    set_at(item, link["field"], draw(st.sampled_from(keys)))
                else:
                    delete_at(item, link["field"])  # nothing to name: the optional reference goes

    return point_at_existing_items


def fault(links: list[dict], value: Any, site: Site) -> Iterator[Fault]:
    if not isinstance(value, dict):
        return
    for link in links:
        sources, targets = value_at(value, link["items"]), value_at(value, link["target"])
        keys_there = [value_at(t, link["key"]) for t in targets] if isinstance(targets, list) else []
        numbers = [k for k in keys_there if isinstance(k, int) and not isinstance(k, bool)]
        for index, item in enumerate(sources if isinstance(sources, list) else []):
            # A number past every key names nothing (only numeric keys have such an obvious outsider).
            if value_at(item, link["field"]) not in (MISSING, None) and (numbers or not keys_there):
                dangling = max(numbers, default=0) + 1
                target = (*parse_pointer(link["items"]), index, *parse_pointer(link["field"]))
                yield Fault(target, lambda _, d=dangling: d)
                break


def entangled_fields(links: list[dict]) -> list[str]:
    return [parse_pointer(link["target"])[0] for link in links]  # changing a target may leave a reference dangling


KEYWORD = Keyword(
    name="x-references",
    summary="a field names an item of another array that does not exist",
    validate=validate,
    instance_type="object",
    arrange=arrange,
    fault=fault,
    entangled_fields=entangled_fields,
)

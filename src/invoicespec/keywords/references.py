"""``x-references``: the items of one array name items of another.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error, relative_pointer, replace_with
from invoicespec.rules.canonical import canonical
from invoicespec.rules.pointer import MISSING, delete_at, member, parse_pointer, resolve, set_at, value_at, values_at

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


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


def dangling(values: list[Any], keys: list[Any]) -> Iterator[int]:
    """The rule: the index of each value (present, not null) that is no key (equal as JSON values), unless it
    is of a JSON type no key has (``type`` reports it). Absent and null keys are no keys."""
    known = {canonical(key) for key in keys if key is not MISSING and key is not None}
    kinds = {kind for kind, _ in known}
    for index, value in enumerate(values):
        if value is MISSING or value is None:
            continue
        form = canonical(value)
        if form not in known and (not kinds or form[0] in kinds):
            yield index


def validate(validator: Any, links: list[dict[str, Any]], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, dict):
        return
    for link in links:
        sources, source_path = resolve(instance, parse_pointer(link["items"]))
        if not isinstance(sources, list):
            continue
        targets, _ = resolve(instance, parse_pointer(link["target"]))
        field, key = parse_pointer(link["field"]), parse_pointer(link["key"])
        keys = [resolve(target, key)[0] for target in (targets if isinstance(targets, list) else ())]
        found = [resolve(item, field) for item in sources]
        known: dict[Any, Any] = {}
        for value in keys:
            if value is not MISSING and value is not None:
                known.setdefault(canonical(value), value)
        for index in dangling([value for value, _ in found], keys):
            value, path = found[index]
            yield error(
                f"{link['field'][1:]} {rules.short(value)} names no item of {link['target'][1:]} by its "
                f"{_known(link['key'][1:], list(known.values()))})",
                path=[*source_path, index, *path], instance=value,
            )


def _known(key_name: str, values: list[Any]) -> str:
    """``key (the key values there are ...``: what the keyword allows, for its message."""
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


# -- the fast path --------------------------------------------------------------------------------


class ReferencesCheck:
    """The keyword for verdicts: the rule (:func:`dangling`) without its messages, after a shortcut that finds
    the usual links valid with sets (:func:`named`)."""

    __slots__ = ("links", "names")

    def __init__(self, parent_schema: dict[str, Any], value: list[dict[str, Any]], schema_path: list[Any]) -> None:
        self.links = [
            tuple(parse_pointer(link[name]) for name in ("items", "field", "target", "key")) for link in value
        ]
        # the usual links, of one-member pointers: their names
        self.names = [
            tuple(parts[0] for parts in link) if all(len(parts) == 1 for parts in link) else None
            for link in self.links
        ]

    def inline(self, value: str, me: str) -> list[str]:
        """Links of one-member pointers (nearly all) decided in place by :func:`named`; the rule otherwise."""
        if None in self.names:
            return [f"{me}.validate({value})"]
        usual = " and ".join(f"named({value}, {', '.join(map(repr, names or ()))})" for names in self.names)
        return [f"if not (type({value}) is dict and {usual}): {me}.validate({value})"]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for (items, field, target, key), names in zip(self.links, self.names):
            if names is not None and type(instance) is dict and named(instance, *names):
                continue
            sources = member(instance, items)
            if not isinstance(sources, list):
                continue
            if next(dangling(values_at(sources, field), values_at(member(instance, target), key)), None) is not None:
                raise ValueError("names no item")


#: The types of keys and values :func:`named` decides with sets alone: equal in Python exactly when their
#: canonical forms are equal (``None`` stands for absent or null: skipped).
_SET_KINDS = frozenset({int, str, type(None)})


def named(instance: dict[str, Any], items: str, field: str, target: str, key: str) -> bool:
    """True when every item of ``instance[items]`` names, by ``field``, an item of ``instance[target]``
    by its ``key``, or names none, decided with a set: lists of plain objects, keys of integers and text
    (the usual case). False means "ask the rule": it is never an error by itself.

    Python's equality is JSON's for such keys, whatever the value: a value equal to none of them is left to
    the rule, and one equal to a key is equal in JSON too (1.0 to 1), or of a type no key has (True to 1),
    which the rule leaves to ``type``. Plain loops: a comprehension costs a call.
    """
    sources, targets = instance.get(items), instance.get(target)
    if type(sources) is not list or type(targets) is not list:
        return False
    keys = set()
    try:
        for item in targets:
            found = item.get(key)
            if found.__class__ not in _SET_KINDS:  # a bool among the keys: True == 1 in Python, not in JSON
                return False
            keys.add(found)
        for item in sources:
            found = item.get(field)
            if found is not None and found not in keys:
                return False
    except (AttributeError, TypeError):  # an item that is not an object, a value that is not hashable
        return False
    return True


# -- the strategies: valid values and faults ------------------------------------------------------


def arrange(links: list[dict[str, Any]], fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
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


def fault(links: list[dict[str, Any]], value: Any, site: Site) -> Iterator[Fault]:
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
                target: tuple[str | int, ...] = (*parse_pointer(link["items"]), index, *parse_pointer(link["field"]))
                yield Fault(target, replace_with(dangling))
                break


def entangled_fields(links: list[dict[str, Any]]) -> list[str]:
    return [parse_pointer(link["target"])[0] for link in links]  # changing a target may leave a reference dangling


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
    check=ReferencesCheck,
    helpers={"named": named},
    instance_type="object",
    arrange=arrange,
    fault=fault,
    entangled_fields=entangled_fields,
)

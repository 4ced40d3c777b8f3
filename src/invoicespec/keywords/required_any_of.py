"""``x-required-any-of``: at least one of the named fields is present on the object.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error
from invoicespec.rules.pointer import format_pointer

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "At least one of the named fields must be present on the object (each present field is still validated by "
        "its own schema). The error is reported on the object."
    ),
    "type": "array",
    "minItems": 2,
    "uniqueItems": True,
    "items": {"type": "string", "minLength": 1},
}


def validate(validator: Any, names: list[str], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, dict):
        return
    if not any(name in instance for name in names):
        listed = ", ".join(repr(name) for name in names[:-1]) + f" or {names[-1]!r}"
        yield error(f"at least one of {listed} is required", instance=instance)


def object_pointers(names: list[str]) -> list[str]:
    return [f"/{name}" for name in names]


# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict[str, Any]) -> dict[str, Any]:
    """``anyOf`` of one ``required`` per field (exactly the rule)."""
    from invoicespec.outputs.openapi import with_note  # only the export needs it

    names = schema["x-required-any-of"]
    alternatives = [{"required": [name]} for name in names]
    result = dict(schema)
    if "anyOf" in result:  # the object already has variants: both must hold
        result["allOf"] = [*result.get("allOf", []), {"anyOf": alternatives}]
    else:
        result["anyOf"] = alternatives
    fields = " or ".join(f"`{name}`" for name in names)
    return with_note(result, f"At least one of {fields} is required (`x-required-any-of`, written as `anyOf`).")


# -- the reference (docs) ---------------------------------------------------------------------------


def describe(names: list[str], path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import or_names  # only the reference needs it

    return [(f"at least one of {or_names(names)} must be present",
             tuple(path + format_pointer([name]) for name in names))]


def one_of(names: list[str]) -> list[str]:
    return list(names)


# -- the fast path --------------------------------------------------------------------------------


def engine_schema(names: list[str], lean: bool = False) -> dict[str, Any]:
    """The keyword in standard keywords: an ``anyOf`` of ``required``."""
    return {"anyOf": [{"required": [name]} for name in names]}


# -- the strategies: valid values and faults ------------------------------------------------------


def arrange(names: list[str], fields: dict[str, Any]) -> Callable[[Draw, Any], None] | None:
    from hypothesis import strategies as st

    drawable = [name for name in names if name in fields]
    if not drawable:
        return None
    pick = st.sampled_from(drawable)

    def add_one(draw: Draw, value: Any) -> None:
        if not any(name in value for name in drawable):
            name = draw(pick)
            value[name] = draw(fields[name])

    return add_one


def fault(names: list[str], value: Any, site: Site) -> Iterator[Fault]:
    if not isinstance(value, dict):
        return
    present = tuple(name for name in names if name in value)
    # Dropping a required field would be reported by `required` too, and dropping a field that tells
    # variants apart may move the object to another variant.
    if present and not (set(present) & (site.node.required | site.careful)):
        yield Fault((), lambda document: {k: v for k, v in document.items() if k not in present})


KEYWORD = Keyword(
    name="x-required-any-of",
    summary="at least one of several fields must be present",
    validate=validate,
    argument_merge="concatenate",
    object_pointers=object_pointers,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    openapi_summary=(4, "`x-required-any-of`", "becomes `anyOf` of `required`"),
    docs_rules=describe,
    docs_cross_field=True,
    docs_one_of=one_of,
    docs_order=2,
    engine_schema=engine_schema,
    instance_type="object",
    arrange=arrange,
    fault=fault,
)

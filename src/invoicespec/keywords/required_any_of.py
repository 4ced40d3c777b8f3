"""``x-required-any-of``: At least one of the named fields must be present on the object (each present field is
still validated by its own schema). The error is reported on the object.
"""

from __future__ import annotations

from typing import Any

from invoicespec.rules.pointer import format_pointer
from invoicespec.keywords.keyword import Errors, Keyword, error


def validate(validator, names: list[str], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    if not any(name in instance for name in names):
        listed = ", ".join(repr(name) for name in names[:-1]) + f" or {names[-1]!r}"
        yield error(f"at least one of {listed} is required", instance=instance)


# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict) -> dict:
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


KEYWORD = Keyword(
    name="x-required-any-of",
    summary="at least one of several fields must be present",
    validate=validate,
    openapi_lower=lower,
    openapi_summary=(4, "`x-required-any-of`", "becomes `anyOf` of `required`"),
    docs_rules=describe,
    docs_cross_field=True,
    docs_one_of=one_of,
    docs_order=2,
)

"""``x-required-any-of``: at least one of the named fields is present on the object.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from typing import Any

from invoicespec.keywords.keyword import Errors, Keyword, error


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


KEYWORD = Keyword(
    name="x-required-any-of",
    summary="at least one of several fields must be present",
    validate=validate,
    argument_merge="concatenate",
    object_pointers=object_pointers,
    argument_schema=ARGUMENT_SCHEMA,
)

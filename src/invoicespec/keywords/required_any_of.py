"""``x-required-any-of``: At least one of the named fields must be present on the object (each present field is
still validated by its own schema). The error is reported on the object.
"""

from __future__ import annotations

from typing import Any

from invoicespec.keywords.keyword import Errors, Keyword, error


def validate(validator, names: list[str], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    if not any(name in instance for name in names):
        listed = ", ".join(repr(name) for name in names[:-1]) + f" or {names[-1]!r}"
        yield error(f"at least one of {listed} is required", instance=instance)


def engine_schema(names: list[str], lean: bool = False) -> dict[str, Any]:
    """The keyword in standard keywords: an ``anyOf`` of ``required``."""
    return {"anyOf": [{"required": [name]} for name in names]}


KEYWORD = Keyword(
    name="x-required-any-of",
    summary="at least one of several fields must be present",
    validate=validate,
    engine_schema=engine_schema,
)

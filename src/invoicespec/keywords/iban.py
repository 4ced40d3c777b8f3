"""``x-iban``: the string is an IBAN (normalized to its compact upper-case form).

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

from typing import Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Keyword, error


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "The string is an IBAN (ISO 13616): known country, length and structure for that country, and mod-97 check "
        "digits, checked with `schwifty`. Spaces and lower case are accepted; normalized to the compact upper-case "
        "form. Messages never quote more than the first four characters of the input."
    ),
    "const": True,
}


def validate(validator: Any, enabled: bool, instance: Any, schema: dict[str, Any]) -> Errors:
    result = rules.check_iban(instance) if enabled else None
    if result is not None and result.problem is not None:
        yield error(result.message)


def normalize(enabled: bool, value: Any) -> Any:
    """The compact upper-case form."""
    result = rules.check_iban(value) if enabled is True else None
    return result.compact if result is not None and result.compact is not None else value


KEYWORD = Keyword(
    name="x-iban",
    summary="the IBAN is not valid",
    validate=validate,
    normalize=normalize,
    argument_schema=ARGUMENT_SCHEMA,
)

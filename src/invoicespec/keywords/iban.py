"""``x-iban``: The string is an IBAN (ISO 13616): known country, length and structure for that country, and
mod-97 check digits, checked with `schwifty`. Spaces and lower case are accepted; normalized to the compact
upper-case form. Messages never quote more than the first four characters of the input.
"""

from __future__ import annotations

from typing import Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Keyword, error


def validate(validator, enabled: bool, instance: Any, schema: dict) -> Errors:
    result = rules.check_iban(instance) if enabled else None
    if result is not None and result.problem is not None:
        yield error(result.message)


class IbanCheck:
    """The keyword for verdicts: the rule (``check_iban``, cached) without building a message."""

    __slots__ = ("enabled",)

    def __init__(self, parent_schema: dict, value: bool, schema_path: list) -> None:
        self.enabled = value

    def validate(self, instance: Any) -> None:
        result = rules.check_iban(instance) if self.enabled else None
        if result is not None and result.problem is not None:
            raise ValueError(result.problem)


KEYWORD = Keyword(
    name="x-iban",
    summary="the IBAN is not valid",
    validate=validate,
    check=IbanCheck,
)

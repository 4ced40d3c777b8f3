"""``x-phone``: The string is a phone number, parsed with `phonenumbers` (national numbers in `defaultRegion`)
and reported with GetBill's five messages: "phone number too short", "phone number too long", "invalid country
code", "number format is not valid", "number not registered in carrier database". Only digits, one leading `+`
and the separators space ( ) . - / are accepted, so invisible and control characters are refused. Normalized
to E.164.
"""

from __future__ import annotations

from typing import Any

from invoicespec import rules
from invoicespec.keywords.keyword import Errors, Keyword, error


def validate(validator, options: dict, instance: Any, schema: dict) -> Errors:
    result = rules.check_phone(instance, options.get("defaultRegion"))
    if result is not None and result.problem is not None:
        yield error(result.message)


class PhoneCheck:
    """The keyword for verdicts: the rule (``check_phone``, cached) without building a message."""

    __slots__ = ("region",)

    def __init__(self, parent_schema: dict, value: dict, schema_path: list) -> None:
        self.region = value.get("defaultRegion")

    def validate(self, instance: Any) -> None:
        result = rules.check_phone(instance, self.region)
        if result is not None and result.problem is not None:
            raise ValueError(result.problem)


KEYWORD = Keyword(
    name="x-phone",
    summary="the phone number is not valid (GetBill's five messages)",
    validate=validate,
    check=PhoneCheck,
)

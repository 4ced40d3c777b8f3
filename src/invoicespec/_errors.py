"""The error record and the exception tree.

Every problem found in a payload is an :class:`Error`: where it is (a JSON
Pointer), which rule it broke (a stable keyword slug) and a message for people.
Every exception the library raises derives from :class:`InvoicespecError` and
also from the builtin a caller would naturally catch (``LookupError`` for an
unknown name, ``ValueError`` for bad data).
"""

from __future__ import annotations

from collections.abc import Sized
from dataclasses import dataclass
from typing import Any

from invoicespec.rules.display import printable

__all__ = [
    "KEYWORDS",
    "Error",
    "InvalidPayload",
    "InvoicespecError",
    "SchemaError",
    "UnknownOperation",
    "UnknownPart",
]


@dataclass(frozen=True, slots=True)
class Error:
    """One problem in a payload.

    Attributes:
        path: JSON Pointer (RFC 6901) to the value at fault; ``""`` is the whole payload.
            For a missing field it points at where the field should be.
        keyword: the rule that failed, as a stable slug (see :data:`KEYWORDS`).
        message: what is wrong and what is allowed, for people.
    """

    path: str
    keyword: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        """The error as a JSON-ready mapping."""
        return {"path": self.path, "keyword": self.keyword, "message": self.message}


def error_line(path: str, keyword: str, message: str) -> str:
    """How an error reads on one line, the same in the CLI, batch reports and test failures: controls and
    bidirectional marks a payload put in its path or message are escaped (:func:`rules.display.printable`)."""
    return printable(f"{path or '(root)'}: {message} [{keyword}]")


def error_count(errors: Sized) -> str:
    """``"1 error"``, ``"3 errors"``."""
    return f"{len(errors)} error{'s' if len(errors) != 1 else ''}"


# Imported after Error: the keywords' rules build Errors of their own (check_json).
from invoicespec.keywords.registry import REGISTRY, derived  # noqa: E402

#: Every keyword slug an :class:`Error` can carry, with what it means. Standard JSON
#: Schema keywords keep their names; the library's own are prefixed with ``x-``.
KEYWORDS: dict[str, str] = {}
_STANDARD_SLUGS = {
    "json": "the value is not JSON data (NaN, Infinity, a non-string key, a Python object)",
    "max-depth": "the payload is nested deeper than the library accepts",
    "type": "the value has the wrong JSON type",
    "enum": "the value is not one of the allowed values",
    "const": "the value is not the one fixed value allowed",
    "required": "a required field is missing",
    "dependentRequired": "a field that another field requires is missing",
    "additionalProperties": "a field that the schema does not define",
    "unevaluatedProperties": "a field that no part of the schema defines",
    "propertyNames": "a field name that is not allowed",
    "minProperties": "the object has too few fields",
    "maxProperties": "the object has too many fields",
    "minLength": "the string is too short (or empty)",
    "maxLength": "the string is too long",
    "pattern": "the string does not match the required pattern",
    "format": "the string is not in the required format (date, date-time, e-mail, URI, UUID)",
    "minimum": "the number is too small",
    "maximum": "the number is too large",
    "exclusiveMinimum": "the number is not above the lower bound",
    "exclusiveMaximum": "the number is not below the upper bound",
    "multipleOf": "the number is not a multiple of the required step",
    "minItems": "the array has too few items",
    "maxItems": "the array has too many items",
    "uniqueItems": "the array has duplicate items",
    "contains": "the array lacks an item of the required kind",
    "minContains": "the array has too few items of the required kind",
    "maxContains": "the array has too many items of the required kind",
    "not": "the value matches a shape that is forbidden",
    "anyOf": "the value matches none of the allowed shapes",
    "oneOf": "the value matches none, or more than one, of the allowed shapes",
    "false": "no value is allowed here",
    "readOnly": "the field is set by the server and cannot be sent in a request",
}


@derived
def _keyword_slugs() -> None:
    KEYWORDS.clear()
    KEYWORDS.update({
        **_STANDARD_SLUGS,
        **{name: keyword.summary for name, keyword in REGISTRY.items()},
        "x-headers": "the same header is given twice with different letter case",
        "status": "an HTTP answer's status is not one the operation documents (the validating clients)",
    })


class InvoicespecError(Exception):
    """The root of every exception this library raises."""


class UnknownOperation(InvoicespecError, LookupError):
    """No operation has that id."""


class UnknownPart(InvoicespecError, LookupError):
    """The operation has no part of that name."""


class SchemaError(InvoicespecError, ValueError):
    """A shipped (or user-supplied) schema is malformed; raised when schemas load."""


class InvalidPayload(InvoicespecError, ValueError):
    """A payload failed validation; ``errors`` lists every problem."""

    def __init__(self, errors: list[Error] | tuple[Error, ...], *, operation: str = "", part: str = ""):
        self.errors: tuple[Error, ...] = tuple(errors)
        self.operation = operation
        self.part = part
        where = f" for {operation} {part}" if operation else ""
        lines = "; ".join(str(error) for error in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"invalid payload{where}: {lines}{more}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_invalid_payload, (self.errors, self.operation, self.part))


def _rebuild_invalid_payload(errors: tuple[Error, ...], operation: str, part: str) -> InvalidPayload:
    return InvalidPayload(errors, operation=operation, part=part)

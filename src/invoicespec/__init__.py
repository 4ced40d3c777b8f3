"""invoicespec: validators for invoicing and debt-collection APIs, compiled from YAML JSON Schemas.

    >>> import invoicespec
    >>> invoicespec.operations()                       # doctest: +ELLIPSIS
    (..., 'getbill.create_debt', ...)
    >>> v = invoicespec.validator("getbill.create_debt")
    >>> v.is_valid({"firstname": "Marie", "lastname": "Durand", "email": "marie@example.fr",
    ...             "amount": 89.9, "currency": "EUR"})
    True
"""

from invoicespec._api import errors, is_valid, normalize, operation_info, operations, parts, validator
from invoicespec._validator import Validator
from invoicespec._errors import (
    KEYWORDS,
    Error,
    InvalidPayload,
    InvoicespecError,
    SchemaError,
    UnknownOperation,
    UnknownPart,
)

__all__ = [
    "KEYWORDS",
    "Error",
    "InvalidPayload",
    "InvoicespecError",
    "SchemaError",
    "UnknownOperation",
    "UnknownPart",
    "Validator",
    "errors",
    "is_valid",
    "normalize",
    "operation_info",
    "operations",
    "parts",
    "validator",
]

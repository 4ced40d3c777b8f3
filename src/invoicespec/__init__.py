"""invoicespec: validators for invoicing and debt-collection APIs, compiled from YAML JSON Schemas.

    >>> import invoicespec
    >>> invoicespec.operations()                       # doctest: +ELLIPSIS
    (..., 'getbill.create_debt', ...)
    >>> v = invoicespec.validator("getbill.create_debt")
    >>> v.is_valid({"firstname": "Marie", "lastname": "Durand", "email": "marie@example.fr",
    ...             "amount": 89.9, "currency": "EUR"})
    True

The public names load on first use (PEP 562): ``import invoicespec`` alone imports
nothing heavy, so the pytest plugin and command-line start-up stay light.
"""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from invoicespec._api import errors, is_valid, normalize, operation_info, operations, parts, validator
    from invoicespec._contracts import Catalog, load_catalog
    from invoicespec._errors import (
        KEYWORDS,
        Error,
        InvalidPayload,
        InvoicespecError,
        SchemaError,
        UnknownOperation,
        UnknownPart,
    )
    from invoicespec.engine.validator import Validator

_HOMES = {
    **dict.fromkeys(("errors", "is_valid", "normalize", "operation_info", "operations", "parts", "validator"),
                    "invoicespec._api"),
    **dict.fromkeys(("KEYWORDS", "Error", "InvalidPayload", "InvoicespecError", "SchemaError",
                     "UnknownOperation", "UnknownPart"), "invoicespec._errors"),
    "Validator": "invoicespec.engine.validator",
    **dict.fromkeys(("Catalog", "load_catalog"), "invoicespec._contracts"),
}

__all__ = [
    "KEYWORDS",
    "Catalog",
    "Error",
    "InvalidPayload",
    "InvoicespecError",
    "SchemaError",
    "UnknownOperation",
    "UnknownPart",
    "Validator",
    "errors",
    "is_valid",
    "load_catalog",
    "normalize",
    "operation_info",
    "operations",
    "parts",
    "validator",
]


def __getattr__(name: str) -> _typing.Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'invoicespec' has no attribute {name!r}")
    value = getattr(_importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


#: Public modules, imported on demand; the sub-packages (catalog, engine, keywords ...) are the implementation.
_PUBLIC_MODULES = ("cli", "dask", "extend", "httpx", "pytest_plugin", "requests", "strategies")


def __dir__() -> list[str]:
    return sorted({name for name in globals() if name.startswith("_")} | set(__all__) | set(_PUBLIC_MODULES))

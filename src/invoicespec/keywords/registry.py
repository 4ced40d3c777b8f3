"""The registry: every custom keyword, in one list.

Every other table of the library (the jsonschema keywords, the fast path's checks, the error keywords,
the docs, the strategies, the OpenAPI lowerings) is derived from :data:`REGISTRY`. Adding a keyword is
one module in this package, one line here, and its file in ``tests/keywords/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from invoicespec.keywords import (
    contiguous,
    date_order,
    destination_cost,
    digits,
    equal_across,
    iban,
    phone,
    references,
    required_any_of,
    unique_by,
)
from invoicespec.keywords.keyword import Keyword

__all__ = ["REGISTRY"]

#: Keyword name -> :class:`Keyword`, in the order the vocabulary lists them.
REGISTRY: Mapping[str, Keyword] = MappingProxyType({
    keyword.name: keyword
    for keyword in (
        required_any_of.KEYWORD,
        date_order.KEYWORD,
        phone.KEYWORD,
        destination_cost.KEYWORD,
        iban.KEYWORD,
        digits.KEYWORD,
        unique_by.KEYWORD,
        equal_across.KEYWORD,
        references.KEYWORD,
        contiguous.KEYWORD,
    )
})

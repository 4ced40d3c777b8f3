"""The registry: every custom keyword, in one list.

Every other table of the library (the jsonschema keywords, the fast path's checks, the error keywords,
the docs, the strategies, the OpenAPI lowerings) is derived from :data:`REGISTRY`. Adding a keyword is
one module in this package, one line here, and its file in ``tests/keywords/``; a keyword of your own,
outside the package, is one :func:`register` call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
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

__all__ = ["REGISTRY", "SHIPPED", "derived", "register", "unregister"]

_KEYWORDS: dict[str, Keyword] = {
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
}
_SHIPPED = frozenset(_KEYWORDS)
#: The names of the keywords that ship with the library.
SHIPPED = _SHIPPED
#: Keyword name -> :class:`Keyword`: the shipped ones in the order the vocabulary lists them, then the
#: registered ones in the order of registration.
REGISTRY: Mapping[str, Keyword] = MappingProxyType(_KEYWORDS)
_NAME = re.compile(r"x-[a-z0-9]+(?:-[a-z0-9]+)*")
_BUILDERS: list[Callable[[], None]] = []


def derived(build: Callable[[], None]) -> Callable[[], None]:
    """Run ``build``, which fills a table derived from :data:`REGISTRY`, now and after every change of it.

    The tables stay the objects their modules created (filled in place), so that a name imported
    elsewhere sees the change too. Used as a decorator.
    """
    _BUILDERS.append(build)
    build()
    return build


def register(keyword: Keyword) -> None:
    """Add a keyword of your own: schemas may then use it, and validators compiled afterwards run it, report
    it, normalize with it, generate and break it, and document and export it, as they do the shipped ones.

    Register at start-up, before validators are compiled or used on other threads: validators compiled
    before keep the keywords they were compiled with. Raises ValueError for a name that is not an ``x-``
    name in lower case, or that is already registered.
    """
    if not isinstance(keyword, Keyword):
        raise TypeError(f"expected a Keyword, not {type(keyword).__name__}")
    if not _NAME.fullmatch(keyword.name):
        raise ValueError(f"{keyword.name!r} is not a keyword name: x- and lower-case words joined by hyphens")
    if keyword.name in _KEYWORDS:
        raise ValueError(f"{keyword.name!r} is already registered")
    _KEYWORDS[keyword.name] = keyword
    _rebuild()


def unregister(name: str) -> None:
    """Remove a keyword added with :func:`register` (the shipped ones stay). Raises LookupError."""
    if name in _SHIPPED:
        raise ValueError(f"{name!r} is a shipped keyword: it cannot be removed")
    if name not in _KEYWORDS:
        raise LookupError(f"{name!r} is not registered")
    del _KEYWORDS[name]
    _rebuild()


def _rebuild() -> None:
    for build in _BUILDERS:
        build()

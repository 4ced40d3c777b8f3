"""The library's own ``FormatChecker``: strict, ASCII-only, never silently absent.

jsonschema's stock checker depends on optional packages (``date-time`` passes
anything when ``rfc3339-validator`` is missing) and Python's ``fromisoformat``
accepts ``20240101`` and ``2024-W01-1``. These checks use the rules in
``_rules.py`` and nothing else; each failure carries a message saying what the
format expects, which becomes the error message at the public edge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import FormatChecker

from invoicespec import _rules

__all__ = ["FORMATS", "FormatProblem", "format_checker"]


class FormatProblem(ValueError):
    """Raised by a format check; its text says what the format expects."""


#: format name -> (predicate, what a valid value looks like)
FORMATS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "date": (_rules.is_date, "a calendar date written YYYY-MM-DD, such as 2024-01-31"),
    "date-time": (
        _rules.is_date_time,
        "a date-time with an offset, YYYY-MM-DDTHH:MM:SS[.fff] then Z or ±HH:MM, such as 2024-01-31T09:30:00Z",
    ),
    "local-date-time": (
        _rules.is_local_date_time,
        "a date-time without an offset, YYYY-MM-DDTHH:MM:SS[.fff], such as 2024-01-31T09:30:00",
    ),
    "date-time-optional-offset": (
        lambda value: _rules.is_date_time(value) or _rules.is_local_date_time(value),
        "a date-time YYYY-MM-DDTHH:MM:SS[.fff], optionally followed by Z or ±HH:MM",
    ),
    "email": (_rules.is_email, "an e-mail address such as name@example.com"),
    "uri": (_rules.is_uri, "an absolute http or https URL"),
    "uuid": (_rules.is_uuid, "a UUID such as 497f6eca-6276-4993-bfeb-53cbbbba6f08"),
}


def _checker(predicate: Callable[[Any], bool], expected: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, str):  # formats only apply to strings
            return True
        if predicate(value):
            return True
        raise FormatProblem(f"expected {expected}")

    return check


def format_checker() -> FormatChecker:
    """A new checker that knows exactly the formats in :data:`FORMATS`."""
    checker = FormatChecker(formats=())
    for name, (predicate, expected) in FORMATS.items():
        checker.checks(name, raises=FormatProblem)(_checker(predicate, expected))
    return checker

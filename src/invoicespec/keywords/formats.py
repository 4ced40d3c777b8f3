"""The library's own ``FormatChecker``: strict, ASCII-only, never silently absent.

jsonschema's stock checker depends on optional packages (``date-time`` passes
anything when ``rfc3339-validator`` is missing) and Python's ``fromisoformat``
accepts ``20240101`` and ``2024-W01-1``. These checks use the rules in
``rules.py`` and nothing else; each failure carries a message saying what the
format expects, which becomes the error message at the public edge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from invoicespec import rules

if TYPE_CHECKING:  # jsonschema is imported on first need (the fast path runs without it)
    from jsonschema import FormatChecker

__all__ = ["FORMATS", "FORMAT_SCHEMAS", "FormatProblem", "format_checker"]


class FormatProblem(ValueError):
    """Raised by a format check; its text says what the format expects."""


#: format name -> (predicate, what a valid value looks like)
FORMATS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "date": (rules.is_date, "a calendar date written YYYY-MM-DD, such as 2024-01-31"),
    "date-time": (
        rules.is_date_time,
        "a date-time with an offset, YYYY-MM-DDTHH:MM:SS[.fff] then Z or ±HH:MM, such as 2024-01-31T09:30:00Z",
    ),
    "local-date-time": (
        rules.is_local_date_time,
        "a date-time without an offset, YYYY-MM-DDTHH:MM:SS[.fff], such as 2024-01-31T09:30:00",
    ),
    "date-time-optional-offset": (
        lambda value: rules.is_date_time(value) or rules.is_local_date_time(value),
        "a date-time YYYY-MM-DDTHH:MM:SS[.fff], optionally followed by Z or ±HH:MM",
    ),
    "email": (rules.is_email, "an e-mail address such as name@example.com"),
    "uri": (rules.is_uri, "an absolute http or https URL"),
    "uuid": (rules.is_uuid, "a UUID such as 497f6eca-6276-4993-bfeb-53cbbbba6f08"),
}


# -- the same formats as schemas, for the fast path ----------------------------------------------
#
# jsonschema-rs has its own ideas of ``date-time`` (lower-case ``t``, leap seconds) and
# ``email`` (quoted local parts, IP literals), and none of ``local-date-time``. The
# fast path therefore gets each format as standard keywords that accept exactly what
# the predicates above accept; a property test holds the two to each other.

_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"  # 0001-9999
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][48]|[2468]0|[13579][26])00)"
_DATE = (
    rf"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    rf"|02-(?:0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)"
)
_TIME = r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,9})?"
_OFFSET = r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"

#: format name -> standard keywords accepting exactly the strings the predicate accepts
FORMAT_SCHEMAS: dict[str, dict[str, Any]] = {
    "date": {"pattern": f"^{_DATE}$"},
    "date-time": {"pattern": f"^{_DATE}{_TIME}{_OFFSET}$"},
    "local-date-time": {"pattern": f"^{_DATE}{_TIME}$"},
    "date-time-optional-offset": {"pattern": f"^{_DATE}{_TIME}{_OFFSET}?$"},
    "email": {
        "maxLength": 254,
        "pattern": rf"^{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,63}}$",
        "allOf": [{"pattern": "^[^@]{1,64}@"}],
    },
    "uri": {"maxLength": 2048, "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"},
    "uuid": {"pattern": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},
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
    """A new ``jsonschema.FormatChecker`` that knows exactly the formats in :data:`FORMATS`."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name, (predicate, expected) in FORMATS.items():
        checker.checks(name, raises=FormatProblem)(_checker(predicate, expected))
    return checker

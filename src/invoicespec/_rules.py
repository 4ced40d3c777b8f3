"""The rules themselves, as pure functions of plain values.

Nothing here knows about JSON Schema or about any validation engine: the
jsonschema keywords in ``_keywords.py`` and ``_formats.py`` are thin wrappers
around these functions, and a faster engine can call the same ones. Every
function accepts any value and never raises on bad input: it answers with
``None``, ``False`` or a result that names the problem.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal

# phonenumbers and schwifty are imported where first needed: together they are a fifth of a
# cold start, and most payloads carry no phone number or IBAN.

__all__ = [
    "DigitCount",
    "IbanResult",
    "PhoneResult",
    "Temporal",
    "check_iban",
    "check_phone",
    "compare_temporal",
    "count_digits",
    "destination_tier",
    "is_date",
    "is_date_time",
    "is_email",
    "is_local_date_time",
    "is_uri",
    "is_uuid",
    "parse_temporal",
    "short",
]

# -- display --------------------------------------------------------------------------------------


def short(value: Any, limit: int = 40) -> str:
    """A bounded ``repr`` for messages: never echoes more than ``limit`` characters of the input."""
    if isinstance(value, str):
        if len(value) > limit:
            return repr(value[:limit]) + f"... ({len(value):,} characters)"
        return repr(value)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        if value.bit_length() > 128:
            return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"
        return str(value)
    if isinstance(value, float | Decimal):
        text = repr(value) if isinstance(value, float) else str(value)
        return text if len(text) <= limit else text[:limit] + "..."
    if isinstance(value, dict):
        return f"an object with {len(value):,} fields" if value else "an empty object"
    if isinstance(value, list):
        return f"an array of {len(value):,} items" if value else "an empty array"
    return f"a {type(value).__name__}"


# -- dates and date-times -------------------------------------------------------------------------

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))?"
)

TemporalKind = Literal["date", "local", "zoned"]


@dataclass(frozen=True, slots=True)
class Temporal:
    """A parsed date or date-time. ``kind`` decides what it can be compared with."""

    kind: TemporalKind
    value: _dt.date | _dt.datetime


def _date(year: str, month: str, day: str) -> _dt.date | None:
    try:
        return _dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _parse_temporal(text: str) -> Temporal | None:
    match = _DATE.fullmatch(text)
    if match:
        day = _date(*match.groups())
        return None if day is None else Temporal("date", day)
    match = _DATE_TIME.fullmatch(text)
    if not match:
        return None
    year, month, mday, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    day = _date(year, month, mday)
    if day is None or int(hour) > 23 or int(minute) > 59 or int(second) > 59:
        return None
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    moment = _dt.datetime(day.year, day.month, day.day, int(hour), int(minute), int(second), micro)
    if zulu:
        return Temporal("zoned", moment.replace(tzinfo=_dt.timezone.utc))
    if sign:
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        offset = _dt.timedelta(hours=int(off_h), minutes=int(off_m))
        zone = _dt.timezone(-offset if sign == "-" else offset)
        return Temporal("zoned", moment.replace(tzinfo=zone))
    return Temporal("local", moment)


def parse_temporal(value: Any) -> Temporal | None:
    """Parse ``YYYY-MM-DD`` or an RFC 3339 date-time (offset optional); ``None`` if it is neither.

    Only ASCII digits in exactly these shapes are accepted, and only real calendar
    dates and clock times (no leap second): ``20240101``, ``2024-W01-1``, ``2024-1-1``
    and ``2024-02-30`` are all ``None``.
    """
    if not isinstance(value, str) or len(value) > 40:
        return None
    return _parse_temporal(value)


def is_date(value: Any) -> bool:
    """True for a real calendar date written ``YYYY-MM-DD``."""
    parsed = parse_temporal(value)
    return parsed is not None and parsed.kind == "date"


def is_date_time(value: Any) -> bool:
    """True for an RFC 3339 date-time with ``Z`` or a ``±HH:MM`` offset."""
    parsed = parse_temporal(value)
    return parsed is not None and parsed.kind == "zoned"


def is_local_date_time(value: Any) -> bool:
    """True for a date-time without an offset (``1985-04-12T23:02:50``)."""
    parsed = parse_temporal(value)
    return parsed is not None and parsed.kind == "local"


def compare_temporal(earlier: Any, later: Any) -> int | None:
    """Compare two dates or date-times: -1, 0 or 1, or ``None`` when they cannot be ordered.

    Dates compare with dates, zoned date-times compare as instants whatever their
    offsets, local date-times compare with local ones. A local and a zoned value,
    or a date and a date-time, cannot be ordered, and neither can malformed values.
    """
    first, second = parse_temporal(earlier), parse_temporal(later)
    if first is None or second is None or first.kind != second.kind:
        return None
    a, b = first.value, second.value
    return (a > b) - (a < b)  # type: ignore[operator]


# -- e-mail and URIs ------------------------------------------------------------------------------

_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def is_email(value: Any) -> bool:
    """An ASCII address ``local@domain.tld`` (no quoted local parts, no IP literals)."""
    if not isinstance(value, str) or len(value) > 254 or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    return (
        len(local) <= 64
        and _EMAIL_LOCAL.fullmatch(local) is not None
        and _DOMAIN.fullmatch(domain) is not None
    )


# The scheme's letters are spelled out: ``(?i)`` would also let the Kelvin sign and
# the long s through (Unicode case folding), and the URL must be ASCII.
_URI = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?")


def is_uri(value: Any) -> bool:
    """An absolute ``http`` or ``https`` URL of printable ASCII, at most 2,048 characters."""
    return isinstance(value, str) and len(value) <= 2048 and _URI.fullmatch(value) is not None


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(value: Any) -> bool:
    """A UUID in its 36-character hyphenated form (any version, either letter case)."""
    return isinstance(value, str) and len(value) == 36 and _UUID.fullmatch(value) is not None


# -- exact decimal digits -------------------------------------------------------------------------

_DECIMAL_STRING = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Ints wider than this have more digits than any limit the vocabulary allows, and
# str() of them could exceed Python's int-to-string limit.
_MAX_INT_BITS = 4000


@dataclass(frozen=True, slots=True)
class DigitCount:
    """How many integral and fractional digits a number has (as Java's ``@Digits`` counts them)."""

    integral: int
    fractional: int


def count_digits(value: Any) -> DigitCount | None:
    """Count the digits of a number or a decimal string; ``None`` if it is neither.

    Counting is exact: floats are read from their shortest ``repr`` (``0.1`` has one
    fractional digit, not 55), strings and ``Decimal`` as written. Leading zeros and
    trailing fractional zeros do not count (``"007.50"`` has 1 integral and 1
    fractional digit), like ``BigDecimal.stripTrailingZeros`` behind Java's
    ``@Digits``, which is what the vendors' messages describe.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            return DigitCount(integral=int(value.bit_length() * 0.30103), fractional=0)
        return DigitCount(integral=len(str(abs(value))) if value else 1, fractional=0)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = repr(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            return None
        text = str(value)
    elif isinstance(value, str):
        if len(value) > 1000 or not _DECIMAL_STRING.fullmatch(value):
            return None
        text = value
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the shapes above are all valid decimals
        return None
    if number.is_zero():
        return DigitCount(integral=1, fractional=0)
    _, digits, exponent = number.normalize().as_tuple()
    scale = -int(exponent)
    return DigitCount(integral=max(len(digits) - scale, 0), fractional=max(scale, 0))


# -- phone numbers --------------------------------------------------------------------------------

PhoneProblem = Literal["too_short", "too_long", "invalid_country_code", "invalid_format", "unallocated"]

#: GetBill's wording, verbatim, for each problem.
PHONE_MESSAGES: dict[str, str] = {
    "too_short": "phone number too short",
    "too_long": "phone number too long",
    "invalid_country_code": "invalid country code",
    "invalid_format": "number format is not valid",
    "unallocated": "number not registered in carrier database",
}

# What people type: digits, one leading plus, and the usual separators. Anything
# else (letters, NUL, zero-width spaces, bidi marks, non-ASCII digits) is refused
# before phonenumbers sees it, because phonenumbers silently drops some of them.
_PHONE_CHARS = re.compile(r"\+?[0-9 ().\-/]*")
_MAX_PHONE_INPUT = 64


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """The verdict on one phone number: ``problem`` is None when it is valid."""

    problem: PhoneProblem | None
    e164: str | None = None
    region: str | None = None

    @property
    def message(self) -> str | None:
        """GetBill's message for the problem, or None."""
        return None if self.problem is None else PHONE_MESSAGES[self.problem]


def check_phone(value: Any, default_region: str) -> PhoneResult | None:
    """Validate a phone number written as people type it; ``None`` for a non-string.

    Numbers without a ``+`` are read as national numbers of ``default_region``. The
    result carries the E.164 form and the region phonenumbers assigns, or the problem.
    """
    if not isinstance(value, str):
        return None
    if len(value) > _MAX_PHONE_INPUT:
        return PhoneResult("too_long")
    return _check_phone(value, default_region)


@lru_cache(maxsize=8192)
def _check_phone(text: str, default_region: str) -> PhoneResult:
    if not _PHONE_CHARS.fullmatch(text) or not any(c.isdigit() for c in text):
        return PhoneResult("invalid_format")
    import phonenumbers

    possibility = phonenumbers.ValidationResult
    parse_errors = phonenumbers.NumberParseException
    try:
        number = phonenumbers.parse(text, default_region)
    except parse_errors as error:
        return PhoneResult(
            {
                parse_errors.INVALID_COUNTRY_CODE: "invalid_country_code",
                parse_errors.TOO_SHORT_AFTER_IDD: "too_short",
                parse_errors.TOO_SHORT_NSN: "too_short",
                parse_errors.TOO_LONG: "too_long",
            }.get(error.error_type, "invalid_format")
        )
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible == possibility.TOO_SHORT:
        return PhoneResult("too_short")
    if possible == possibility.TOO_LONG:
        return PhoneResult("too_long")
    if possible == possibility.INVALID_COUNTRY_CODE:
        return PhoneResult("invalid_country_code")
    if possible != possibility.IS_POSSIBLE or not phonenumbers.is_valid_number(number):
        return PhoneResult("unallocated" if _fits_numbering_plan(number) else "invalid_format")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return PhoneResult(None, e164=e164, region=phonenumbers.region_code_for_number(number))


def _fits_numbering_plan(number: Any) -> bool:
    """Whether the number (a ``phonenumbers.PhoneNumber``) has its country's general shape, only in
    a range no carrier holds."""
    import phonenumbers

    national = phonenumbers.national_significant_number(number)
    for region in phonenumbers.region_codes_for_country_code(number.country_code):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
            number.country_code, region
        )
        pattern = metadata.general_desc.national_number_pattern if metadata else None
        if pattern and re.fullmatch(pattern, national):
            return True
    return False


def destination_tier(region: str | None, tiers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first tier whose ``regions`` list holds ``region``, or None."""
    if region is None:
        return None
    for tier in tiers:
        if region in tier["regions"]:
            return tier
    return None


# -- IBANs ----------------------------------------------------------------------------------------

IbanProblem = Literal["characters", "length", "country", "structure", "checksum", "national_checksum"]

_IBAN_CHARS = re.compile(r"[A-Za-z0-9 ]*")
_MAX_IBAN_INPUT = 64  # the longest IBAN is 34 characters; leave room for spaces


@dataclass(frozen=True, slots=True)
class IbanResult:
    """The verdict on one IBAN: ``problem`` is None when it is valid.

    ``message`` never quotes more than the first four characters of the input.
    """

    problem: IbanProblem | None
    compact: str | None = None
    message: str | None = None


def check_iban(value: Any) -> IbanResult | None:
    """Validate an IBAN (spaces and lower case allowed); ``None`` for a non-string."""
    if not isinstance(value, str):
        return None
    if len(value) > _MAX_IBAN_INPUT:
        return IbanResult("length", message=f"is not a valid IBAN: too long ({len(value):,} characters)")
    return _check_iban(value)


@lru_cache(maxsize=8192)
def _check_iban(text: str) -> IbanResult:
    if not _IBAN_CHARS.fullmatch(text):
        return IbanResult(
            "characters", message="is not a valid IBAN: only letters, digits and spaces are allowed"
        )
    compact = text.replace(" ", "").upper()
    prefix = compact[:4]
    country = compact[:2]
    from schwifty import IBAN
    from schwifty import exceptions as iban_errors

    try:
        iban = IBAN(compact)
    except iban_errors.InvalidCountryCode:
        return IbanResult("country", message=f"is not a valid IBAN: unknown country code {country!r}")
    except iban_errors.InvalidLength:
        return IbanResult(
            "length",
            message=f"is not a valid IBAN: wrong length for country {country!r} ({len(compact)} characters)",
        )
    except iban_errors.InvalidChecksumDigits:
        return IbanResult(
            "checksum", message=f"is not a valid IBAN: the check digits of {prefix!r}... do not match"
        )
    except iban_errors.InvalidBBANChecksum:  # pragma: no cover - only raised with validate_bban
        return IbanResult("national_checksum", message="is not a valid IBAN: wrong national checksum")
    except ValueError:  # InvalidStructure and any other schwifty error (all ValueErrors)
        return IbanResult(
            "structure",
            message=f"is not a valid IBAN: the account part does not fit the format of country {country!r}",
        )
    return IbanResult(None, compact=iban.compact)

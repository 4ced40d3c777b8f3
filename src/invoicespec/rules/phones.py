"""Phone numbers as people type them, checked with ``phonenumbers``, and their cost tiers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal


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


def check_phone(value: Any, default_region: str | None) -> PhoneResult | None:
    """Validate a phone number written as people type it; ``None`` for a non-string.

    Numbers without a ``+`` are read as national numbers of ``default_region`` (None: refused). The
    result carries the E.164 form and the region phonenumbers assigns, or the problem.
    """
    if not isinstance(value, str):
        return None
    if len(value) > _MAX_PHONE_INPUT:
        return PhoneResult("too_long")
    return _check_phone(value, default_region)


@lru_cache(maxsize=8192)
def _check_phone(text: str, default_region: str | None) -> PhoneResult:
    if not _PHONE_CHARS.fullmatch(text) or not any(c.isdigit() for c in text):
        return PhoneResult("invalid_format")
    import phonenumbers

    possibility = phonenumbers.ValidationResult
    parse_errors = phonenumbers.NumberParseException
    try:
        number = phonenumbers.parse(text, default_region)
    except parse_errors as error:
        problems: dict[int, PhoneProblem] = {
            parse_errors.INVALID_COUNTRY_CODE: "invalid_country_code",
            parse_errors.TOO_SHORT_AFTER_IDD: "too_short",
            parse_errors.TOO_SHORT_NSN: "too_short",
            parse_errors.TOO_LONG: "too_long",
        }
        return PhoneResult(problems.get(error.error_type, "invalid_format"))
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
        general = metadata.general_desc if metadata else None
        pattern = general.national_number_pattern if general else None
        if pattern and re.fullmatch(pattern, national):
            return True
    return False


def is_region(region: Any) -> bool:
    """Whether phonenumbers knows ``region`` (an ISO 3166-1 alpha-2 code it has numbering plans for)."""
    import phonenumbers

    return region in phonenumbers.SUPPORTED_REGIONS


def destination_tier(region: str | None, tiers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first tier whose ``regions`` list holds ``region``, or None."""
    if region is None:
        return None
    for tier in tiers:
        if region in tier["regions"]:
            return tier
    return None


@lru_cache(maxsize=None)
def example_numbers() -> tuple[tuple[str, Any], ...]:
    """Valid numbers of every region phonenumbers knows, as ``(region, phonenumbers.PhoneNumber)``: its
    example mobile and fixed-line numbers, for test data that must be real."""
    import phonenumbers

    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None and phonenumbers.is_valid_number(number):
                found.append((region, number))
    return tuple(found)

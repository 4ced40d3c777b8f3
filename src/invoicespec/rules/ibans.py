"""IBANs (ISO 13616), checked with ``schwifty``; messages never quote more than four characters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal


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
        return IbanResult("length", message=f"invalid IBAN: too long ({len(value):,} characters)")
    return _check_iban(value)


@lru_cache(maxsize=8192)
def _check_iban(text: str) -> IbanResult:
    if not _IBAN_CHARS.fullmatch(text):
        return IbanResult(
            "characters", message="invalid IBAN: only letters, digits and spaces are allowed"
        )
    compact = text.replace(" ", "").upper()
    prefix = compact[:4]
    country = compact[:2]
    from schwifty import IBAN
    from schwifty import exceptions as iban_errors

    try:
        iban = IBAN(compact)
    except iban_errors.InvalidCountryCode:
        return IbanResult("country", message=f"invalid IBAN: unknown country code {country!r}")
    except iban_errors.InvalidLength:
        return IbanResult(
            "length",
            message=f"invalid IBAN: wrong length for country {country!r} ({len(compact)} characters)",
        )
    except iban_errors.InvalidChecksumDigits:
        return IbanResult(
            "checksum", message=f"invalid IBAN: the check digits of {prefix!r}... do not match"
        )
    except iban_errors.InvalidBBANChecksum:  # pragma: no cover - only raised with validate_bban
        return IbanResult("national_checksum", message="invalid IBAN: wrong national checksum")
    except ValueError:  # InvalidStructure and any other schwifty error (all ValueErrors)
        return IbanResult(
            "structure",
            message=f"invalid IBAN: the account part does not fit the format of country {country!r}",
        )
    return IbanResult(None, compact=iban.compact)

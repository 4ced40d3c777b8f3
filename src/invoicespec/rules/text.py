"""E-mail addresses, URLs and UUIDs, each in the one ASCII shape the schemas mean."""

from __future__ import annotations

import re
from typing import Any


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

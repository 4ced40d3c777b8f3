"""The rules themselves, as pure functions of plain values.

Nothing here knows about JSON Schema or about any validation engine: the keywords in
:mod:`invoicespec.keywords` adapt these functions to each engine, and the strategies,
docs and exports ask the same ones. Every function accepts any value and never raises
on bad input: it answers with ``None``, ``False`` or a result that names the problem.

phonenumbers and schwifty are imported where first needed: together they are a fifth
of a cold start, and most payloads carry no phone number or IBAN.
"""

from invoicespec.rules.dates import (
    Temporal, TemporalKind, compare_temporal, is_date, is_date_time, is_local_date_time, parse_temporal,
)
from invoicespec.rules.digits import DigitCount, count_digits
from invoicespec.rules.display import short
from invoicespec.rules.ibans import IbanProblem, IbanResult, check_iban
from invoicespec.rules.phones import (
    PHONE_MESSAGES, PhoneProblem, PhoneResult, check_phone, destination_tier, is_region,
)
from invoicespec.rules.text import is_email, is_uri, is_uuid

__all__ = [
    "PHONE_MESSAGES",
    "DigitCount",
    "IbanProblem",
    "IbanResult",
    "PhoneProblem",
    "PhoneResult",
    "Temporal",
    "TemporalKind",
    "check_iban",
    "check_phone",
    "compare_temporal",
    "count_digits",
    "destination_tier",
    "is_date",
    "is_date_time",
    "is_email",
    "is_local_date_time",
    "is_region",
    "is_uri",
    "is_uuid",
    "parse_temporal",
    "short",
]

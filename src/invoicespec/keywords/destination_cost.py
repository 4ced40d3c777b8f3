"""``x-destination-cost``: The phone number at `phone` is classified into the first tier whose `regions` hold the
region phonenumbers assigns it. A tier marked `expensive` is refused unless the value at `acceptedBy` is
`true`; the error names the tier, its credits per call and its multiplier. Invalid or absent phones are
skipped (the phone keyword reports them); a phone in no tier is accepted.
"""

from __future__ import annotations

from typing import Any

from invoicespec import rules
from invoicespec.rules.pointer import parse_pointer, resolve
from invoicespec.keywords.keyword import Errors, Keyword, error


def validate(validator, options: dict, instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    number, number_path = resolve(instance, parse_pointer(options["phone"]))
    result = rules.check_phone(number, options.get("defaultRegion"))
    if result is None or result.problem is not None:
        return  # no phone, or an invalid one: the phone keyword reports it
    tier = rules.destination_tier(result.region, options["tiers"])
    if tier is None or not tier["expensive"]:
        return
    accepted_by = options["acceptedBy"]
    if resolve(instance, parse_pointer(accepted_by))[0] is True:
        return
    yield error(
        f"{result.e164} is an expensive destination ({tier['name']}: {tier['creditsPerCall']} credits "
        f"per call, {tier['multiplier']}x the base rate); set {accepted_by[1:]} to true to accept the cost",
        path=number_path, instance=number,
    )


KEYWORD = Keyword(
    name="x-destination-cost",
    summary="the phone number is an expensive destination that was not accepted",
    validate=validate,
)

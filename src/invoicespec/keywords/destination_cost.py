"""``x-destination-cost``: The phone number at `phone` is classified into the first tier whose `regions` hold the
region phonenumbers assigns it. A tier marked `expensive` is refused unless the value at `acceptedBy` is
`true`; the error names the tier, its credits per call and its multiplier. Invalid or absent phones are
skipped (`x-phone` reports them); a phone in no tier is accepted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.rules.phones import example_numbers
from invoicespec.rules.pointer import parse_pointer, resolve, set_at, value_at
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


def validate(validator, options: dict, instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    number, number_path = resolve(instance, parse_pointer(options["phone"]))
    result = rules.check_phone(number, options.get("defaultRegion"))
    if result is None or result.problem is not None:
        return  # no phone, or an invalid one: x-phone reports it
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


def arrange(options: dict, fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
    def accept_the_cost(draw: Draw, value: Any) -> None:
        phone = rules.check_phone(value_at(value, options["phone"]), options.get("defaultRegion"))
        tier = rules.destination_tier(phone.region, options["tiers"]) if phone and phone.e164 else None
        if tier is not None and tier["expensive"]:
            set_at(value, options["acceptedBy"], True)

    return accept_the_cost


def fault(options: dict, value: Any, site: Site) -> Iterator[Fault]:
    if not isinstance(value, dict) or not isinstance(value_at(value, options["phone"]), str):
        return
    expensive = _expensive_number(options)
    accepted = parse_pointer(options["acceptedBy"])
    if expensive is not None and len(accepted) == 1:  # a top-level flag: dropping it leaves no other trace
        def call_abroad(document: Any, number: str = expensive, phone: str = options["phone"],
                        flag: str = accepted[0]) -> Any:
            document.pop(flag, None)
            set_at(document, phone, number)
            return document
        yield Fault((), call_abroad, where=parse_pointer(options["phone"]))


def entangled_fields(options: dict) -> list[str]:
    return [parse_pointer(options["acceptedBy"])[0]]  # without it, an expensive number is refused


def _expensive_number(options: dict) -> str | None:
    """A valid E.164 number in the first expensive tier (the tiers serialized as the cache key)."""
    return _expensive_number_for(json.dumps(options["tiers"], sort_keys=True))


@lru_cache(maxsize=None)
def _expensive_number_for(tiers: str) -> str | None:
    import phonenumbers

    for tier in json.loads(tiers):
        if tier["expensive"]:
            for region, number in example_numbers():
                if region in tier["regions"]:
                    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


KEYWORD = Keyword(
    name="x-destination-cost",
    summary="the phone number is an expensive destination that was not accepted",
    validate=validate,
    instance_type="object",
    arrange=arrange,
    fault=fault,
    entangled_fields=entangled_fields,
)

"""``x-destination-cost``: The phone number at `phone` is classified into the first tier whose `regions` hold the
region phonenumbers assigns it. A tier marked `expensive` is refused unless the value at `acceptedBy` is
`true`; the error names the tier, its credits per call and its multiplier. Invalid or absent phones are
skipped (`x-phone` reports them); a phone in no tier is accepted.
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


# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict) -> dict:
    """A description listing the tiers (JSON Schema knows no phone regions)."""
    from invoicespec.outputs.openapi import shown_field, with_note  # only the export needs them

    cost = schema["x-destination-cost"]
    tiers = "; ".join(
        f"{tier['name']} ({', '.join(tier['regions'])}): {tier['creditsPerCall']} credits per call, "
        f"x{tier['multiplier']}{', expensive' if tier['expensive'] else ''}"
        for tier in cost["tiers"]
    )
    return with_note(schema, (
        f"Destination cost (`x-destination-cost`, checked by invoicespec only): the region of the phone number "
        f"{shown_field(cost['phone'])} picks the first tier that lists it. A phone number in an expensive tier is "
        f"refused unless {shown_field(cost['acceptedBy'])} is true; a phone number in no tier is accepted. Tiers: "
        f"{tiers}."
    ))


# -- the reference (docs) ---------------------------------------------------------------------------


def describe(options: dict, path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import code, relative  # only the reference needs them

    return [(f"the phone number at {code(relative(options['phone']))} is classified by its region into the first "
             "tier that lists it (table below); a number in an expensive tier is refused unless "
             f"{code(relative(options['acceptedBy']))} is `true`, and the error names the destination, its "
             "credits per call and its multiplier; a number in no tier is accepted",
             (path + options["phone"], path + options["acceptedBy"]))]


def facts(options: dict, path: str) -> list[tuple[str, Any, Any]]:
    """The reference's tier table of this location (the fields of ``TierTable``), one per path."""
    table = {"path": path, "phone": path + options["phone"], "accepted_by": path + options["acceptedBy"],
             "default_region": options.get("defaultRegion", ""), "tiers": tuple(options["tiers"])}
    return [("tiers", path, table)]


KEYWORD = Keyword(
    name="x-destination-cost",
    summary="the phone number is an expensive destination that was not accepted",
    validate=validate,
    openapi_lower=lower,
    docs_rules=describe,
    docs_cross_field=True,
    docs_facts=facts,
    docs_order=7,
)

"""``x-destination-cost``: a phone number of an expensive destination must be accepted explicitly.

Its full meaning is the ``description`` of :data:`ARGUMENT_SCHEMA`, which the vocabulary is generated from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from invoicespec import rules
from invoicespec.keywords import phone
from invoicespec.keywords.keyword import Draw, Errors, Fault, Keyword, error, relative_pointer
from invoicespec.rules.phones import example_numbers
from invoicespec.rules.pointer import parse_pointer, resolve, set_at, value_at

if TYPE_CHECKING:
    from invoicespec.testing.faults import Site


ARGUMENT_SCHEMA: dict[str, Any] = {
    "description": (
        "The phone number at `phone` is classified into the first tier whose `regions` hold the region phonenumbers "
        "assigns it. A tier marked `expensive` is refused unless the value at `acceptedBy` is `true`; the error "
        "names the tier, its credits per call and its multiplier. Invalid or absent phones are skipped "
        f"(`{phone.KEYWORD.name}` reports them); a phone in no tier is accepted."
    ),
    "type": "object",
    "required": ["phone", "acceptedBy", "tiers"],
    "additionalProperties": False,
    "properties": {
        "phone": relative_pointer("JSON Pointer, relative to the object, to the phone number."),
        "acceptedBy": relative_pointer(
            "JSON Pointer, relative to the object, to the boolean that accepts an expensive destination."
        ),
        "defaultRegion": {
            "description": f"Region for national numbers; must match the phone field's own `{phone.KEYWORD.name}`.",
            "type": "string",
            "pattern": "^[A-Z]{2}$",
        },
        "tiers": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "regions", "creditsPerCall", "multiplier", "expensive"],
                "additionalProperties": False,
                "properties": {
                    "name": {
                        "description": "The destination's name, as the vendor writes it.",
                        "type": "string",
                        "minLength": 1,
                    },
                    "regions": {
                        "description": (
                            "ISO 3166-1 alpha-2 regions (as phonenumbers assigns them) that belong to the tier."
                        ),
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"type": "string", "pattern": "^[A-Z]{2}$"},
                    },
                    "creditsPerCall": {
                        "description": "Credits one call to the destination costs.",
                        "type": "integer",
                        "minimum": 0,
                    },
                    "multiplier": {
                        "description": "Cost relative to the base rate.",
                        "type": "number",
                        "exclusiveMinimum": 0,
                    },
                    "expensive": {
                        "description": "Whether the destination must be accepted explicitly.",
                        "type": "boolean",
                    },
                },
            },
        },
    },
}


def validate(validator: Any, options: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
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


def argument_problems(options: dict[str, Any], schema: dict[str, Any]) -> Iterator[str]:
    region = options.get("defaultRegion")
    if region is not None and not rules.is_region(region):
        yield f"phonenumbers has no region {region!r}"
    # The phone field's own keyword reads national numbers in its region: both must read them alike.
    head = parse_pointer(options["phone"])
    declared = schema.get("properties")
    field = declared.get(head[0]) if isinstance(declared, dict) else None
    own = field.get(phone.KEYWORD.name, {}).get("defaultRegion") if isinstance(field, dict) else None
    if len(head) == 1 and own != region:
        yield f"defaultRegion {region!r} differs from the phone field's {phone.KEYWORD.name} defaultRegion {own!r}"
    for tier in options["tiers"]:
        unknown = [r for r in tier["regions"] if not rules.is_region(r)]
        if unknown:
            yield f"tier {tier['name']!r} names unknown regions {unknown}"


def object_pointers(options: dict[str, Any]) -> list[str]:
    return [options["phone"], options["acceptedBy"]]
# -- the OpenAPI export -------------------------------------------------------------------------------


def lower(schema: dict[str, Any]) -> dict[str, Any]:
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


def describe(options: dict[str, Any], path: str) -> list[tuple[str, tuple[str, ...]]]:
    from invoicespec.outputs.docs.words import code, relative  # only the reference needs them

    return [(f"the phone number at {code(relative(options['phone']))} is classified by its region into the first "
             "tier that lists it (table below); a number in an expensive tier is refused unless "
             f"{code(relative(options['acceptedBy']))} is `true`, and the error names the destination, its "
             "credits per call and its multiplier; a number in no tier is accepted",
             (path + options["phone"], path + options["acceptedBy"]))]


def facts(options: dict[str, Any], path: str) -> list[tuple[str, Any, Any]]:
    """The reference's tier table of this location (the fields of ``TierTable``), one per path."""
    table = {"path": path, "phone": path + options["phone"], "accepted_by": path + options["acceptedBy"],
             "default_region": options.get("defaultRegion", ""), "tiers": tuple(options["tiers"])}
    return [("tiers", path, table)]


# -- the strategies: valid values and faults ------------------------------------------------------


def arrange(options: dict[str, Any], fields: dict[str, Any]) -> Callable[[Draw, Any], None]:
    def accept_the_cost(draw: Draw, value: Any) -> None:
        phone = rules.check_phone(value_at(value, options["phone"]), options.get("defaultRegion"))
        tier = rules.destination_tier(phone.region, options["tiers"]) if phone and phone.e164 else None
        if tier is not None and tier["expensive"]:
            set_at(value, options["acceptedBy"], True)

    return accept_the_cost


def fault(options: dict[str, Any], value: Any, site: Site) -> Iterator[Fault]:
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


def entangled_fields(options: dict[str, Any]) -> list[str]:
    return [parse_pointer(options["acceptedBy"])[0]]  # without it, an expensive number is refused


def _expensive_number(options: dict[str, Any]) -> str | None:
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
    argument_problems=argument_problems,
    object_pointers=object_pointers,
    argument_schema=ARGUMENT_SCHEMA,
    openapi_lower=lower,
    docs_rules=describe,
    docs_cross_field=True,
    docs_facts=facts,
    docs_order=7,
    instance_type="object",
    arrange=arrange,
    fault=fault,
    entangled_fields=entangled_fields,
)

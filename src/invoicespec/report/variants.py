"""What each variant of every ``anyOf``/``oneOf`` declares, and which of its fields choose the variant.

The error report tells variants apart by their discriminators (see
``messages._meant_branch``). A ``const``/``enum`` failure on a field only
discriminates when another variant *declares* that field: an open variant that
does not mention it accepts any value vacuously, and must not count. Errors alone
cannot say what a variant declares, so this walk records it, following ``$ref``
(with the right base URI) and ``allOf`` into each variant (``catalog.nodes.flatten``).

It also finds each variant list's discriminators (:func:`discriminators`): the
fields whose allowed values or types differ from variant to variant, with what
each variant accepts there, so that a value no variant accepts is reported at its
field with the values that choose each variant. The fault generator asks the same
function, so the faults it makes and the errors reported agree by construction.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from invoicespec.catalog.load import reachable
from invoicespec.catalog.nodes import Sub, flatten
from invoicespec.rules.json_data import json_type

__all__ = [
    "Declared", "Discriminator", "Variants", "accepted_types", "declared_fields", "discriminators", "fits_no_variant",
    "fits_types", "misfit_keyword",
]


@dataclass(frozen=True)
class Discriminator:
    """A field whose value chooses the variant: what each variant accepts there."""

    name: str
    #: Per variant, the values it allows there (its ``const``/``enum``; none when it is closed and does
    #: not declare the field), or None for any value of its types.
    values: tuple[tuple[Any, ...] | None, ...]
    #: Per variant, the JSON types it allows there, or None for any type.
    types: tuple[frozenset[str] | None, ...]
    #: Per variant, whether it requires the field (a variant that does not is also chosen by its absence).
    required: tuple[bool, ...]
    #: Per variant, its title (or "variant N", counted from 1).
    titles: tuple[str, ...]

    @cached_property
    def taken(self) -> frozenset[tuple[bool, Any]] | None:
        """Every value some variant takes, marked as a boolean or not (true is not 1), when every
        variant lists its values and they are scalars; else None. A report asks it of every payload."""
        if any(values is None for values in self.values):
            return None
        try:
            return frozenset((isinstance(value, bool), value) for values in self.values if values for value in values)
        except TypeError:  # an object or array among them
            return None


@dataclass(frozen=True)
class Variants:
    """One ``anyOf``/``oneOf`` list: the fields each variant declares, and its discriminators."""

    #: For each variant, the fields it declares, each with a comparable form of the values its
    #: ``const``/``enum`` allows (None when the field takes any value of its type).
    fields: tuple[Mapping[str, Any], ...]
    discriminators: tuple[Discriminator, ...]


#: id() of an anyOf/oneOf list -> what its variants declare.
Declared = Mapping[int, Variants]


def declared_fields(root: Any, resolver: Any) -> dict[int, Variants]:
    """Walk every schema reachable from ``root`` and record each variant list's declared fields."""
    found: dict[int, Variants] = {}
    for schema, here in reachable([(root, resolver)]):
        for keyword in ("anyOf", "oneOf"):
            variants = schema.get(keyword)
            if isinstance(variants, list):
                alternatives = [[(variant, here)] for variant in variants]
                titles = [variant.get("title", "") if isinstance(variant, dict) else "" for variant in variants]
                found[id(variants)] = Variants(
                    tuple(_fields(alternative) for alternative in alternatives),
                    discriminators(alternatives, titles),
                )
    return found


def _fields(alternative: list[Sub]) -> dict[str, Any]:
    return {name: _signature(flatten(subs).enum) for name, subs in flatten(alternative).properties.items()}


def _signature(values: list[Any] | None) -> str | None:
    """A comparable form of the values a field's ``const``/``enum`` allows, or None."""
    return None if values is None else json.dumps(sorted(json.dumps(value, sort_keys=True) for value in values))


def discriminators(
    alternatives: Sequence[list[Sub]], titles: Sequence[str], names: Collection[str] | None = None,
) -> tuple[Discriminator, ...]:
    """The fields of an object that tell ``alternatives`` apart by value.

    A field discriminates when at least two variants declare it with a rule on its value
    (``const``, ``enum`` or ``type``) and those rules differ (``draft: [true]`` against
    ``[false]``; ``type: BLOCK`` against ``RECURRING``). With ``names`` (the fields an
    ``if`` tests), those fields. A closed variant that does not declare a field takes no
    value there (it is chosen by the field's absence).
    """
    nodes = [flatten(alternative) for alternative in alternatives]
    found = []
    for name in sorted({name for node in nodes for name in node.properties} if names is None else names):
        fields = [flatten(node.properties[name]) if name in node.properties else None for node in nodes]
        rules = [
            (_signature(field.enum), None if field.types is None else tuple(sorted(field.types)))
            for field in fields if field is not None and (field.enum is not None or field.types is not None)
        ]
        if names is None and (len(rules) < 2 or len(set(rules)) < 2):
            continue
        found.append(Discriminator(
            name=name,
            values=tuple(
                (() if node.additional is False else None) if field is None
                else None if field.enum is None else tuple(field.enum)
                for field, node in zip(fields, nodes)
            ),
            types=tuple(None if field is None or field.types is None else frozenset(field.types) for field in fields),
            required=tuple(name in node.required for node in nodes),
            titles=tuple(title or f"variant {index + 1}" for index, title in enumerate(titles)),
        ))
    return tuple(found)


def accepted_types(discriminator: Discriminator) -> frozenset[str] | None:
    """The JSON types some variant accepts at the field (None: any type)."""
    accepted: set[str] = set()
    for values, types in zip(discriminator.values, discriminator.types):
        if values is not None:
            accepted.update(json_type(value) for value in values)
        elif types is not None:
            accepted.update(types)
        else:
            return None
    return frozenset(accepted)


def fits_types(value: Any, types: frozenset[str] | set[str]) -> bool:
    """Whether ``value`` is of one of the JSON ``types`` (a whole float counts as an integer)."""
    kind = json_type(value)
    return kind in types or (kind == "integer" and "number" in types) or (
        kind == "number" and "integer" in types and float(value).is_integer())


def misfit_keyword(discriminator: Discriminator, value: Any) -> str:
    """The keyword a value no variant accepts is reported with: ``type`` when no variant accepts its
    JSON type, else ``enum`` (its type is right, its value is none of those that choose a variant)."""
    accepted = accepted_types(discriminator)
    return "type" if accepted is not None and not fits_types(value, accepted) else "enum"


def fits_no_variant(discriminator: Discriminator, value: Any) -> bool:
    """Whether every variant refuses ``value`` at the field (by its values or its types)."""
    taken = discriminator.taken
    if taken is not None:
        try:
            return (isinstance(value, bool), value) not in taken
        except TypeError:  # an object or array, which no listed scalar equals
            return True
    for values, types in zip(discriminator.values, discriminator.types):
        if values is not None:
            if any(_same(value, allowed) for allowed in values):
                return False
        elif types is None or fits_types(value, types):
            return False
    return True


def _same(value: Any, allowed: Any) -> bool:
    """JSON equality of a value and a ``const``/``enum`` value: true is not 1, 1.0 is 1."""
    return bool(value == allowed) and isinstance(value, bool) is isinstance(allowed, bool)

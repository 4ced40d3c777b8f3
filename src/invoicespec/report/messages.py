"""jsonschema's ``ValidationError`` -> the public :class:`~invoicespec.Error` record.

The inner layer keeps jsonschema's rich error objects; the public edge turns
each into ``(path, keyword, message)`` with a message for people: what is wrong
and what is allowed, never quoting more than a short prefix of the input. For
``anyOf``/``oneOf``, the errors reported are those of the variant the payload
was meant for (see :func:`_meant_branch`), at their own paths.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from collections.abc import Collection, Iterator
from typing import Any

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsonschema import ValidationError

from invoicespec.rules.json_data import json_type
from invoicespec.rules.pointer import format_pointer
from invoicespec.rules import short
from invoicespec.report.variants import Declared, Discriminator, Variants, accepted_types, fits_no_variant, misfit_keyword
from invoicespec.keywords.registry import REGISTRY, derived
from invoicespec._errors import Error

__all__ = ["report"]

_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "null": "null",
}
# Keywords whose functions (ours) already write a message for people: the standard keywords the library
# reimplements, and every registered keyword (each writes its own messages).
_OWN_MESSAGES: set[str] = set()


@derived
def _own_messages() -> None:
    _OWN_MESSAGES.clear()
    _OWN_MESSAGES.update(
        {"pattern", "required", "dependentRequired", "additionalProperties", "uniqueItems", "readOnly", *REGISTRY}
    )


_ENUM_LISTED = 12


_ARTICLED = {
    "null": "null", "boolean": "a boolean", "integer": "an integer", "number": "a number",
    "string": "a string", "array": "an array", "object": "an object",
}


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def report(error: ValidationError, declared: Declared | None = None) -> Iterator[Error]:
    """The public errors for one jsonschema error (several when it stands for a variant's errors).

    ``declared`` (from ``variants.declared_fields``) says which fields each variant
    declares and which choose the variant; without it, variants are told apart from
    the errors alone.
    """
    keyword = error.validator
    if keyword in ("anyOf", "oneOf") and error.context:
        variants = (declared or {}).get(id(error.validator_value))
        branches = _branches(error)
        misfits = _misfits(error, branches, variants)
        if misfits and variants is not None:
            # The discriminator is wrong for every variant: report it at its field, with what chooses
            # each variant, then the rest against the variant the other fields fit best.
            where = list(error.absolute_path)
            for found, value in misfits:
                slug = misfit_keyword(found, value)
                yield Error(format_pointer([*where, found.name]), slug, _discriminator_message(found, value, slug))
            for inner in _best_fit(error, branches, variants, {found.name for found, _ in misfits}):
                yield from report(inner, declared)
            return
        chosen = _meant_branch(error, branches, variants)
        if chosen is not None:
            for inner in chosen:
                yield from report(inner, declared)
            return
    slug = "false" if keyword is None else str(keyword)
    yield Error(format_pointer(error.absolute_path), slug, _message(error))


def _branches(error: ValidationError) -> dict[Any, list[ValidationError]]:
    """The errors of a variants error, by the variant (its index) that reported them."""
    branches: dict[Any, list[ValidationError]] = defaultdict(list)
    for inner in error.context or ():
        branches[inner.relative_schema_path[0]].append(inner)
    return branches


def _field(inner: ValidationError, depth: int) -> Any:
    """The field of the variants' object an error is about (at the field itself), or None."""
    below = list(inner.absolute_path)[depth:]
    return below[0] if len(below) == 1 else None


# Errors that say a value itself does not fit (rather than something below it, or something missing).
_MISFIT = frozenset({"type", "const", "enum", "additionalProperties", "unevaluatedProperties", None})


def _misfits(
    error: ValidationError, branches: dict[Any, list[ValidationError]], variants: Variants | None,
) -> list[tuple[Discriminator, Any]]:
    """The discriminators whose value in the payload every variant refuses, with that value."""
    instance: Any = error.instance
    if variants is None or not variants.discriminators or not isinstance(instance, dict):
        return []
    # The schemas say no variant takes the value (cheap, and the usual answer is that one does) ...
    suspects = [(found, instance[found.name]) for found in variants.discriminators
                if found.name in instance and fits_no_variant(found, instance[found.name])]
    if not suspects or any(branch not in branches for branch in range(len(variants.fields))):
        return []  # (a variant without errors: the payload fits it)
    # ... and so does every variant's report, at the field.
    depth = len(error.absolute_path)
    return [
        (found, value) for found, value in suspects
        if all(any(_field(e, depth) == found.name and e.validator in _MISFIT for e in errs) for errs in branches.values())
    ]


def _best_fit(
    error: ValidationError, branches: dict[Any, list[ValidationError]], variants: Variants, names: set[str],
) -> list[ValidationError]:
    """The errors, but for those at the discriminators ``names``, of the variant the payload's other
    fields fit best: among the variants that declare most of them (an open variant that declares
    none fits vacuously, not best), the one meant as :func:`_meant_branch` finds it; when that is
    unclear, the errors those variants report alike."""
    depth = len(error.absolute_path)
    rest = {branch: [e for e in errs if _field(e, depth) not in names] for branch, errs in branches.items()}
    instance: Any = error.instance
    others = [name for name in instance if name not in names]
    known = [sum(name in fields for name in others) for fields in variants.fields]
    among = {branch for branch in rest if known[branch] == max(known)}
    chosen = _meant_branch(error, rest, variants, among)
    return _shared({branch: rest[branch] for branch in among}) if chosen is None else chosen


def _shared(branches: dict[Any, list[ValidationError]]) -> list[ValidationError]:
    """The errors every variant with the fewest errors reports alike (true whichever was meant)."""
    fewest = min(len(errs) for errs in branches.values())
    tied = [errs for errs in branches.values() if len(errs) == fewest]
    common = set.intersection(*({(tuple(e.absolute_path), e.validator) for e in errs} for errs in tied))
    return [e for e in tied[0] if (tuple(e.absolute_path), e.validator) in common]


def _discriminator_message(found: Discriminator, value: Any, keyword: str) -> str:
    """What the discriminator must be, and which value (or its absence) chooses which variant."""
    optional = any(found.required)  # absence chooses the variants that do not require it
    choices = []
    for values, types, required, title in zip(found.values, found.types, found.required, found.titles):
        if values == ():  # a closed variant that does not declare the field
            if not required:
                choices.append(f"absent for {title}")
            continue
        if values is not None:
            what = _either([short(item) for item in values])
        elif types is not None:
            what = _either([_ARTICLED.get(name, name) for name in sorted(types)])
        else:
            what = "any value"
        choices.append(f"{what}{' or absent' if optional and not required else ''} for {title}")
    accepted = accepted_types(found)
    if keyword == "type" and accepted:
        names = [_ARTICLED.get(name, name) for name in sorted(accepted)]
        wrong = f"must be {_either(names)}, not {_ARTICLED[json_type(value)]}"
    else:
        wrong = f"must be one of the values that choose a variant, not {short(value)}"
    return f"{wrong}: {', '.join(choices)}"


def _meant_branch(
    error: ValidationError, branches: dict[Any, list[ValidationError]], variants: Variants | None,
    among: Collection[Any] | None = None,
) -> list[ValidationError] | None:
    """The errors of the variant the payload was meant for (one of ``among``, when given), or None
    when that is unclear.

    Variants are told apart by their discriminators, found from the errors alone:

    1. by value: a variant is ruled out when the payload has the wrong type for it,
       or when a field of the payload fails its ``const``/``enum`` while another
       variant declares that field and accepts its value (``draft: true`` rules out
       the finalized variant; an open variant that does not mention the field does
       not count);
    2. by presence: among the variants left, one is ruled out when it requires a
       field the payload lacks that another variant does without (it does not
       declare the field, or declares other ``const``/``enum`` values for it), or
       refuses a field the payload has that another variant declares (``product_id``
       present rules out the line variant that does not declare it; absent, the
       one that requires it; ``draft`` absent rules out the draft variant; a
       missing ``vat_rate``, which the product line merely allows with the same
       values, rules out nothing).

    If every variant is ruled out by value, it is unclear. If presence rules out all
    that value left, value alone decides. The variant left with the fewest errors
    wins, and between equals the one with fewer errors about missing or unknown
    fields (its errors are about values it declares). When the variants still tied
    all report the same missing or unknown fields (an unknown field every closed
    variant refuses), those are reported; any other tie is unclear.
    """
    depth = len(error.absolute_path)

    field = partial(_field, depth=depth)

    touched = {branch: {field(e) for e in errs} for branch, errs in branches.items()}
    count = len(error.validator_value) if isinstance(error.validator_value, list) else len(branches)

    fields = variants.fields if variants is not None else None

    def another_accepts(branch: Any, name: Any, declaring: bool = False) -> bool:
        return any(
            name not in touched.get(other, ()) and not (declaring and fields and name not in fields[other])
            for other in range(count) if other != branch
        )

    def by_value(branch: Any, inner: ValidationError) -> bool:
        if inner.validator == "type" and len(inner.absolute_path) == depth:
            return True
        name = field(inner)
        return (name is not None and inner.validator in ("const", "enum")
                and another_accepts(branch, name, declaring=True))

    def by_presence(branch: Any, inner: ValidationError) -> bool:
        name = field(inner)
        if name is None or inner.validator not in ("required", "additionalProperties"):
            return False
        if not fields:  # no declared-fields map (an ad hoc report): judge from the errors alone
            return another_accepts(branch, name)
        others = [other for other in range(count) if other != branch and name not in touched.get(other, ())]
        if inner.validator == "required":
            # Missing here, and another variant does without it: one that does not declare it at all, or
            # declares it with other allowed values (a discriminator such as draft: [true] / [false]).
            mine = fields[branch].get(name) if branch < len(fields) else None
            return any(name not in fields[other] or fields[other][name] != mine for other in others)
        return any(name in fields[other] for other in others)  # refused here, declared by another

    candidates = [b for b, errs in branches.items()
                  if (among is None or b in among) and not any(by_value(b, e) for e in errs)]
    if not candidates:
        return None
    narrowed = [b for b in candidates if not any(by_presence(b, e) for e in branches[b])]
    candidates = narrowed or candidates

    def rank(branch: Any) -> tuple[int, int]:  # fewest errors, then fewest about missing or unknown fields
        errs = branches[branch]
        return len(errs), sum(e.validator in ("required", "additionalProperties") for e in errs)

    best = min(rank(b) for b in candidates)
    chosen = [b for b in candidates if rank(b) == best]
    if len(chosen) == 1:
        return branches[chosen[0]]

    def problems(branch: Any) -> set[tuple[tuple[str | int, ...], object]]:  # (path, keyword)
        return {(tuple(e.absolute_path), e.validator) for e in branches[branch]}

    # Every variant left objects to the same fields being missing or unknown: true whichever is reported.
    # (Not for values: "must be 'BLOCK'" from one variant would mislead when another wants 'RECURRING'.)
    alike = all(problems(b) == problems(chosen[0]) for b in chosen) and all(
        e.validator in ("required", "additionalProperties") for e in branches[chosen[0]]
    )
    return branches[chosen[0]] if alike else None


def _message(error: ValidationError) -> str:
    # A validation sets the argument and the instance on every error it reports (Unset is for hand-built errors).
    keyword = error.validator
    value: Any = error.validator_value
    instance: Any = error.instance
    if keyword in _OWN_MESSAGES:
        return error.message
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value)
        return f"must be {_either([_TYPE_NAMES.get(n, n) for n in names])}, not {_ARTICLED[json_type(instance)]}"
    if keyword == "enum":
        return _enum_message(value, instance, error.schema)
    if keyword == "const":
        return f"must be {short(value)}, not {short(instance)}"
    if keyword == "format":
        return f"{short(instance)} is not a valid {value}: {error.cause}"
    if keyword == "minLength":
        if value == 1:
            return "must not be empty"
        return f"must be at least {value} characters long, not {len(instance):,}"
    if keyword == "maxLength":
        return f"must be at most {value} characters long, not {len(instance):,}"
    if keyword in _BOUNDS:
        return f"must be {_BOUNDS[keyword]} {short(value)}, not {short(instance)}"
    if keyword in _SIZES:
        noun, bound = _SIZES[keyword]
        return f"must have {bound} {value} {noun}{'' if value == 1 else 's'}, not {len(instance):,}"
    if keyword is None:
        return f"{short(instance)} is not allowed here"
    if keyword == "not":
        return f"{short(instance)} is not allowed here: it matches a forbidden shape"
    if keyword in ("anyOf", "oneOf"):
        return _variants_message(error)
    return error.message[:300]


_BOUNDS = {
    "minimum": "at least",
    "maximum": "at most",
    "exclusiveMinimum": "greater than",
    "exclusiveMaximum": "less than",
}
_SIZES = {
    "minItems": ("item", "at least"),
    "maxItems": ("item", "at most"),
    "minProperties": ("field", "at least"),
    "maxProperties": ("field", "at most"),
}


def _enum_message(allowed: list[Any], instance: Any, schema: object) -> str:
    if len(allowed) <= _ENUM_LISTED:
        return f"must be {_either([short(item) for item in allowed])}, not {short(instance)}"
    title = schema.get("title") if isinstance(schema, dict) else None
    examples = ", ".join(short(item) for item in allowed[:3])
    what = f"a valid {title}" if title else "one of the allowed values"
    return f"{short(instance)} is not {what} ({len(allowed)} values are allowed, such as {examples})"


def _variants_message(error: ValidationError) -> str:
    if error.validator == "oneOf" and not error.context:
        return "matches more than one of the allowed shapes: it must match exactly one"
    variants: Any = error.validator_value  # the anyOf/oneOf list (set on every error a validation reports)
    shapes = []
    for variant in variants:
        if isinstance(variant, dict):
            shapes.append(variant.get("title") or variant.get("type") or "")
    named = [str(shape) for shape in shapes if shape]
    if len(named) == len(variants):
        return f"matches none of the allowed shapes: it must be {_either(named)}"
    return "matches none of the allowed shapes"

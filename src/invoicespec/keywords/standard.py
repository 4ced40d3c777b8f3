"""One function per keyword, in jsonschema's shape ``(validator, value, instance, schema)``.

Each has a type guard with an early return, yields ``ValidationError`` (never
raises) and keeps its rule in ``rules.py``. Besides the library's own ``x-``
vocabulary, a few standard keywords are replaced where the stock implementation
is unsafe or reports the wrong place:

- ``pattern``: RE2 (linear time, no catastrophic backtracking; ``$`` is the end of
  the string, and ``\\d``, ``\\w``, ``\\s`` and ``.`` mean what ECMA-262 says, see
  ``_ecma.py``) instead of Python's ``re``;
- ``required``, ``dependentRequired``, ``additionalProperties``: one error per
  field, at the field's own path, so the error points where the user must look;
- ``uniqueItems``: hashing instead of the stock pairwise comparison (quadratic);
- ``readOnly`` (requests only): an assertion, as GetBill's "status cannot be set";
- ``properties``, ``items``, ``$ref``, ``if``: as stock, but a subtree the fast path
  finds valid is skipped, and an ``if`` condition is decided by it (see
  :data:`PRUNERS`), so a report costs about the size of the faulty part of the
  payload, not of the payload; ``$ref`` targets are resolved once, not per visit, and
  a subschema that is only a ``$ref`` is walked at its target (``_walk_below``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Any

import re2

from invoicespec import rules
from invoicespec.catalog.load import reachable
from invoicespec.rules.ecma import explicit
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve

__all__ = ["REQUEST_KEYWORDS", "RESPONSE_KEYWORDS", "VOCABULARY", "compile_pattern", "pattern_search"]

Errors = Iterator[Any]  # of jsonschema.ValidationError


def _error(message: str, **details: Any) -> Any:
    """A ``jsonschema.ValidationError`` (imported here: the fast path runs without jsonschema)."""
    from jsonschema import ValidationError

    return ValidationError(message, **details)


@lru_cache(maxsize=None)
def compile_pattern(pattern: str) -> Any:
    """Compile an ECMA-262 pattern with RE2 (patterns come from schemas, so the cache is bounded).

    Shorthands are first spelled out as ECMA-262 defines them (``_ecma.explicit``),
    which is also what the fast path's engine is given. Raises ``PatternError`` or
    ``re2.error`` for a pattern that cannot be used.
    """
    options = re2.Options()
    options.log_errors = False
    return re2.compile(explicit(pattern), options)


# -- standard keywords, reimplemented -------------------------------------------------------------


def pattern(validator, regex: str, instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, str):
        return
    if pattern_search(compile_pattern(regex), instance) is None:
        yield _error(f"{rules.short(instance)} does not match the pattern {regex!r}")


_SURROGATE = re.compile("[\ud800-\udfff]")


def pattern_search(compiled: Any, text: str) -> Any:
    """Search ``text``, reading each lone surrogate (JSON can carry one, UTF-8 cannot) as U+FFFD.

    RE2 matches UTF-8; a lone surrogate then matches what any other non-space,
    non-word character matches, as the single UTF-16 code unit it is in ECMA-262.
    """
    try:
        return compiled.search(text)
    except UnicodeEncodeError:
        return compiled.search(_SURROGATE.sub("\ufffd", text))


# -- pruning valid subtrees ------------------------------------------------------------------------

#: Set by the fast path, per flavour (True: requests): ``verdict(subschema, instance)``, True or
#: False when the fast path can tell whether ``instance`` is valid against ``subschema``, else
#: None; ``verdict.valid(subschema, instance)``, whether it is True. ``properties``, ``items``
#: and ``$ref`` skip a valid subtree (it holds no error to report, and walking it is the
#: jsonschema path's whole cost on a large payload with one fault); ``if`` takes its
#: condition's verdict from it.
PRUNERS: dict[bool, Any] = {}


def _never(subschema: Any, instance: Any) -> bool:
    return False


def _found_valid(request: bool) -> Any:
    """The flavour's ``PRUNERS`` entry's ``valid(subschema, instance)``: whether the fast path finds a
    subtree valid (never, before the fast path has set one)."""
    pruner = PRUNERS.get(request)
    return _never if pruner is None else pruner.valid


def _if(request: bool) -> Any:
    def if_(validator, if_schema: Any, instance: Any, schema: dict) -> Errors:
        pruner = PRUNERS.get(request)
        holds = pruner(if_schema, instance) if pruner is not None else None
        if holds is None:
            holds = validator.evolve(schema=if_schema).is_valid(instance)
        branch = "then" if holds else "else"
        below = schema.get(branch)
        if below is None:
            return
        if _reference_only(below) is None:
            yield from validator.descend(instance, below, schema_path=branch)
        elif not _found_valid(request)(below, instance):  # what its $ref would ask
            yield from _walk_below(validator, instance, below, None, branch)

    return if_


#: Keywords that assert nothing: a subschema of these alone holds for every value.
ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment", "deprecated", "writeOnly"})
# A `properties` map -> (the map, its members that assert something). A member of annotations alone
# (often just a description, as in a variant that defers a field to the body) holds no error: it is
# neither asked about nor walked. Keyed by identity, the map kept alive; bounded: maps come from schemas.
_ASSERTING: dict[int, tuple[dict, list[tuple[str, Any]]]] = {}
_MAX_ASSERTING = 4096


def _asserting(properties: dict) -> list[tuple[str, Any]]:
    found = _ASSERTING.get(id(properties))
    if found is not None and found[0] is properties:
        return found[1]
    members = [
        (name, subschema) for name, subschema in properties.items()
        if not (subschema is True or isinstance(subschema, dict) and subschema.keys() <= ANNOTATIONS)
    ]
    if len(_ASSERTING) < _MAX_ASSERTING:
        _ASSERTING[id(properties)] = (properties, members)
    return members


def _properties(request: bool) -> Any:
    def properties(validator, properties: dict, instance: Any, schema: dict) -> Errors:
        if not isinstance(instance, dict):
            return
        valid = _found_valid(request)
        for name, subschema in _asserting(properties):
            if name in instance and not valid(subschema, instance[name]):
                yield from _walk_below(validator, instance[name], subschema, name, name)

    return properties


def _items(request: bool) -> Any:
    def items(validator, items: Any, instance: Any, schema: dict) -> Errors:
        if not isinstance(instance, list) or not isinstance(items, dict):
            from jsonschema import Draft202012Validator

            yield from Draft202012Validator.VALIDATORS["items"](validator, items, instance, schema)
            return
        valid = _found_valid(request)
        for index in range(len(schema.get("prefixItems", ())), len(instance)):
            if not valid(items, instance[index]):
                yield from _walk_below(validator, instance[index], items, index, None)

    return items


# $ref -> its target, per registry, base URI and reference: jsonschema resolves each $ref anew (a
# URL join and a registry lookup) on every visit, a fifth of a small report's cost. Only targets
# from which no $dynamicRef can be reached are cached, since the cached resolver carries the
# dynamic scope of its first visit. Bounded: references come from schemas.
_RESOLVED: dict[tuple[int, str, str], tuple[Any, Any]] = {}
_MAX_RESOLVED = 4096


def _uses_dynamic_scope(resolved: Any) -> bool:
    """Whether a ``$dynamicRef`` can be reached from a resolved target, following ``$ref``."""
    return any("$dynamicRef" in schema for schema, _ in reachable([(resolved.contents, resolved.resolver)]))


def _resolve(validator: Any, ref: str) -> Any:
    resolver = validator._resolver
    key = (id(resolver._registry), resolver._base_uri, ref)
    found = _RESOLVED.get(key)
    if found is not None and found[0] is resolver._registry:
        return found[1]
    resolved = resolver.lookup(ref)
    if len(_RESOLVED) < _MAX_RESOLVED and not _uses_dynamic_scope(resolved):
        _RESOLVED[key] = (resolver._registry, resolved)  # the registry kept alive: its id stays its own
    return resolved


# A subschema -> (it, its $ref when it is nothing else but annotations, else None). Bounded, by identity.
_REFERENCE_ONLY: dict[int, tuple[Any, str | None]] = {}


def _reference_only(subschema: Any) -> str | None:
    found = _REFERENCE_ONLY.get(id(subschema))
    if found is not None and found[0] is subschema:
        return found[1]
    ref = subschema.get("$ref") if isinstance(subschema, dict) else None
    if not (isinstance(ref, str) and subschema.keys() - ANNOTATIONS == {"$ref"}):
        ref = None
    if len(_REFERENCE_ONLY) < _MAX_ASSERTING:
        _REFERENCE_ONLY[id(subschema)] = (subschema, ref)
    return ref


def _walk_below(validator: Any, instance: Any, subschema: Any, path: Any, schema_path: Any) -> Errors:
    """``validator.descend(instance, subschema, path, schema_path)``, for a subschema the fast path did not
    find valid. One that is only a ``$ref`` is walked at its target directly: the same errors (the ``$ref``
    level adds nothing to them, not even to the schema path), one level and one question fewer, since its
    ``$ref`` would only ask the fast path again what the caller has just asked."""
    ref = _reference_only(subschema)
    if ref is not None:
        try:
            resolved = _resolve(validator, ref)
        except Exception:  # unresolvable: the $ref reports it, its own way
            resolved = None
        if resolved is not None and isinstance(resolved.contents, dict):
            return validator.descend(instance, resolved.contents, path, schema_path, resolved.resolver)
    return validator.descend(instance, subschema, path, schema_path)


def _ref(request: bool) -> Any:
    def ref(validator, ref: str, instance: Any, schema: dict) -> Errors:
        if _found_valid(request)(schema, instance):
            return
        try:
            resolved = _resolve(validator, ref)
        except Exception:  # unresolvable, or a lookup that fails: jsonschema's own way reports it
            yield from validator._validate_reference(ref=ref, instance=instance)
            return
        yield from validator.descend(instance, resolved.contents, resolver=resolved.resolver)

    return ref


def required(validator, names: list[str], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    for name in names:
        if name not in instance:
            yield _error(f"the field {name!r} is required", path=[name], instance=MISSING)


def dependent_required(validator, dependencies: dict, instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    for trigger, names in dependencies.items():
        if trigger not in instance:
            continue
        for name in names:
            if name not in instance:
                yield _error(
                    f"the field {name!r} is required when {trigger!r} is present",
                    path=[name], instance=MISSING,
                )


def additional_properties(validator, extra_schema: Any, instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    declared = schema.get("properties", {})
    patterns = [compile_pattern(p) for p in schema.get("patternProperties", {})]
    extras = [
        name for name in instance
        if name not in declared and not any(pattern_search(p, name) for p in patterns)
    ]
    if extra_schema is False:
        for name in extras:
            yield _error(_unknown_field(name, declared), path=[name], instance=instance[name])
    elif isinstance(extra_schema, dict):
        for name in extras:
            yield from validator.descend(instance[name], extra_schema, path=name)


def _unknown_field(name: str, declared: dict) -> str:
    return _unknown_field_among(name, tuple(declared))


@lru_cache(maxsize=1024)  # variants repeat the same refusals; names come from payloads, hence the bound
def _unknown_field_among(name: str, declared: tuple[str, ...]) -> str:
    shown = rules.short(name)
    if len(name) <= 100:
        close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.7)
        if not close:
            close = [field for field in declared if field.lower() == name.lower()]
        if close:
            return f"unknown field {shown}: did you mean {close[0]!r}?"
    if declared and len(declared) <= 12:
        return f"unknown field {shown}: the fields allowed here are {', '.join(declared)}"
    return f"unknown field {shown}: it is not defined for this object"


def _canonical(value: Any) -> Any:
    """A hashable form in which equal JSON values (1 and 1.0, key order) are equal."""
    kind = type(value)
    if kind is str:  # the usual keys first
        return ("string", value)
    if kind is int:
        return ("number", value)
    if isinstance(value, dict):
        return ("object", frozenset((key, _canonical(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_canonical(item) for item in value))
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, int | float | Decimal):
        return ("number", value)
    return ("string", value)


def unique_items(validator, unique: bool, instance: Any, schema: dict) -> Errors:
    if not unique or not isinstance(instance, list):
        return
    seen: dict[Any, int] = {}
    for index, item in enumerate(instance):
        key = _canonical(item)
        if key in seen:
            yield _error(
                f"items must be unique: item {index} repeats item {seen[key]}",
                path=[index], instance=item,
            )
        else:
            seen[key] = index


def read_only(validator, flag: bool, instance: Any, schema: dict) -> Errors:
    if flag is True:
        yield _error("is read-only: the server sets it, and a request must not send it")


# -- the x- vocabulary ----------------------------------------------------------------------------


def required_any_of(validator, names: list[str], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    if not any(name in instance for name in names):
        listed = ", ".join(repr(name) for name in names[:-1]) + f" or {names[-1]!r}"
        yield _error(f"at least one of {listed} is required", instance=instance)


def date_order(validator, pairs: list[dict], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    for pair in pairs:
        earlier, _ = resolve(instance, parse_pointer(pair["earlier"]))
        later, later_path = resolve(instance, parse_pointer(pair["later"]))
        if earlier is MISSING or later is MISSING:
            continue
        order = rules.compare_temporal(earlier, later)  # None: absent, null, malformed, or mixed kinds
        strict = pair.get("relation", "<=") == "<"
        if order is None or order < 0 or (order == 0 and not strict):
            continue
        relation = "after" if strict else "on or after"
        yield _error(
            f"{pair['later'][1:]} ({later}) must be {relation} {pair['earlier'][1:]} ({earlier})",
            path=later_path, instance=later,
        )


def phone(validator, options: dict, instance: Any, schema: dict) -> Errors:
    result = rules.check_phone(instance, options.get("defaultRegion"))
    if result is not None and result.problem is not None:
        yield _error(result.message)


def destination_cost(validator, options: dict, instance: Any, schema: dict) -> Errors:
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
    yield _error(
        f"{result.e164} is an expensive destination ({tier['name']}: {tier['creditsPerCall']} credits "
        f"per call, {tier['multiplier']}x the base rate); set {accepted_by[1:]} to true to accept the cost",
        path=number_path, instance=number,
    )


def iban(validator, enabled: bool, instance: Any, schema: dict) -> Errors:
    result = rules.check_iban(instance) if enabled else None
    if result is not None and result.problem is not None:
        yield _error(result.message)


def digits(validator, limits: dict, instance: Any, schema: dict) -> Errors:
    if isinstance(instance, bool) or not isinstance(instance, int | float | Decimal | str):
        return
    count = rules.count_digits(instance)
    most_integral, most_fractional = limits["integer"], limits["fraction"]
    allowed = f"at most {most_integral} integral and {most_fractional} fractional digits"
    if count is None:
        if isinstance(instance, str):
            yield _error(
                f"is not a decimal number: expected digits, an optional leading '-' and an optional "
                f"'.' with digits after it, with {allowed} (such as '1234.50')"
            )
        return
    if count.integral > most_integral or count.fractional > most_fractional:
        yield _error(
            f"has {count.integral} integral and {count.fractional} fractional digits: {allowed} are allowed"
        )


def _item_path(index: int, pointer: str) -> str:
    return f"item {index}{'' if pointer == '' else ' ' + pointer[1:]}"


def unique_by(validator, pointers: list[str], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, list):
        return
    keys = [parse_pointer(pointer) for pointer in pointers]
    seen: dict[Any, int] = {}
    for index, item in enumerate(instance):
        values = [resolve(item, key) for key in keys]
        if any(value is MISSING or value is None for value, _ in values):
            continue  # an absent key is reported by `required`, if it is required
        key = tuple(_canonical(value) for value, _ in values)
        if key not in seen:
            seen[key] = index
            continue
        shown = ", ".join(f"{pointer[1:]} {rules.short(value)}" for pointer, (value, _) in zip(pointers, values))
        first_value, first_path = values[0]
        yield _error(
            f"{shown} is already used by item {seen[key]}: it must be unique within the array",
            path=[index, *first_path], instance=first_value,
        )


def equal_across(validator, pointers: list[str], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, list):
        return
    for pointer in pointers:
        key = parse_pointer(pointer)
        first: tuple[int, Any] | None = None
        for index, item in enumerate(instance):
            value, path = resolve(item, key)
            if value is MISSING or value is None:
                continue
            if first is None:
                first = (index, value)
            elif _canonical(value) != _canonical(first[1]):
                yield _error(
                    f"{pointer[1:]} must be the same in every item: {rules.short(value)} here, but "
                    f"{rules.short(first[1])} in item {first[0]}",
                    path=[index, *path], instance=value,
                )


def references(validator, links: list[dict], instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, dict):
        return
    for link in links:
        sources, source_path = resolve(instance, parse_pointer(link["items"]))
        if not isinstance(sources, list):
            continue
        targets, _ = resolve(instance, parse_pointer(link["target"]))
        field, key = parse_pointer(link["field"]), parse_pointer(link["key"])
        known: dict[Any, Any] = {}
        for target in targets if isinstance(targets, list) else ():
            value, _ = resolve(target, key)
            if value is not MISSING and value is not None:
                known.setdefault(_canonical(value), value)
        kinds = {kind for kind, _ in known}
        for index, item in enumerate(sources):
            value, path = resolve(item, field)
            if value is MISSING or value is None or _canonical(value) in known:
                continue
            if kinds and _canonical(value)[0] not in kinds:
                continue  # a value of another type than the keys: `type` reports it
            yield _error(
                f"{link['field'][1:]} {rules.short(value)} names no item of {link['target'][1:]} by its "
                f"{_known(link['key'][1:], list(known.values()))})",
                path=[*source_path, index, *path], instance=value,
            )


def _known(key_name: str, values: list[Any]) -> str:
    """``key (the key values there are ...``: what x-references allows, for its message."""
    if not values:
        return f"{key_name} (there are none"
    listed = ", ".join(rules.short(v) for v in values[:10])
    return f"{key_name} (the {key_name} values there are {listed}{', ...' if len(values) > 10 else ''}"


def contiguous(validator, options: dict, instance: Any, schema: dict) -> Errors:
    if not isinstance(instance, list):
        return
    key, start = parse_pointer(options["field"]), options.get("start", 1)
    name = options["field"][1:]
    seen: dict[int, int] = {}
    duplicate = False
    for index, item in enumerate(instance):
        value, path = resolve(item, key)
        if isinstance(value, bool) or not isinstance(value, int):
            continue  # absent or not an integer: `required` and `type` report it
        if value in seen:
            duplicate = True
            yield _error(
                f"{name} {value} is already used by item {seen[value]}: each item needs its own {name}",
                path=[index, *path], instance=value,
            )
        else:
            seen[value] = index
    if duplicate or not seen:
        return
    wanted = range(start, start + len(seen))
    if set(seen) != set(wanted):
        missing = [str(n) for n in wanted if n not in seen][:10]
        yield _error(
            f"the {name} values must run from {start} to {wanted[-1]} without gaps: "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing "
            f"(found {', '.join(str(n) for n in sorted(seen)[:10])})",
            instance=instance,
        )


_STANDARD = {
    "pattern": pattern,
    "required": required,
    "dependentRequired": dependent_required,
    "additionalProperties": additional_properties,
    "uniqueItems": unique_items,
}

#: The vocabulary: keyword name -> function (the fast path wraps the same functions).
VOCABULARY = {
    "x-required-any-of": required_any_of,
    "x-date-order": date_order,
    "x-phone": phone,
    "x-destination-cost": destination_cost,
    "x-iban": iban,
    "x-digits": digits,
    "x-unique-by": unique_by,
    "x-equal-across": equal_across,
    "x-references": references,
    "x-contiguous": contiguous,
}


def _pruning(request: bool) -> dict[str, Any]:
    return {"properties": _properties(request), "items": _items(request), "$ref": _ref(request), "if": _if(request)}


#: Keywords for response parts: ``readOnly`` stays an annotation.
RESPONSE_KEYWORDS = {**_STANDARD, **VOCABULARY, **_pruning(False)}
#: Keywords for request parts: ``readOnly`` properties are refused.
REQUEST_KEYWORDS = {**_STANDARD, **VOCABULARY, **_pruning(True), "readOnly": read_only}

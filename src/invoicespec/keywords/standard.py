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
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

import re2

from invoicespec import rules
from invoicespec.catalog.load import ANNOTATIONS, reachable
from invoicespec.keywords.keyword import Errors, KeywordFunction, error, error_at
from invoicespec.keywords.registry import REGISTRY, derived
from invoicespec.rules.canonical import canonical
from invoicespec.rules.ecma import explicit
from invoicespec.rules.pointer import MISSING

__all__ = ["REQUEST_KEYWORDS", "RESPONSE_KEYWORDS", "VOCABULARY", "compile_pattern", "pattern_search"]


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


def pattern(validator: Any, regex: str, instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, str):
        return
    if pattern_search(compile_pattern(regex), instance) is None:
        yield error(f"{rules.short(instance)} does not match the pattern {regex!r}")


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
class Verdict(Protocol):
    """What the fast path sets in :data:`PRUNERS`."""

    def __call__(self, subschema: Any, instance: Any) -> bool | None: ...

    def valid(self, subschema: Any, instance: Any) -> bool: ...


PRUNERS: dict[bool, Verdict] = {}


def _never(subschema: Any, instance: Any) -> bool:
    return False


def _found_valid(request: bool) -> Callable[[Any, Any], bool]:
    """The flavour's ``PRUNERS`` entry's ``valid(subschema, instance)``: whether the fast path finds a
    subtree valid (never, before the fast path has set one)."""
    pruner = PRUNERS.get(request)
    return _never if pruner is None else pruner.valid


def _if(request: bool) -> KeywordFunction:
    def if_(validator: Any, if_schema: Any, instance: Any, schema: dict[str, Any]) -> Errors:
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
# A `properties` map -> (the map, its members that assert something). A member of annotations alone
# (often just a description, as in a variant that defers a field to the body) holds no error: it is
# neither asked about nor walked. Keyed by identity, the map kept alive; bounded: maps come from schemas.
_ASSERTING: dict[int, tuple[dict[str, Any], list[tuple[str, Any]]]] = {}
_MAX_ASSERTING = 4096


def _asserting(properties: dict[str, Any]) -> list[tuple[str, Any]]:
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


def _properties(request: bool) -> KeywordFunction:
    def properties(validator: Any, properties: dict[str, Any], instance: Any, schema: dict[str, Any]) -> Errors:
        if not isinstance(instance, dict):
            return
        valid = _found_valid(request)
        for name, subschema in _asserting(properties):
            if name in instance and not valid(subschema, instance[name]):
                yield from _walk_below(validator, instance[name], subschema, name, name)

    return properties


def _items(request: bool) -> KeywordFunction:
    def items(validator: Any, items: Any, instance: Any, schema: dict[str, Any]) -> Errors:
        if not isinstance(instance, list) or not isinstance(items, dict):
            from jsonschema import Draft202012Validator

            yield from Draft202012Validator.VALIDATORS["items"](validator, items, instance, schema)
            return
        valid = _found_valid(request)
        for index in range(len(schema.get("prefixItems", ())), len(instance)):
            if not valid(items, instance[index]):
                yield from _walk_below(validator, instance[index], items, index, None)

    return items


# $ref -> its target, per validator and reference: jsonschema resolves each $ref anew (a URL join
# and a registry lookup) on every visit, a fifth of a small report's cost. Only targets from which
# no $dynamicRef can be reached are cached, since the cached resolver carries the dynamic scope of
# its first visit. Keyed by the validator's identity (it is kept alive with the entry): the walk
# keeps one validator per subschema and resolver (engine.descend), and a resolver's base URI and
# registry are private to referencing. Bounded: references come from schemas.
_RESOLVED: dict[tuple[int, str], tuple[Any, Any]] = {}
_MAX_RESOLVED = 4096


def _uses_dynamic_scope(resolved: Any) -> bool:
    """Whether a ``$dynamicRef`` can be reached from a resolved target, following ``$ref``."""
    return any("$dynamicRef" in schema for schema, _ in reachable([(resolved.contents, resolved.resolver)]))


def _resolve(validator: Any, ref: str) -> Any:
    """``ref`` resolved as ``validator`` reads it; raises LookupError for a validator the walk did not
    make (its resolver is private to jsonschema), or referencing's error when it does not resolve."""
    key = (id(validator), ref)
    found = _RESOLVED.get(key)
    if found is not None and found[0] is validator:
        return found[1]
    from invoicespec.engine.descend import resolver_of

    resolved = resolver_of(validator).lookup(ref)
    if len(_RESOLVED) < _MAX_RESOLVED and not _uses_dynamic_scope(resolved):
        _RESOLVED[key] = (validator, resolved)  # the validator kept alive: its id stays its own
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
            at_target: Errors = validator.descend(instance, resolved.contents, path, schema_path, resolved.resolver)
            return at_target
    errors: Errors = validator.descend(instance, subschema, path, schema_path)
    return errors


def _ref(request: bool) -> KeywordFunction:
    def ref(validator: Any, ref: str, instance: Any, schema: dict[str, Any]) -> Errors:
        if _found_valid(request)(schema, instance):
            return
        try:
            resolved = _resolve(validator, ref)
        except Exception:  # unresolvable, a lookup that fails, a validator made elsewhere: jsonschema's own way
            from jsonschema import Draft202012Validator

            yield from Draft202012Validator.VALIDATORS["$ref"](validator, ref, instance, schema)
            return
        yield from validator.descend(instance, resolved.contents, resolver=resolved.resolver)

    return ref


def required(validator: Any, names: list[str], instance: Any, schema: dict[str, Any]) -> Errors:
    if not isinstance(instance, dict):
        return
    for name in names:
        if name not in instance:
            yield error_at(
                validator, "required", names, schema, f"the field {name!r} is required", path=[name], instance=MISSING,
            )


def dependent_required(
    validator: Any, dependencies: dict[str, list[str]], instance: Any, schema: dict[str, Any]
) -> Errors:
    if not isinstance(instance, dict):
        return
    for trigger, names in dependencies.items():
        if trigger not in instance:
            continue
        for name in names:
            if name not in instance:
                yield error_at(
                    validator, "dependentRequired", dependencies, schema,
                    f"the field {name!r} is required when {trigger!r} is present", path=[name], instance=MISSING,
                )


def additional_properties(validator: Any, extra_schema: Any, instance: Any, schema: dict[str, Any]) -> Errors:
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
            yield error_at(
                validator, "additionalProperties", extra_schema, schema, _unknown_field(name, declared),
                path=[name], instance=instance[name],
            )
    elif isinstance(extra_schema, dict):
        for name in extras:
            yield from validator.descend(instance[name], extra_schema, path=name)


def _unknown_field(name: str, declared: dict[str, Any]) -> str:
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


def unique_items(validator: Any, unique: bool, instance: Any, schema: dict[str, Any]) -> Errors:
    if not unique or not isinstance(instance, list):
        return
    seen: dict[Any, int] = {}
    for index, item in enumerate(instance):
        key = canonical(item)
        if key in seen:
            yield error(
                f"items must be unique: item {index} repeats item {seen[key]}",
                path=[index], instance=item,
            )
        else:
            seen[key] = index


def read_only(validator: Any, flag: bool, instance: Any, schema: dict[str, Any]) -> Errors:
    if flag is True:
        yield error("the field is read-only: the server sets it, and a request must not send it")


_STANDARD: dict[str, KeywordFunction] = {
    "pattern": pattern,
    "required": required,
    "dependentRequired": dependent_required,
    "additionalProperties": additional_properties,
    "uniqueItems": unique_items,
}

#: The vocabulary: keyword name -> its jsonschema keyword function (the registry's).
VOCABULARY: dict[str, KeywordFunction] = {}


def _pruning(request: bool) -> dict[str, KeywordFunction]:
    return {"properties": _properties(request), "items": _items(request), "$ref": _ref(request), "if": _if(request)}


#: Keywords for response parts: ``readOnly`` stays an annotation.
RESPONSE_KEYWORDS: dict[str, KeywordFunction] = {}
#: Keywords for request parts: ``readOnly`` properties are refused.
REQUEST_KEYWORDS: dict[str, KeywordFunction] = {}


@derived
def _keyword_functions() -> None:
    VOCABULARY.clear()
    VOCABULARY.update((name, keyword.validate) for name, keyword in REGISTRY.items())
    RESPONSE_KEYWORDS.clear()
    RESPONSE_KEYWORDS.update({**_STANDARD, **VOCABULARY, **_pruning(False)})
    REQUEST_KEYWORDS.clear()
    REQUEST_KEYWORDS.update({**_STANDARD, **VOCABULARY, **_pruning(True), "readOnly": read_only})

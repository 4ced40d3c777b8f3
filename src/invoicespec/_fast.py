"""The fast path: each part compiled by jsonschema-rs, for verdicts.

``is_valid`` (and ``errors`` on valid payloads) ask a jsonschema-rs validator
compiled from the same schema documents, rewritten so that the compiled engine
means exactly what the jsonschema path means:

- the vocabulary's relational and library-backed keywords (``x-date-order``,
  ``x-phone``, ``x-iban``, ``x-unique-by`` ...) stay Python keywords: most wrap
  the very functions of ``_keywords``; the hottest three call the same rules of
  ``_rules`` (same caches) with their arguments read once, and build no message;
- what standard keywords can say is said with them and runs compiled: each
  ``format`` becomes the pattern that accepts exactly what its rule accepts
  (``_formats.FORMAT_SCHEMAS``), ``x-required-any-of`` an ``anyOf`` of
  ``required``, ``x-digits`` native branches for integers and decimal strings
  (floats fall through to the rule), ``readOnly`` in requests a ``false`` schema;
- every pattern is spelled with ECMA-262's explicit classes (``_ecma``), as the
  RE2 path spells it;
- ``check_json``'s rules are stated where the compiled engine would miss them:
  its number range where numbers are unbounded (64-bit bounds, with a Python
  keyword behind them for the rare wider number), no tuple
  where arrays are allowed, and a data check on every value the schema leaves
  open (an untyped field, undeclared members, undescribed items), placed by
  looking at each location as a whole (:func:`place_guards`).

A verdict is ``True``, ``False`` or ``None``: ``None`` when only the full path can
tell (a value jsonschema-rs cannot read, such as a ``set`` or a lone surrogate, or
an open value nested deep enough that the payload's depth limit might apply).
``tests/test_fast_path.py`` holds both paths to the same verdicts.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import jsonschema_rs

from invoicespec import _keywords, _rules
from invoicespec._catalog import (
    BASE_URI, META_FOLDER, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS, Catalog, reachable, subschemas,
)
from invoicespec._ecma import explicit
from invoicespec._flatten import Sub, applied, choose, flatten
from invoicespec._formats import FORMAT_SCHEMAS
from invoicespec._instance import MAX_DEPTH, MAX_INT_BITS, WIDEST, check_json
from invoicespec._pointer import MISSING, format_pointer, parse_pointer, resolve

__all__ = ["FastPath", "Pruner", "compile_fast", "derive", "enable_pruning", "rewrite"]

STANDARD_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment", "deprecated", "writeOnly"})
# An open value deeper than this is left to the full path, which knows the payload's whole depth.
_OPEN_DEPTH = MAX_DEPTH // 2
# Bounds below this magnitude keep numbers far from check_json's range limit.
_SMALL = 10**300
_MAX_SCHEMA_DEPTH = 50  # deeper than any payload the schemas describe: treated as open
_INT64 = 2**63 - 1
_RANGE = {"anyOf": [{"maximum": _INT64, "minimum": -_INT64}, {"x-fast-range": True}]}
# An open value: scalars of the usual range pass natively, anything else meets check_json.
_OPEN = {"anyOf": [
    {"type": ["string", "boolean", "null"]},
    {"type": "number", "maximum": _INT64, "minimum": -_INT64},
    {"x-fast-open": True},
]}
_NATIVE_DIGITS = 15  # 10**15 is exact as a double, whatever jsonschema-rs stores bounds as

_state = threading.local()


# -- Python keywords ------------------------------------------------------------------------------


def _rule(check: Any, name: str) -> type:
    """A jsonschema-rs keyword class around one keyword function of ``_keywords``."""

    class Rule:
        __slots__ = ("value", "schema")

        def __init__(self, parent_schema: dict, value: Any, schema_path: list) -> None:
            self.value = value
            self.schema = parent_schema

        def validate(self, instance: Any) -> None:
            for error in check(None, self.value, instance, self.schema):
                raise ValueError(error.message)

    Rule.__name__ = Rule.__qualname__ = name
    return Rule


def _at(instance: dict, parts: tuple[str, ...]) -> Any:
    """``_pointer.resolve``'s value, with the one-field pointer (nearly all of them) looked up directly."""
    if len(parts) == 1:
        return instance.get(parts[0], MISSING)
    return resolve(instance, parts)[0]


class _DateOrder:
    """``x-date-order`` for verdicts: the rule (``compare_temporal``) with the pointers read once."""

    __slots__ = ("pairs",)

    def __init__(self, parent_schema: dict, value: list[dict], schema_path: list) -> None:
        self.pairs = [
            (parse_pointer(pair["earlier"]), parse_pointer(pair["later"]), pair.get("relation", "<=") == "<")
            for pair in value
        ]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for earlier, later, strict in self.pairs:
            first = _at(instance, earlier)
            if first is MISSING:
                continue
            second = _at(instance, later)
            if second is MISSING:
                continue
            order = _rules.compare_temporal(first, second)
            if order is not None and (order > 0 or (order == 0 and strict)):
                raise ValueError("dates out of order")


class _Phone:
    """``x-phone`` for verdicts: the rule (``check_phone``, cached) without building a message."""

    __slots__ = ("region",)

    def __init__(self, parent_schema: dict, value: dict, schema_path: list) -> None:
        self.region = value.get("defaultRegion")

    def validate(self, instance: Any) -> None:
        result = _rules.check_phone(instance, self.region)
        if result is not None and result.problem is not None:
            raise ValueError(result.problem)


class _Iban:
    """``x-iban`` for verdicts: the rule (``check_iban``, cached) without building a message."""

    __slots__ = ("enabled",)

    def __init__(self, parent_schema: dict, value: bool, schema_path: list) -> None:
        self.enabled = value

    def validate(self, instance: Any) -> None:
        result = _rules.check_iban(instance) if self.enabled else None
        if result is not None and result.problem is not None:
            raise ValueError(result.problem)


class _Guard:
    """A keyword that stands for one of ``check_json``'s rules: it takes no argument."""

    __slots__ = ()

    def __init__(self, parent_schema: dict, value: Any, schema_path: list) -> None:
        pass


class _NoTuple(_Guard):
    """Where arrays are allowed: jsonschema-rs takes a tuple for an array; JSON data has none."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        if isinstance(instance, tuple):
            raise ValueError("a tuple is not JSON data")


class _Range(_Guard):
    """On unbounded numbers beyond 64 bits: check_json's range (integers and Decimals below 2**12955)."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        if isinstance(instance, int) and instance.bit_length() > MAX_INT_BITS:
            raise ValueError("out of range")
        if isinstance(instance, Decimal) and instance.is_finite() and instance.copy_abs() >= WIDEST:
            raise ValueError("out of range")


class _OpenItems(_Guard):
    """On arrays whose items no schema describes: the items must still be JSON data."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        if isinstance(instance, list | tuple):
            for item in instance:
                _check_open(item)


def _check_open(value: Any) -> None:
    if value is None or isinstance(value, str | bool):
        return
    problems = check_json(value, max_depth=_OPEN_DEPTH)
    if problems:
        if problems[0].keyword == "max-depth":
            _state.uncertain = True
        raise ValueError("not JSON data")


class _OpenValue(_Guard):
    """Where the schema accepts any value: the value must still be JSON data."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        _check_open(instance)


KEYWORDS: dict[str, type] = {
    **{name: _rule(check, f"Rule[{name}]") for name, check in _keywords.VOCABULARY.items()},
    "x-date-order": _DateOrder,
    "x-phone": _Phone,
    "x-iban": _Iban,
    "x-fast-array": _NoTuple,
    "x-fast-open-items": _OpenItems,
    "x-fast-range": _Range,
    "x-fast-open": _OpenValue,
}


# -- rewriting schemas ----------------------------------------------------------------------------


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _bounded(node: dict) -> bool:
    def small(keyword: str) -> bool:
        bound = node.get(keyword)
        return isinstance(bound, int | float) and not isinstance(bound, bool) and abs(bound) < _SMALL

    upper = small("maximum") or small("exclusiveMaximum")
    lower = small("minimum") or small("exclusiveMinimum")
    return (upper and lower) or "x-digits" in node


def _digits(limits: dict) -> dict:
    """``x-digits`` as native branches, with the rule as the last resort (floats, Decimals, huge integers)."""
    integral, fractional = limits["integer"], limits["fraction"]
    branches: list[dict] = [{"not": {"type": ["string", "number"]}}]
    branches.append({
        "type": "string",
        "maxLength": 1000,
        "pattern": r"^-?[0-9]+(?:\.[0-9]+)?$",
        "allOf": [{"pattern": rf"^-?0*(?:[1-9][0-9]{{0,{integral - 1}}})?(?:\.[0-9]{{0,{fractional}}}0*)?$"}],
    })
    if integral <= _NATIVE_DIGITS:
        branches.append({"type": "integer", "exclusiveMaximum": 10**integral, "exclusiveMinimum": -(10**integral)})
    branches.append({"x-digits": limits})
    return {"anyOf": branches}


def rewrite(node: Any, request: bool, guards: dict[int, set[str]]) -> Any:
    """``node`` as the fast path compiles it (a new object; ``node`` is not changed).

    ``request`` selects request semantics (``readOnly`` refused); ``guards`` maps
    the ids of subschemas to the open-value guards they carry (:func:`place_guards`).
    """
    if not isinstance(node, dict):
        return node
    if request and node.get("readOnly") is True:
        return False
    out: dict[str, Any] = {}
    extra: list[dict] = []
    for key, item in node.items():
        if key in SCHEMA_MAPS and isinstance(item, dict):
            names = {name: (explicit(name) if key == "patternProperties" else name) for name in item}
            out[key] = {names[name]: rewrite(sub, request, guards) for name, sub in item.items()}
        elif key in SCHEMA_LISTS and isinstance(item, list):
            out[key] = [rewrite(sub, request, guards) for sub in item]
        elif key in ONE_SCHEMA:
            out[key] = rewrite(item, request, guards)
        elif key == "$schema":
            out[key] = STANDARD_DIALECT
        elif key == "pattern":
            out[key] = explicit(item)
        elif key == "format" and item in FORMAT_SCHEMAS:
            extra.append(FORMAT_SCHEMAS[item])
        elif key == "x-required-any-of":
            extra.append({"anyOf": [{"required": [name]} for name in item]})
        elif key == "x-digits":
            extra.append(_digits(item))
        elif key in _ANNOTATIONS or key == "readOnly":
            continue
        else:
            out[key] = item
    types = node.get("type", ())
    types = (types,) if isinstance(types, str) else types
    if "array" in types:
        out["x-fast-array"] = True
    if ("integer" in types or "number" in types) and not _bounded(node):
        # check_json's range: natively for what fits 64 bits (bounds beyond cost jsonschema-rs a slow
        # comparison on every number), by the Python keyword for the rare rest
        if "anyOf" in out:
            extra.append(_RANGE)
        else:
            out.update(_RANGE)
    for keyword in sorted(guards.get(id(node), ())):
        if keyword == "x-fast-members":  # undeclared members: JSON data, whatever else they may be
            out.setdefault("additionalProperties", _OPEN)
        elif keyword == "x-fast-open":
            extra.append(_OPEN)
        else:
            out[keyword] = True
    if extra:
        out["allOf"] = [*out.get("allOf", ()), *extra]
    return out


# -- where values are left open -------------------------------------------------------------------

# Keywords under which a failing guard could turn a rejection into an acceptance.
_NEGATING = frozenset({"not", "if", "oneOf", "contains", "propertyNames"})


class NoPlace(Exception):
    """An open value has no subschema where a guard can go safely: the part has no fast path."""


def _negated(roots: list[Sub]) -> set[int]:
    """The ids of subschemas reachable under a negating keyword (there a guard could flip a verdict)."""
    negated: set[int] = set()
    seen: set[tuple[int, bool]] = set()
    stack: list[tuple[Any, Any, bool]] = [(schema, resolver, False) for schema, resolver in roots]
    while stack:
        schema, resolver, negative = stack.pop()
        if not isinstance(schema, dict) or (id(schema), negative) in seen:
            continue
        seen.add((id(schema), negative))
        if negative:
            negated.add(id(schema))
        if isinstance(schema.get("$ref"), str):
            resolved = resolver.lookup(schema["$ref"])
            stack.append((resolved.contents, resolved.resolver, negative))
        for key, item in schema.items():
            below = negative or key in _NEGATING
            if key in SCHEMA_MAPS and key != "$defs" and isinstance(item, dict):
                stack.extend((sub, resolver, below) for sub in item.values())
            elif key in SCHEMA_LISTS and isinstance(item, list):
                stack.extend((sub, resolver, below) for sub in item)
            elif key in ONE_SCHEMA:
                stack.append((item, resolver, below))
    return negated


def place_guards(roots: list[Sub], negated: set[int], guards: dict[int, set[str]]) -> None:
    """Add to ``guards`` (id of a subschema -> guard keywords) what the open values below ``roots`` need.

    Each location is looked at as a whole: ``$ref``s and ``allOf``s merged by
    ``_flatten``, every alternative of every variant, so that a field declared
    untyped in one place and typed in another is not open. An open value gets its
    guard in a subschema applied wherever that value is (and never under a
    negating keyword); raises :class:`NoPlace` when there is none.
    """
    stack: list[tuple[list[Sub], frozenset[int], int]] = [(roots, frozenset(), 0)]
    while stack:
        subs, consumed, depth = stack.pop()
        if depth > _MAX_SCHEMA_DEPTH:
            raise NoPlace("the schema nests deeper than any payload it describes")
        node = flatten(subs, consumed)
        if node.choices:
            choice = node.choices[0]
            for index in range(len(choice.alternatives)):
                stack.append((*choose(subs, consumed, choice, index), depth))
            continue
        schemas = [schema for schema, _ in applied(subs) if isinstance(schema, dict)]
        anchor = next((schema for schema in schemas if id(schema) not in negated), None)
        types = node.types
        if types is None:
            if node.enum is None or not all(_scalar(value) for value in node.enum):
                _add(guards, anchor, "x-fast-open")
            continue
        if "object" in types:
            if any("patternProperties" in schema for schema in schemas):
                raise NoPlace("patternProperties are not followed here")
            if node.additional is None:  # on the subschema declaring the most members: it checks the rest
                declaring = [schema for schema in schemas if id(schema) not in negated]
                _add(guards, max(declaring, key=lambda schema: len(schema.get("properties", ())), default=None),
                     "x-fast-members")
            if isinstance(node.additional, list):
                stack.append((node.additional, frozenset(), depth + 1))
            names = node.properties if node.allowed is None else [n for n in node.properties if n in node.allowed]
            stack.extend((node.properties[name], frozenset(), depth + 1) for name in names)
        if "array" in types:
            if node.items:
                stack.append((node.items, frozenset(), depth + 1))
            else:
                _add(guards, anchor, "x-fast-open-items")


def _add(guards: dict[int, set[str]], anchor: dict | None, keyword: str) -> None:
    if anchor is None:
        raise NoPlace(f"no subschema can carry {keyword}")
    guards.setdefault(id(anchor), set()).add(keyword)


# -- compiling ------------------------------------------------------------------------------------


def _verdict(compiled: Any, instance: Any) -> bool | None:
    """True or False, or None when jsonschema-rs cannot read the value (a set, a str subclass, a lone
    surrogate ...) or a guard left it to the full path."""
    try:
        if compiled.is_valid(instance):
            return True
    except Exception:
        return None
    if getattr(_state, "uncertain", False):
        _state.uncertain = False
        return None
    return False


class FastPath:
    """A compiled part: :meth:`verdict` answers True, False, or None when only the full path can tell."""

    __slots__ = ("_compiled",)

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled

    def verdict(self, instance: Any) -> bool | None:
        return _verdict(self._compiled, instance)


def _roots(catalog: Catalog, request: bool | None = None) -> dict[str, Sub]:
    """Each part's schema (of one flavour, or all) with its resolver, by the part's schema URI."""
    return {
        spec.schema_uri: (catalog.documents[spec.schema_uri], catalog.registry.resolver(base_uri=spec.schema_uri))
        for operation in catalog.operations.values() for spec in operation.parts.values()
        if request is None or spec.name.startswith("request") == request
    }


def derive(catalog: Catalog) -> dict[str, Any]:
    """What the fast path works out from a catalog's documents, as JSON data (for the compiled
    catalog): the guards by place (uri -> [[pointer, keyword]]) and the parts left without one."""
    roots = _roots(catalog)
    negated = _negated(list(roots.values()))
    guards: dict[int, set[str]] = {}
    unplaced = []
    for uri, root in roots.items():
        try:
            place_guards([root], negated, guards)
        except NoPlace:
            unplaced.append(uri)
    places: dict[str, list] = {}
    for uri, document in catalog.documents.items():
        for pointer, node in subschemas(document):
            for keyword in sorted(guards.get(id(node), ())):
                places.setdefault(uri, []).append([format_pointer(pointer), keyword])
    return {"guards": places, "unplaced": sorted(set(unplaced))}


class _Plan:
    """The shipped parts' guards, and their documents rewritten per flavour into jsonschema-rs registries."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        derived = catalog.derived if catalog.derived is not None else derive(catalog)
        located = {
            f"{uri}#{format_pointer(pointer)}": node
            for uri, document in catalog.documents.items() for pointer, node in subschemas(document)
        }
        #: id of every subschema of the catalog -> its place, ``uri#pointer``
        self.places = {id(node): place for place, node in located.items()}
        self.guards: dict[int, set[str]] = {}
        for uri, places in derived["guards"].items():
            for pointer, keyword in places:
                self.guards.setdefault(id(located[f"{uri}#{pointer}"]), set()).add(keyword)
        self.unplaced = set(derived["unplaced"])
        self._negated: set[int] | None = None
        self._registries: dict[bool, tuple[dict[str, Any], Any]] = {}

    @property
    def negated(self) -> set[int]:
        if self._negated is None:
            self._negated = _negated(list(_roots(self.catalog).values()))
        return self._negated

    def registry(self, request: bool) -> tuple[dict[str, Any], Any]:
        found = self._registries.get(request)
        if found is None:
            documents = {
                uri: rewrite(document, request, self.guards)
                for uri, document in self.catalog.documents.items()
                if not uri.startswith(BASE_URI + META_FOLDER)
            }
            found = self._registries[request] = (documents, jsonschema_rs.Registry(list(documents.items())))
        return found

    def guards_for(self, schema: dict, uri: str) -> dict[int, set[str]] | None:
        """Guards for a schema outside the catalog, or None when they would have to change shipped documents."""
        root = (schema, self.catalog.registry.resolver(base_uri=uri))
        negated = _negated([root])
        if negated & set(self.guards):
            return None  # a shipped guard under a negating keyword of this schema could flip its verdict
        guards: dict[int, set[str]] = {}
        try:
            place_guards([root], negated | self.negated, guards)
        except NoPlace:
            return None
        for key, placed in guards.items():
            if key in self.places and self.guards.get(key) != placed:
                return None
        return guards


class Pruner:
    """The fast path's verdict on ``instance`` against ``subschema`` (a subschema of a shipped
    document), for the jsonschema path to skip subtrees that hold no error and to decide ``if``
    conditions. Each subschema is compiled on first use, as a ``$ref`` to its place."""

    def __init__(self, plan: _Plan, request: bool) -> None:
        self._plan = plan
        self._request = request
        self._compiled: dict[int, Any] = {}
        below = {id(schema) for schema, _ in reachable(_roots(plan.catalog, request).values())}
        # only this flavour's subschemas (the others are never asked about), meta-schemas never
        self._places = {key: place for key, place in plan.places.items() if key in below}

    def _compile(self, subschema: Any) -> Any:
        place = self._places.get(id(subschema))
        if place is None:
            return None
        with _lock:
            _, registry = self._plan.registry(self._request)
        compiled = self._compiled[id(subschema)] = jsonschema_rs.validator_for(
            {"$ref": place}, registry=registry, keywords=KEYWORDS, offline=True, validate_formats=False,
        )
        return compiled

    def valid(self, subschema: Any, instance: Any) -> bool:
        """True when the fast path finds ``instance`` valid against ``subschema`` (the hot question:
        False covers "invalid" and "cannot tell" alike)."""
        compiled = self._compiled.get(id(subschema)) or self._compile(subschema)
        try:
            return compiled is not None and compiled.is_valid(instance)
        except Exception:  # what jsonschema-rs cannot read, the jsonschema path walks
            return False

    def __call__(self, subschema: Any, instance: Any) -> bool | None:
        """True or False, or None when ``subschema`` is not a shipped one or jsonschema-rs cannot tell."""
        compiled = self._compiled.get(id(subschema)) or self._compile(subschema)
        return None if compiled is None else _verdict(compiled, instance)


def enable_pruning(catalog: Catalog) -> None:
    """Let the jsonschema path skip what the fast path finds valid (both flavours, once)."""
    plan = _plan(catalog)
    with _lock:
        for request in (True, False):
            if _keywords.PRUNERS.get(request) is None:
                _keywords.PRUNERS[request] = Pruner(plan, request)


_lock = threading.RLock()
_plans: dict[int, _Plan] = {}


def _plan(catalog: Catalog) -> _Plan:
    with _lock:
        plan = _plans.get(id(catalog))
        if plan is None or plan.catalog is not catalog:
            plan = _plans[id(catalog)] = _Plan(catalog)
        return plan


def compile_fast(catalog: Catalog, schema: dict, request: bool) -> FastPath | None:
    """Compile ``schema`` (a part of ``catalog``, or a schema that may ``$ref`` it) for the fast path.

    None when the schema has an open value no guard can be placed for (the full path then decides alone).
    """
    plan = _plan(catalog)
    uri = schema.get("$id", BASE_URI) if isinstance(schema, dict) else BASE_URI
    if catalog.documents.get(uri) is schema:
        if uri in plan.unplaced:
            return None
        with _lock:
            documents, registry = plan.registry(request)
        rewritten = documents[uri]
    else:
        guards = plan.guards_for(schema, uri) if isinstance(schema, dict) else {}
        if guards is None:
            return None
        with _lock:
            _, registry = plan.registry(request)
        rewritten = rewrite(schema, request, guards)
    compiled = jsonschema_rs.validator_for(
        rewritten, registry=registry, keywords=KEYWORDS, base_uri=uri, offline=True, validate_formats=False,
    )
    return FastPath(compiled)

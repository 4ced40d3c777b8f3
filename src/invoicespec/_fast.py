"""The fast path: each part compiled by jsonschema-rs, for verdicts.

``is_valid`` (and ``errors`` on valid payloads) ask a jsonschema-rs validator
compiled from the same schema documents, rewritten so that the compiled engine
means exactly what the jsonschema path means:

- the vocabulary's relational and library-backed keywords (``x-date-order``,
  ``x-phone``, ``x-iban``, ``x-unique-by`` ...) stay Python keywords that call the
  very functions of ``_keywords`` (and so the same rules, with the same caches);
- what standard keywords can say is said with them and runs compiled: each
  ``format`` becomes the pattern that accepts exactly what its rule accepts
  (``_formats.FORMAT_SCHEMAS``), ``x-required-any-of`` an ``anyOf`` of
  ``required``, ``x-digits`` native branches for integers and decimal strings
  (floats fall through to the rule), ``readOnly`` in requests a ``false`` schema;
- every pattern is spelled with ECMA-262's explicit classes (``_ecma``), as the
  RE2 path spells it;
- the guards of ``check_json`` are placed where the compiled engine would miss
  them: tuples where arrays are allowed, integers too wide for JSON where numbers
  are unbounded, non-string keys where objects allow undeclared members, and a
  full data check wherever a schema leaves a value open.

A verdict is ``True``, ``False`` or ``None``: ``None`` when only the full path can
tell (a value jsonschema-rs cannot read, such as a ``set`` or a lone surrogate, or
an open value nested deep enough that the payload's depth limit might apply).
``tests/test_fast_path.py`` holds both paths to the same verdicts.
"""

from __future__ import annotations

import threading
from typing import Any

import jsonschema_rs

from invoicespec import _keywords
from invoicespec._catalog import BASE_URI, META_FOLDER, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS, Catalog
from invoicespec._ecma import explicit
from invoicespec._formats import FORMAT_SCHEMAS
from invoicespec._instance import MAX_DEPTH, MAX_INT_BITS, check_json

__all__ = ["FastPath", "compile_fast", "rewrite"]

STANDARD_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment", "deprecated", "writeOnly"})
# Subschemas that describe a value of their own (their parent applies them to a member or an item).
_VALUE_MAPS = frozenset({"properties", "patternProperties", "$defs"})
_VALUE_ONE = frozenset({"items", "additionalProperties", "contains", "unevaluatedItems", "unevaluatedProperties"})
# An open value deeper than this is left to the full path, which knows the payload's whole depth.
_OPEN_DEPTH = MAX_DEPTH // 2
# Bounds below this magnitude keep integers far from JSON's width limit.
_SMALL = 10**300
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


class _Array:
    """Where arrays are allowed: jsonschema-rs takes a tuple for an array (JSON data has none), and
    items no schema describes must still be JSON data."""

    __slots__ = ("open",)

    def __init__(self, parent_schema: dict, value: dict, schema_path: list) -> None:
        self.open = value["openItems"]

    def validate(self, instance: Any) -> None:
        if isinstance(instance, tuple):
            raise ValueError("a tuple is not JSON data")
        if self.open and isinstance(instance, list):
            for item in instance:
                _check_open(item)


class _NarrowInteger:
    """Where numbers are unbounded: integers wider than JSON allows."""

    __slots__ = ()

    def __init__(self, parent_schema: dict, value: Any, schema_path: list) -> None:
        pass

    def validate(self, instance: Any) -> None:
        if isinstance(instance, int) and instance.bit_length() > MAX_INT_BITS:
            raise ValueError("too wide for a JSON integer")


def _check_open(value: Any) -> None:
    if value is None or isinstance(value, str | bool):
        return
    problems = check_json(value, max_depth=_OPEN_DEPTH)
    if problems:
        if problems[0].keyword == "max-depth":
            _state.uncertain = True
        raise ValueError("not JSON data")


class _OpenValue:
    """Where the schema accepts any value: the value must still be JSON data."""

    __slots__ = ()

    def __init__(self, parent_schema: dict, value: Any, schema_path: list) -> None:
        pass

    def validate(self, instance: Any) -> None:
        _check_open(instance)


class _OpenMembers:
    """On objects that allow undeclared members: those members must still be JSON data (and every
    key a string: jsonschema-rs only reads the keys it is asked about)."""

    __slots__ = ("declared", "patterns")

    def __init__(self, parent_schema: dict, value: dict, schema_path: list) -> None:
        self.declared = frozenset(value["declared"])
        self.patterns = [_keywords.compile_pattern(pattern) for pattern in value["patterns"]]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for name, member in instance.items():
            if not isinstance(name, str):
                raise ValueError("object keys must be strings")
            if name in self.declared or any(_keywords.pattern_search(p, name) for p in self.patterns):
                continue
            _check_open(member)


KEYWORDS: dict[str, type] = {
    **{name: _rule(check, f"Rule[{name}]") for name, check in _keywords.VOCABULARY.items()},
    "x-fast-array": _Array,
    "x-fast-integer": _NarrowInteger,
    "x-fast-open": _OpenValue,
    "x-fast-members": _OpenMembers,
}


# -- rewriting schemas ----------------------------------------------------------------------------


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _typed(node: Any) -> bool:
    """Whether ``node`` by itself restricts the types of its value (so it holds no open value)."""
    if node is False:
        return True
    if not isinstance(node, dict):
        return False
    if "type" in node or "$ref" in node:
        return True
    if "const" in node and _scalar(node["const"]):
        return True
    if isinstance(node.get("enum"), list) and all(_scalar(value) for value in node["enum"]):
        return True
    if any(_typed(branch) for branch in node.get("allOf", ())):
        return True
    return any(
        isinstance(node.get(keyword), list) and node[keyword] and all(_typed(b) for b in node[keyword])
        for keyword in ("anyOf", "oneOf")
    )


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


def rewrite(node: Any, request: bool, value: bool = True) -> Any:
    """``node`` as the fast path compiles it (a new object; ``node`` is not changed).

    ``request`` selects request semantics (``readOnly`` refused); ``value`` says
    whether ``node`` describes a value of its own rather than adding rules to its
    parent's value (an ``allOf`` branch, an ``if``).
    """
    if not isinstance(node, dict):
        return {"x-fast-open": True} if node is True and value else node
    if request and node.get("readOnly") is True:
        return False
    out: dict[str, Any] = {}
    extra: list[dict] = []
    for key, item in node.items():
        if key in SCHEMA_MAPS and isinstance(item, dict):
            names = {name: (explicit(name) if key == "patternProperties" else name) for name in item}
            out[key] = {names[name]: rewrite(sub, request, key in _VALUE_MAPS) for name, sub in item.items()}
        elif key in SCHEMA_LISTS and isinstance(item, list):
            out[key] = [rewrite(sub, request, key == "prefixItems") for sub in item]
        elif key in ONE_SCHEMA:
            out[key] = rewrite(item, request, key in _VALUE_ONE)
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
        out["x-fast-array"] = {"openItems": "items" not in node}
    if ("integer" in types or "number" in types) and not _bounded(node):
        out["x-fast-integer"] = True
    if "object" in types and "additionalProperties" not in node and "unevaluatedProperties" not in node:
        out["x-fast-members"] = {
            "declared": sorted(node.get("properties", {})),
            "patterns": [explicit(pattern) for pattern in node.get("patternProperties", {})],
        }
    if value and not _typed(node):
        out["x-fast-open"] = True
    if extra:
        out["allOf"] = [*out.get("allOf", ()), *extra]
    return out


# -- compiling ------------------------------------------------------------------------------------


class FastPath:
    """A compiled part: :meth:`verdict` answers True, False, or None when only the full path can tell."""

    __slots__ = ("_compiled",)

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled

    def verdict(self, instance: Any) -> bool | None:
        try:
            if self._compiled.is_valid(instance):
                return True
        except Exception:  # a value jsonschema-rs cannot read: a set, a str subclass, a lone surrogate ...
            return None
        if getattr(_state, "uncertain", False):
            _state.uncertain = False
            return None
        return False


_lock = threading.Lock()
_registries: dict[tuple[int, bool], tuple[Catalog, dict[str, Any], Any]] = {}


def _registry(catalog: Catalog, request: bool) -> tuple[dict[str, Any], Any]:
    """The catalog's documents rewritten for one flavour, and a jsonschema-rs registry of them (cached)."""
    key = (id(catalog), request)
    with _lock:
        found = _registries.get(key)
        if found is None or found[0] is not catalog:
            documents = {
                uri: rewrite(document, request)
                for uri, document in catalog.documents.items()
                if not uri.startswith(BASE_URI + META_FOLDER)
            }
            found = (catalog, documents, jsonschema_rs.Registry(list(documents.items())))
            _registries[key] = found
    return found[1], found[2]


def compile_fast(catalog: Catalog, schema: dict, request: bool) -> FastPath:
    """Compile ``schema`` (a part of ``catalog``, or a schema that may ``$ref`` it) for the fast path."""
    documents, registry = _registry(catalog, request)
    uri = schema.get("$id", BASE_URI) if isinstance(schema, dict) else BASE_URI
    rewritten = documents.get(uri) if catalog.documents.get(uri) is schema else None
    compiled = jsonschema_rs.validator_for(
        rewritten if rewritten is not None else rewrite(schema, request),
        registry=registry,
        keywords=KEYWORDS,
        base_uri=uri,
        offline=True,
        validate_formats=False,
    )
    return FastPath(compiled)

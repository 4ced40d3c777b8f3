"""Schemas rewritten for jsonschema-rs, so that the compiled engine means exactly what the jsonschema path means.

- what standard keywords can say is said with them and runs compiled: each
  ``format`` becomes the pattern that accepts exactly what its rule accepts
  (``keywords.formats.FORMAT_SCHEMAS``), or stays a format where jsonschema-rs's own
  check is exactly the rule (:data:`NATIVE_FORMATS`; a format the library does
  not know is dropped, as the full path ignores it), a keyword with an ``engine_schema``
  its standard keywords (``keywords.registry``), ``readOnly`` in requests a ``false``
  schema, and check_json's number range the bounds of unbounded numbers (64-bit
  first, then the widest number JSON data may hold);
- every pattern is spelled with ECMA-262's explicit classes (``rules.ecma``), as the
  RE2 path spells it;
- the other custom keywords, and the open-value guards (:mod:`guards`), stay Python
  keywords, or (``lean``) are left out, for the checks after the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from invoicespec.catalog.load import ANNOTATIONS, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS
from invoicespec.engine.guards import ARRAY, MEMBERS, OPEN, OPEN_ITEMS, types_of
from invoicespec.keywords.formats import FORMAT_SCHEMAS
from invoicespec.keywords.registry import REGISTRY, derived
from invoicespec.rules.ecma import explicit
from invoicespec.rules.json_data import WIDEST

if TYPE_CHECKING:
    from invoicespec.catalog.load import Schema

__all__ = ["NATIVE_FORMATS", "PYTHON_KEYWORDS", "rewrite"]

STANDARD_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Bounds below this magnitude keep numbers far from check_json's range limit.
_SMALL = 10**300
_INT64 = 2**63 - 1
# check_json's number range, natively: the 64-bit bounds first, as comparing with bounds of thousands of digits
# is slow, and those only for the rare number beyond
_RANGE = {"anyOf": [{"maximum": _INT64, "minimum": -_INT64}, {"exclusiveMaximum": WIDEST, "exclusiveMinimum": -WIDEST}]}
# The same, where a node's own small bound already keeps one side (a lower bound: the usual ``minimum: 0``)
_BELOW = {"anyOf": [{"maximum": _INT64}, {"exclusiveMaximum": WIDEST}]}
_ABOVE = {"anyOf": [{"minimum": -_INT64}, {"exclusiveMinimum": -WIDEST}]}
# An open value: scalars of the usual range pass natively, anything else meets check_json.
_OPEN = {"anyOf": [
    {"type": ["string", "boolean", "null"]},
    {"type": "number", "maximum": _INT64, "minimum": -_INT64},
    {OPEN: True},
]}
# An open value for a lean engine: numbers within check_json's range, any other JSON type (containers are
# checked after the engine, by the open-value guard).
_SCALARS = {"anyOf": [{"type": ["string", "boolean", "null", "object", "array"]}, {"type": "number", **_RANGE}]}
# An open value for a strict lean engine: a scalar, a number within check_json's range (a container is left to
# the lean engine and the checks after it). _RANGE's branches are lifted into the anyOf, the usual numbers first:
# jsonschema-rs then spends least on the usual ints, floats and text.
_STRICT = {"anyOf": [
    {"type": "number", **_RANGE["anyOf"][0]},
    {"type": ["string", "boolean", "null"]},
    {"type": "number", **_RANGE["anyOf"][1]},
]}
# jsonschema-rs reads a subclass of str, int or float as no JSON type at all: every keyword that reads such a
# value raises (the verdict is then left to the full path), but the single type "number" answers False, refusing
# an int or float subclass as no number. Spelt as two types, "number" raises like the others.
_ONE_NUMBER = ("number", ["number"])
_NUMBER_TYPES = ["integer", "number"]
# The length keywords pass such a value as no string; under a test of the type they raise too.
_LENGTHS = frozenset({"minLength", "maxLength"})
#: Formats jsonschema-rs checks itself exactly as the library's rule does (``tests/test_fast_path.py``):
#: its ``uuid`` is much faster than the pattern. Its ``date`` is not among them: it accepts year
#: 0000 and takes ``*+,-./`` for digits (``202,-02-29``).
NATIVE_FORMATS = frozenset({"uuid"})

#: Each custom keyword that runs natively -> its standard keywords, ``(argument, lean) -> subschema``.
_LOWERINGS: dict[str, Callable[[Any, bool], dict[str, Any]]] = {}
#: The custom keywords that stay Python keywords (the others become standard keywords).
PYTHON_KEYWORDS: set[str] = set()
#: The custom keywords whose limits keep numbers within JSON's range.
_BOUNDING: set[str] = set()


@derived
def _lowerings() -> None:
    _LOWERINGS.clear()
    _LOWERINGS.update(
        (name, keyword.engine_schema) for name, keyword in REGISTRY.items() if keyword.engine_schema is not None
    )
    PYTHON_KEYWORDS.clear()
    PYTHON_KEYWORDS.update(REGISTRY.keys() - _LOWERINGS.keys())
    _BOUNDING.clear()
    _BOUNDING.update(name for name, keyword in REGISTRY.items() if keyword.bounds_numbers)


def _small(node: Schema, keyword: str) -> bool:
    bound = node.get(keyword)
    return isinstance(bound, int | float) and not isinstance(bound, bool) and abs(bound) < _SMALL


def _range(node: Schema) -> Schema | None:
    """check_json's number range as a node needs it: only the side its own small bounds leave open (each
    comparison costs jsonschema-rs time), None when they keep both sides or a custom keyword limits it."""
    lower = _small(node, "minimum") or _small(node, "exclusiveMinimum")
    upper = _small(node, "maximum") or _small(node, "exclusiveMaximum")
    if (lower and upper) or not _BOUNDING.isdisjoint(node):
        return None
    return _BELOW if lower else _ABOVE if upper else _RANGE


def rewrite(node: Any, request: bool, guards: dict[int, set[str]], lean: bool = False, strict: bool = False) -> Any:
    """``node`` as the fast path compiles it (a new object; ``node`` is not changed).

    ``request`` selects request semantics (``readOnly`` refused); ``guards`` maps
    the ids of subschemas to the open-value guards they carry (``guards.place_guards``).
    ``lean`` leaves out every Python keyword and guard (the plan's ``checks_of`` gives
    them, to run after the engine): what is left is standard keywords only.
    ``strict`` (with ``lean``) refuses every container where the schema leaves values open,
    so that no check after the engine has to look at open values.
    """
    if not isinstance(node, dict):
        return node
    if request and node.get("readOnly") is True:
        return False
    out: dict[str, Any] = {}
    extra: list[Schema] = []
    for key, item in node.items():
        if lean and key in PYTHON_KEYWORDS:
            continue
        if key in SCHEMA_MAPS and isinstance(item, dict):
            names = {name: (explicit(name) if key == "patternProperties" else name) for name in item}
            out[key] = {names[name]: rewrite(sub, request, guards, lean, strict) for name, sub in item.items()}
        elif key in SCHEMA_LISTS and isinstance(item, list):
            out[key] = [rewrite(sub, request, guards, lean, strict) for sub in item]
        elif key in ONE_SCHEMA:
            out[key] = rewrite(item, request, guards, lean, strict)
        elif key == "$schema":
            out[key] = STANDARD_DIALECT
        elif key == "pattern":
            out[key] = explicit(item)
        elif key == "type" and item in _ONE_NUMBER:
            out[key] = _NUMBER_TYPES
        elif key == "format":  # engines assert formats: only ours, as the full path's checker knows them
            if item in NATIVE_FORMATS:
                out[key] = item
            elif item in FORMAT_SCHEMAS:
                extra.append(FORMAT_SCHEMAS[item])
        elif key in _LOWERINGS:
            extra.append(_LOWERINGS[key](item, lean))
        elif key in ANNOTATIONS or key == "readOnly":
            continue
        else:
            out[key] = item
    types = types_of(node)
    lengths = {key: out.pop(key) for key in _LENGTHS & out.keys()} if not types else {}
    if lengths:
        extra.append({"if": {"type": "string"}, "then": lengths})
    limit = _range(node) if "integer" in types or "number" in types else None
    if limit is not None:
        if "anyOf" in out:
            extra.append(limit)
        else:
            out.update(limit)
    # An open value: a lean engine checks its scalars, and the checks after it the rest (the plan's checks_of)
    # (a strict one only scalars: containers there are left to the lean engine, then the checks)
    opened = (_STRICT if strict else _SCALARS) if lean else _OPEN
    if "array" in types and not lean:
        out[ARRAY] = True
    for keyword in sorted(guards.get(id(node), ())):
        if keyword == MEMBERS:  # undeclared members: JSON data, whatever else they may be
            if strict and "additionalProperties" in out:
                extra.append({"properties": {name: True for name in out.get("properties", ())},
                              "additionalProperties": opened})
            else:
                out.setdefault("additionalProperties", opened)
        elif keyword == OPEN:
            extra.append(opened)
        elif strict and keyword == OPEN_ITEMS:
            extra.append({"items": opened})  # every item, described or not: stricter is still sound
        elif not lean:
            out[keyword] = True
    if extra:
        out["allOf"] = [*out.get("allOf", ()), *extra]
    return out

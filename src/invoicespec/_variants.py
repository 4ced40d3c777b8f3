"""Which fields each variant of every ``anyOf``/``oneOf`` declares, found once per compiled schema.

The error report tells variants apart by their discriminators (see
``_report._meant_branch``). A ``const``/``enum`` failure on a field only
discriminates when another variant *declares* that field: an open variant that
does not mention it accepts any value vacuously, and must not count. Errors alone
cannot say what a variant declares, so this walk records it, following ``$ref``
(with the right base URI) and ``allOf`` into each variant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Declared", "declared_fields"]

#: id() of an anyOf/oneOf list -> for each variant, the field names it declares.
Declared = Mapping[int, tuple[frozenset[str], ...]]

_CHILD_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
_CHILD_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_CHILD_SCHEMAS = ("items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
                  "unevaluatedItems", "unevaluatedProperties")


def declared_fields(root: Any, resolver: Any) -> dict[int, tuple[frozenset[str], ...]]:
    """Walk every schema reachable from ``root`` and record each variant list's declared fields."""
    found: dict[int, tuple[frozenset[str], ...]] = {}
    seen: set[int] = set()
    stack = [(root, resolver)]
    while stack:
        schema, here = stack.pop()
        if not isinstance(schema, dict) or id(schema) in seen:
            continue
        seen.add(id(schema))
        if isinstance(schema.get("$ref"), str):
            resolved = here.lookup(schema["$ref"])
            stack.append((resolved.contents, resolved.resolver))
        for keyword in ("anyOf", "oneOf"):
            variants = schema.get(keyword)
            if isinstance(variants, list):
                found[id(variants)] = tuple(_fields(variant, here) for variant in variants)
        for keyword in _CHILD_MAPS:
            if isinstance(schema.get(keyword), dict):
                stack.extend((child, here) for child in schema[keyword].values())
        for keyword in _CHILD_LISTS:
            if isinstance(schema.get(keyword), list):
                stack.extend((child, here) for child in schema[keyword])
        stack.extend((schema[keyword], here) for keyword in _CHILD_SCHEMAS if keyword in schema)
    return found


def _fields(variant: Any, resolver: Any) -> frozenset[str]:
    names: set[str] = set()
    seen: set[int] = set()
    stack = [(variant, resolver)]
    while stack:
        schema, here = stack.pop()
        if not isinstance(schema, dict) or id(schema) in seen:
            continue
        seen.add(id(schema))
        names.update(schema.get("properties", {}))
        if isinstance(schema.get("$ref"), str):
            resolved = here.lookup(schema["$ref"])
            stack.append((resolved.contents, resolved.resolver))
        stack.extend((child, here) for child in schema.get("allOf", []))
    return frozenset(names)

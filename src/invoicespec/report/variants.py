"""Which fields each variant of every ``anyOf``/``oneOf`` declares, found once per compiled schema.

The error report tells variants apart by their discriminators (see
``_report._meant_branch``). A ``const``/``enum`` failure on a field only
discriminates when another variant *declares* that field: an open variant that
does not mention it accepts any value vacuously, and must not count. Errors alone
cannot say what a variant declares, so this walk records it, following ``$ref``
(with the right base URI) and ``allOf`` into each variant.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from invoicespec.catalog.load import reachable

__all__ = ["Declared", "declared_fields"]

#: id() of an anyOf/oneOf list -> for each variant, the fields it declares, each with the
#: values its ``const``/``enum`` allows (None when the field takes any value of its type).
Declared = Mapping[int, tuple[Mapping[str, Any], ...]]


def declared_fields(root: Any, resolver: Any) -> dict[int, tuple[Mapping[str, Any], ...]]:
    """Walk every schema reachable from ``root`` and record each variant list's declared fields."""
    found: dict[int, tuple[Mapping[str, Any], ...]] = {}
    for schema, here in reachable([(root, resolver)]):
        for keyword in ("anyOf", "oneOf"):
            variants = schema.get(keyword)
            if isinstance(variants, list):
                found[id(variants)] = tuple(_fields(variant, here) for variant in variants)
    return found


def _fields(variant: Any, resolver: Any) -> dict[str, Any]:
    names: dict[str, Any] = {}
    seen: set[int] = set()
    stack = [(variant, resolver)]
    while stack:
        schema, here = stack.pop()
        if not isinstance(schema, dict) or id(schema) in seen:
            continue
        seen.add(id(schema))
        for name, subschema in schema.get("properties", {}).items():
            names[name] = _allowed_values(subschema) if names.get(name) is None else names[name]
        if isinstance(schema.get("$ref"), str):
            resolved = here.lookup(schema["$ref"])
            stack.append((resolved.contents, resolved.resolver))
        stack.extend((child, here) for child in schema.get("allOf", []))
    return names


def _allowed_values(schema: Any) -> Any:
    """A comparable form of what a field's ``const`` or ``enum`` allows, or None."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return json.dumps([schema["const"]], sort_keys=True)
    if isinstance(schema.get("enum"), list):
        return json.dumps(sorted(json.dumps(value, sort_keys=True) for value in schema["enum"]))
    return None

"""The normalization pass: a walker over the resolved schema that returns a new object.

It runs only on valid payloads. It follows ``$ref``, ``properties``,
``patternProperties``, ``additionalProperties``, ``items``/``prefixItems``,
``allOf``, ``dependentSchemas``, ``if``/``then``/``else`` and the ``anyOf``/
``oneOf`` variants the payload matches, and records what each normalizing
keyword (a registered keyword with a ``normalize``) turns its value into. The
input is never touched: the result is a copy with the values replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from invoicespec.engine.descend import holds, resolver_of
from invoicespec.rules.json_data import copy_json
from invoicespec.keywords.keyword import Path
from invoicespec.keywords.registry import REGISTRY, derived
from invoicespec.keywords.standard import compile_pattern, pattern_search

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = ["normalize"]

_NORMALIZERS: list[tuple[str, Callable[[Any, Any], Any]]] = []


@derived
def _normalizers() -> None:
    _NORMALIZERS[:] = [(name, keyword.normalize) for name, keyword in REGISTRY.items() if keyword.normalize]


def normalize(validator: Any, instance: Any) -> Any:
    """A normalized copy of ``instance``, which ``validator`` (jsonschema) has found valid."""
    changes: list[tuple[Path, Any]] = []
    _collect(validator, validator.schema, resolver_of(validator), instance, (), changes)
    result = copy_json(instance)
    for path, value in changes:
        if not path:
            return value
        target = result
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return result


def _collect(
    validator: Validator, schema: Any, resolver: Any, instance: Any, path: Path, out: list[tuple[Path, Any]],
) -> None:
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("$ref"), str):
        resolved = resolver.lookup(schema["$ref"])
        _collect(validator, resolved.contents, resolved.resolver, instance, path, out)

    def valid(subschema: Any) -> bool:
        return holds(validator, instance, subschema, resolver)

    for name, normalized in _NORMALIZERS:
        if name in schema:
            value = normalized(schema[name], instance)
            if value is not instance and value != instance:
                out.append((path, value))

    if isinstance(instance, dict):
        declared = schema.get("properties", {})
        for name, subschema in declared.items():
            if name in instance:
                _collect(validator, subschema, resolver, instance[name], (*path, name), out)
        patterns = schema.get("patternProperties", {})
        if patterns:
            for pattern, subschema in patterns.items():
                regex = compile_pattern(pattern)
                for name, value in instance.items():
                    if pattern_search(regex, name):
                        _collect(validator, subschema, resolver, value, (*path, name), out)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            regexes = [compile_pattern(p) for p in patterns]
            for name, value in instance.items():
                if name not in declared and not any(pattern_search(r, name) for r in regexes):
                    _collect(validator, extra, resolver, value, (*path, name), out)
        for trigger, subschema in schema.get("dependentSchemas", {}).items():
            if trigger in instance:
                _collect(validator, subschema, resolver, instance, path, out)

    if isinstance(instance, list):
        prefix = schema.get("prefixItems", [])
        for index, subschema in enumerate(prefix[: len(instance)]):
            _collect(validator, subschema, resolver, instance[index], (*path, index), out)
        items = schema.get("items")
        if isinstance(items, dict):
            for index in range(len(prefix), len(instance)):
                _collect(validator, items, resolver, instance[index], (*path, index), out)

    for subschema in schema.get("allOf", []):
        _collect(validator, subschema, resolver, instance, path, out)
    for keyword in ("anyOf", "oneOf"):
        for subschema in schema.get(keyword, []):
            if valid(subschema):
                _collect(validator, subschema, resolver, instance, path, out)
                if keyword == "oneOf":
                    break
    if "if" in schema:
        branch = schema.get("then") if valid(schema["if"]) else schema.get("else")
        _collect(validator, branch, resolver, instance, path, out)

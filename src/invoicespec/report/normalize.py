"""The normalization pass: a plan made once per part, then one walk of each valid payload.

Where a part's values can change (the subschemas holding a normalizing keyword, a registered keyword with a
``normalize``, such as ``x-phone`` and ``x-iban``) is known from its schema alone. :func:`normalizer` finds, once,
the subschemas that lead to one, following ``$ref``, ``properties``, ``patternProperties``,
``additionalProperties``, ``items``/``prefixItems``, ``allOf``, ``dependentSchemas``, ``if``/``then``/``else`` and
the ``anyOf``/``oneOf`` variants; each payload then walks only those. A part with none is copied, nothing more.
Which variant or branch a payload takes is asked of the full path only where the choice leads to a normalizing
keyword. The input is never touched: the result is the part's copy (:mod:`copier`, planned once too) with the
values replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from invoicespec.catalog.load import reachable
from invoicespec.keywords.keyword import Path
from invoicespec.keywords.registry import REGISTRY
from invoicespec.keywords.standard import compile_pattern, pattern_search
from invoicespec.report.copier import Copy, copier

__all__ = ["Normalizer", "normalizer"]

#: Whether an instance is valid against a subschema read with a resolver (the full path's answer).
Holds = Callable[[Any, Any, Any], bool]
_Change = tuple[Path, Any]


class _Step:
    """What one subschema that leads to a normalizing keyword does to the instance it applies to; every
    subschema it names leads to one too (the others cannot change anything and are left out)."""

    __slots__ = (
        "schema", "resolver", "normalizers", "ref", "properties", "patterns", "all_patterns", "declared",
        "additional", "dependent", "prefix", "items", "items_from", "all_of", "any_of", "one_of", "condition",
    )

    def __init__(self, schema: dict[str, Any], resolver: Any) -> None:
        self.schema, self.resolver = schema, resolver
        self.normalizers: list[tuple[Callable[[Any, Any], Any], Any]] = []
        self.ref: _Step | None = None
        self.properties: list[tuple[str, _Step]] = []
        self.patterns: list[tuple[Any, _Step]] = []
        self.all_patterns: list[Any] = []
        self.declared: dict[str, Any] = {}
        self.additional: _Step | None = None
        self.dependent: list[tuple[str, _Step]] = []
        self.prefix: list[tuple[int, _Step]] = []
        self.items: _Step | None = None
        self.items_from = 0  # items applies after every prefixItems, leading or not
        self.all_of: list[_Step] = []
        self.any_of: list[_Step] = []
        self.one_of: list[_Step] = []
        # if/then/else: the condition, and the step of each branch (None where it changes nothing)
        self.condition: tuple[Any, _Step | None, _Step | None] | None = None


class Normalizer:
    """Normalizes the valid payloads of one part; made by :func:`normalizer`."""

    __slots__ = ("_root", "_make_holds", "_holds", "_copy")

    def __init__(self, root: _Step | None, holds: Callable[[], Holds], copy: Copy) -> None:
        self._root = root
        self._make_holds = holds
        self._holds: Holds | None = None
        self._copy = copy

    @property
    def changes_nothing(self) -> bool:
        """True when no value of this part is ever normalized (a normalized payload is a plain copy)."""
        return self._root is None

    def __call__(self, instance: Any) -> Any:
        """A normalized copy of ``instance``, which must be valid."""
        result = self._copy(instance)
        if self._root is None:
            return result
        changes: list[_Change] = []
        self._walk(self._root, instance, (), changes)
        for path, value in changes:
            if not path:
                return value
            target = result
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = value
        return result

    def _walk(self, step: _Step, instance: Any, path: Path, out: list[_Change]) -> None:
        for normalize, argument in step.normalizers:
            value = normalize(argument, instance)
            if value is not instance and value != instance:
                out.append((path, value))
        if step.ref is not None:
            self._walk(step.ref, instance, path, out)
        if isinstance(instance, dict):
            for name, sub in step.properties:
                if name in instance:
                    self._walk(sub, instance[name], (*path, name), out)
            for regex, sub in step.patterns:
                for name, value in instance.items():
                    if pattern_search(regex, name):
                        self._walk(sub, value, (*path, name), out)
            if step.additional is not None:
                for name, value in instance.items():
                    if name not in step.declared and not any(pattern_search(r, name) for r in step.all_patterns):
                        self._walk(step.additional, value, (*path, name), out)
            for trigger, sub in step.dependent:
                if trigger in instance:
                    self._walk(sub, instance, path, out)
        if isinstance(instance, list):
            for index, sub in step.prefix:
                if index < len(instance):
                    self._walk(sub, instance[index], (*path, index), out)
            if step.items is not None:
                for index in range(step.items_from, len(instance)):
                    self._walk(step.items, instance[index], (*path, index), out)
        for sub in step.all_of:
            self._walk(sub, instance, path, out)
        if step.any_of or step.one_of or step.condition is not None:
            holds = self._holds
            if holds is None:
                holds = self._holds = self._make_holds()
            for sub in step.any_of:
                if holds(instance, sub.schema, sub.resolver):
                    self._walk(sub, instance, path, out)
            for sub in step.one_of:  # a valid payload matches exactly one of them
                if holds(instance, sub.schema, sub.resolver):
                    self._walk(sub, instance, path, out)
                    break
            if step.condition is not None:
                condition, then, otherwise = step.condition
                branch = then if holds(instance, condition, step.resolver) else otherwise
                if branch is not None:
                    self._walk(branch, instance, path, out)


def _applied(schema: dict[str, Any], resolver: Any) -> list[Any]:
    """The subschemas the walk may apply to an instance ``schema`` applies to, or to its members."""
    found: list[Any] = []
    if isinstance(schema.get("$ref"), str):
        found.append(resolver.lookup(schema["$ref"]).contents)
    for key in ("properties", "patternProperties", "dependentSchemas"):
        if isinstance(schema.get(key), dict):
            found.extend(schema[key].values())
    for key in ("prefixItems", "allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            found.extend(schema[key])
    found.extend(schema[key] for key in ("additionalProperties", "items", "then", "else") if key in schema)
    return found


def normalizer(schema: Any, resolver: Any, holds: Callable[[], Holds]) -> Normalizer:
    """The normalizer of the part whose schema is ``schema``, read with ``resolver`` (a ``referencing.Resolver``
    rooted at it). ``holds`` gives, when first needed, the full path's validity check of an instance against a
    subschema (only variants and conditions that lead to a normalizing keyword ask it)."""
    normalizing = {name: keyword.normalize for name, keyword in REGISTRY.items() if keyword.normalize}
    nodes = list(reachable([(schema, resolver)]))
    above: dict[int, list[int]] = {}
    leading: set[int] = set()
    for node, node_resolver in nodes:
        if any(name in node for name in normalizing):
            leading.add(id(node))
        for child in _applied(node, node_resolver):
            above.setdefault(id(child), []).append(id(node))
    stack = list(leading)
    while stack:
        for parent in above.get(stack.pop(), ()):
            if parent not in leading:
                leading.add(parent)
                stack.append(parent)
    copy = copier(schema, resolver)
    if id(schema) not in leading:
        return Normalizer(None, holds, copy)

    steps = {id(node): _Step(node, node_resolver) for node, node_resolver in nodes if id(node) in leading}

    def step_of(sub: Any) -> _Step | None:
        return steps.get(id(sub)) if isinstance(sub, dict) else None

    for step in steps.values():
        node = step.schema
        step.normalizers = [(normalize, node[name]) for name, normalize in normalizing.items() if name in node]
        if isinstance(node.get("$ref"), str):
            step.ref = step_of(step.resolver.lookup(node["$ref"]).contents)
        declared = node.get("properties", {})
        step.declared = declared
        step.properties = [(name, sub) for name, raw in declared.items() if (sub := step_of(raw))]
        patterns = node.get("patternProperties", {})
        step.all_patterns = [compile_pattern(pattern) for pattern in patterns]
        step.patterns = [(compile_pattern(pattern), sub) for pattern, raw in patterns.items() if (sub := step_of(raw))]
        step.additional = step_of(node.get("additionalProperties"))
        step.dependent = [(name, sub) for name, raw in node.get("dependentSchemas", {}).items() if (sub := step_of(raw))]
        prefix = node.get("prefixItems", [])
        step.prefix = [(index, sub) for index, raw in enumerate(prefix) if (sub := step_of(raw))]
        step.items, step.items_from = step_of(node.get("items")), len(prefix)
        step.all_of = [sub for raw in node.get("allOf", []) if (sub := step_of(raw))]
        step.any_of = [sub for raw in node.get("anyOf", []) if (sub := step_of(raw))]
        step.one_of = [sub for raw in node.get("oneOf", []) if (sub := step_of(raw))]
        then, otherwise = step_of(node.get("then")), step_of(node.get("else"))
        if "if" in node and (then or otherwise):
            step.condition = (node["if"], then, otherwise)
    return Normalizer(steps[id(schema)], holds, copy)

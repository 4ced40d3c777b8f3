"""Open-value guards: where a schema leaves a value open, the fast path must still refuse what is not JSON data.

jsonschema-rs takes a tuple for an array and reads numbers of any size, where the full path (``check_json``)
refuses them; so each place the schemas leave open carries a guard, a keyword of the fast path's own that
stands for one of ``check_json``'s rules. :func:`place_guards` finds those places, looking at each location
as a whole; the guard classes check them.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from invoicespec.catalog.load import ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS
from invoicespec.rules.json_data import MAX_DEPTH, check_json

if TYPE_CHECKING:
    from jsonschema_rs import KeywordValidator

    from invoicespec.catalog.load import Schema
    from invoicespec.catalog.nodes import Sub

__all__ = [
    "ARRAY", "GUARDS", "MEMBERS", "OPEN", "OPEN_ITEMS", "NoPlace", "negated_subschemas", "place_guards", "types_of",
    "uncertain",
]

#: Where arrays are allowed: no tuple (JSON data has none).
ARRAY = "x-fast-array"
#: A value the schema leaves open: JSON data all the same.
OPEN = "x-fast-open"
#: The items of an array no schema describes: JSON data all the same.
OPEN_ITEMS = "x-fast-open-items"
#: A check under this keyword name applies to the members an object does not declare.
MEMBERS = "x-fast-members"

# An open value deeper than this is left to the full path, which knows the payload's whole depth.
_OPEN_DEPTH = MAX_DEPTH // 2
_MAX_SCHEMA_DEPTH = 50  # deeper than any payload the schemas describe: treated as open

_state = threading.local()


def uncertain() -> bool:
    """Whether a guard has just left the verdict to the full path (an open value nested too deep to
    tell); the flag is cleared for the next verdict."""
    if getattr(_state, "uncertain", False):
        _state.uncertain = False
        return True
    return False


def types_of(schema: Schema) -> tuple[str, ...]:
    """The JSON types a subschema's own ``type`` names (none when it has no ``type``)."""
    types = schema.get("type", ())
    return (types,) if isinstance(types, str) else tuple(types)


# -- the guards -----------------------------------------------------------------------------------


class _Guard:
    """A keyword that stands for one of ``check_json``'s rules: it takes no argument."""

    __slots__ = ()

    def __init__(self, parent_schema: Schema, value: Any, schema_path: list[str | int]) -> None:
        pass


class NoTuple:
    """Where arrays are allowed: jsonschema-rs takes a tuple for an array; JSON data has none."""

    __slots__ = ("arrays",)

    #: The classes of JSON data as parsed: a value of one of them is no tuple, told in one lookup.
    PLAIN = frozenset({list, dict, str, int, float, bool, type(None)})

    def __init__(self, parent_schema: Schema, value: Any, schema_path: list[str | int]) -> None:
        # only arrays (or null, never checked): nearly always a plain list
        self.arrays = set(types_of(parent_schema)) - {"null"} == {"array"}

    def validate(self, instance: Any) -> None:
        if isinstance(instance, tuple):
            raise ValueError("a tuple is not JSON data")

    def inline(self, value: str, me: str) -> list[str]:
        """An isinstance() that fails costs more than telling a plain list by its class, or any plain value
        by a lookup."""
        plain = f"{value}.__class__ is not list" if self.arrays else f"{value}.__class__ not in {me}.PLAIN"
        return [f"if {plain} and isinstance({value}, tuple): {me}.validate({value})"]


def _check_open(value: Any) -> None:
    if value is None or isinstance(value, str | bool):
        return
    problems = check_json(value, max_depth=_OPEN_DEPTH)
    if problems:
        if problems[0].keyword == "max-depth":
            _state.uncertain = True
        raise ValueError("not JSON data")


class OpenItems(_Guard):
    """On arrays whose items no schema describes: the items must still be JSON data."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        if isinstance(instance, list | tuple):
            for item in instance:
                _check_open(item)


class OpenValue(_Guard):
    """Where the schema accepts any value: the value must still be JSON data."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        _check_open(instance)

    def inline(self, value: str, me: str) -> list[str]:
        """After a lean engine: only what is not a plain scalar needs a look."""
        return [f"if not ({value} is None or type({value}) in {me}.SCALARS): {me}.validate({value})"]

    SCALARS = frozenset({str, bool, int, float})


#: Each guard keyword -> its check, in a whole engine.
GUARDS: dict[str, type[KeywordValidator]] = {ARRAY: NoTuple, OPEN_ITEMS: OpenItems, OPEN: OpenValue}


# -- where values are left open -------------------------------------------------------------------

# Keywords under which a failing guard could turn a rejection into an acceptance.
_NEGATING = frozenset({"not", "if", "oneOf", "contains", "propertyNames"})


class NoPlace(Exception):
    """An open value has no subschema where a guard can go safely: the part has no fast path."""


def negated_subschemas(roots: list[Sub]) -> set[int]:
    """The ids of subschemas reachable under a negating keyword (there a guard could flip a verdict)."""
    found: set[int] = set()
    seen: set[tuple[int, bool]] = set()
    stack: list[tuple[Any, Any, bool]] = [(schema, resolver, False) for schema, resolver in roots]
    while stack:
        schema, resolver, negative = stack.pop()
        if not isinstance(schema, dict) or (id(schema), negative) in seen:
            continue
        seen.add((id(schema), negative))
        if negative:
            found.add(id(schema))
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
    return found


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def place_guards(roots: list[Sub], negated: set[int], guards: dict[int, set[str]]) -> None:
    """Add to ``guards`` (id of a subschema -> guard keywords) what the open values below ``roots`` need.

    Each location is looked at as a whole: ``$ref``s and ``allOf``s merged by
    ``catalog.nodes.flatten``, every alternative of every variant, so that a field declared
    untyped in one place and typed in another is not open. An open value gets its
    guard in a subschema applied wherever that value is (and never under a
    negating keyword); raises :class:`NoPlace` when there is none.
    """
    # Merging locations is only needed where no compiled catalog says where the guards go: not at a cold start.
    from invoicespec.catalog.nodes import applied, choose, flatten

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
                _add(guards, anchor, OPEN)
            continue
        if "object" in types:
            if any("patternProperties" in schema for schema in schemas):
                raise NoPlace("patternProperties are not followed here")
            if node.additional is None:  # on the subschema declaring the most members: it checks the rest
                declaring = [schema for schema in schemas if id(schema) not in negated]
                _add(guards, max(declaring, key=lambda schema: len(schema.get("properties", ())), default=None),
                     MEMBERS)
            if isinstance(node.additional, list):
                stack.append((node.additional, frozenset(), depth + 1))
            names = node.properties if node.allowed is None else [n for n in node.properties if n in node.allowed]
            stack.extend((node.properties[name], frozenset(), depth + 1) for name in names)
        if "array" in types:
            if node.items:
                stack.append((node.items, frozenset(), depth + 1))
            else:
                _add(guards, anchor, OPEN_ITEMS)


def _add(guards: dict[int, set[str]], anchor: Schema | None, keyword: str) -> None:
    if anchor is None:
        raise NoPlace(f"no subschema can carry {keyword}")
    guards.setdefault(id(anchor), set()).add(keyword)

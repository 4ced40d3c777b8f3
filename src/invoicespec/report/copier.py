"""The copy of a part's valid payloads, planned once from its schema.

A normalized payload is a new object: every object and array in it is new, none shared with the input. A deep
payload holds many small objects, and copying every value costs much next to its verdict; yet its strings,
numbers and booleans are immutable and may be shared as they are. Which members of an object may hold an
object or an array is known from the schema alone, once per part: a member whose schema allows scalars only
(its ``type``, ``enum``, ``const``, or variants that each allow scalars only) is shared; where an object's
schema refuses undeclared members (``additionalProperties: false``) or allows them scalars only, those cannot
hold a container. :func:`copier` writes one Python function per part from that plan: each object a
``dict.copy`` and then the copies of its members that may hold a container, each array a new list of its
items' copies, with no look at any other value.

The payload is valid (its verdict came first), so it holds only what its schema allows. The plan reads what
applies wherever a location is reached (``$ref``, ``allOf``), never what a variant or a condition adds (which
can only allow less), so it may look at more members than a payload can hold, never at fewer. Where the schema
leaves an object's members or an array's items open, a plan would have to look at every value, and the part's
payloads are copied whole by :func:`copy_checked_json` instead. A subclass of ``dict`` or ``list`` is copied by
:func:`copy_json`, as a payload holding one always is: the copy has the same values, of the same types, either
way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from invoicespec.catalog.nodes import Node, Sub, applied, flatten
from invoicespec.rules.json_data import copy_checked_json, copy_json

__all__ = ["Copy", "copier"]

#: The copy of a valid payload (a new object, no container shared with it).
Copy = Callable[[Any], Any]

_SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean", "null"})
#: Objects and arrays nested in one generated function at most this deep, and loops at most this many (Python
#: limits how many blocks nest); deeper ones are a call.
_MAX_LEVELS = 16
_MAX_LOOPS = 10
#: Variants within variants looked into at most this deep (a schema may hold itself through them).
_MAX_VARIANT_DEPTH = 8
#: Locations planned at most this deep (the plan recurses): a part whose schemas nest deeper is copied whole.
_MAX_DEPTH = 50


class _Shape:
    """What a valid payload may hold at one location that may hold an object or an array."""

    __slots__ = ("objects", "members", "arrays", "items")

    def __init__(self) -> None:
        self.objects = False  # objects may be here
        self.members: list[tuple[str, _Shape]] = []  # the members of those objects that may hold a container
        self.arrays = False  # arrays may be here
        self.items: _Shape | None = None  # the shape of every item of those arrays (None: scalars only)


class _Open(Exception):
    """A location may hold a container the plan cannot follow: the part's payloads are copied whole."""


def _holds_scalars_only(node: Node, depth: int = 0) -> bool:
    """Whether every value the node allows is a scalar: by its type, its enum or const, or because each
    variant of one of its ``anyOf``/``oneOf`` allows scalars only (a valid value matches one of them)."""
    if node.types is not None and node.types <= _SCALAR_TYPES:
        return True
    if node.enum is not None and not any(isinstance(value, dict | list) for value in node.enum):
        return True
    return depth < _MAX_VARIANT_DEPTH and any(
        choice.kind != "if" and all(_holds_scalars_only(flatten(subs), depth + 1) for subs in choice.alternatives)
        for choice in node.choices
    )


def _container_members(schemas: list[Sub]) -> set[str] | None:
    """The only members of an object that may hold a container, where one of ``schemas`` says so: those it
    declares, as every other member it refuses or allows scalars only (``additionalProperties``,
    ``patternProperties``). None: any member may."""
    found: set[str] | None = None
    for schema, resolver in schemas:
        undeclared = [schema.get("additionalProperties", True), *schema.get("patternProperties", {}).values()]
        if all(_holds_scalars_only(flatten([(sub, resolver)])) for sub in undeclared):
            declared = set(schema.get("properties", {}))
            found = declared if found is None else found & declared
    return found


def _plan(subs: list[Sub], shapes: dict[tuple[int, ...], _Shape | None], depth: int = 0) -> _Shape | None:
    """The shape of the location ``subs`` apply to; None where it holds scalars only. Raises :class:`_Open`
    where it may hold an object whose members, or an array whose items, the schemas leave open."""
    key = tuple(id(schema) for schema, _ in subs)
    if key in shapes:
        return shapes[key]
    if depth >= _MAX_DEPTH:
        raise _Open
    node = flatten(subs)
    if _holds_scalars_only(node):
        shapes[key] = None
        return None
    shape = shapes[key] = _Shape()  # before its members: a schema may hold itself
    schemas = [(schema, resolver) for schema, resolver in applied(subs) if isinstance(schema, dict)]
    shape.objects = node.types is None or "object" in node.types
    shape.arrays = node.types is None or "array" in node.types
    if shape.objects:
        members = _container_members(schemas)
        if members is None:
            raise _Open
        for name, held in node.properties.items():
            member = _plan(held, shapes, depth + 1) if name in members else None
            if member is not None:
                shape.members.append((name, member))
    if shape.arrays:
        if not node.items or any("prefixItems" in schema for schema, _ in schemas):
            raise _Open
        shape.items = _plan(node.items, shapes, depth + 1)
    return shape


def _other(value: Any) -> Any:
    """The copy of a value where the plan expects no container (a scalar is its own copy), or of a subclass
    of ``dict`` or ``list``."""
    return copy_json(value) if isinstance(value, dict | list) else value


def _leaf(shape: _Shape) -> bool:
    """An object with scalar members only, and nothing else that is a container."""
    return shape.objects and not shape.members and not shape.arrays


def _short(shape: _Shape) -> bool:
    """Whether the shape's code is a few lines: written in place wherever it is met."""
    return not shape.members and (not shape.arrays or shape.items is None or _leaf(shape.items))


class _Source:
    """The generated functions of one part: its root's, and one for each shape met too deep or met again
    (a long shape is written in place once, a shape within itself is called)."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}  # id(shape) -> its function
        self.pending: list[_Shape] = []
        self.inlined: set[int] = set()
        self.writing: set[int] = set()

    def function(self, shape: _Shape) -> str:
        name = self.names.get(id(shape))
        if name is None:
            name = self.names[id(shape)] = f"copy_{len(self.names)}"
            self.pending.append(shape)
        return name

    def write(self, root: _Shape) -> list[str]:
        self.function(root)
        lines: list[str] = []
        while self.pending:
            shape = self.pending.pop()
            self.writing = set()
            lines.append(f"def {self.names[id(shape)]}(value):")
            lines += self._code(shape, "value", "value", 0, 0, 1)
            lines += ["    return value", ""]
        return lines

    def _value(self, shape: _Shape, value: str, target: str, level: int, loops: int, indent: int) -> list[str]:
        """Lines that assign to ``target`` the copy of the variable ``value`` (None where a member is missing)
        when it is a container: written in place, or a call."""
        if not _short(shape) and (id(shape) in self.inlined or id(shape) in self.writing
                                  or level >= _MAX_LEVELS or loops >= _MAX_LOOPS):
            pad = "    " * indent
            return [f"{pad}if {value} is not None:", f"{pad}    {target} = {self.function(shape)}({value})"]
        return self._code(shape, value, target, level, loops, indent)

    def _code(self, shape: _Shape, value: str, target: str, level: int, loops: int, indent: int) -> list[str]:
        """:meth:`_value`'s lines written in place. A copied list is assigned once its items are copied, so
        that ``target`` may be ``value`` itself."""
        pad = "    " * indent
        self.inlined.add(id(shape))
        self.writing.add(id(shape))
        lines: list[str] = []
        if shape.objects:
            lines.append(f"{pad}if type({value}) is dict:")
            if shape.members:
                copy, member = f"copy{level}", f"member{level}"
                lines.append(f"{pad}    {copy} = {target} = {value}.copy()")
                for name, sub in shape.members:
                    lines.append(f"{pad}    {member} = {copy}.get({name!r})")
                    lines += self._value(sub, member, f"{copy}[{name!r}]", level + 1, loops, indent + 1)
            else:
                lines.append(f"{pad}    {target} = {value}.copy()")
        if shape.arrays:
            lines.append(f"{pad}{'elif' if lines else 'if'} type({value}) is list:")
            items, item = f"items{level}", f"item{level}"
            if shape.items is None:
                lines.append(f"{pad}    {target} = {value}.copy()")
            elif _leaf(shape.items):
                lines += [f"{pad}    {items} = []", f"{pad}    for {item} in {value}:",
                          f"{pad}        {items}.append({item}.copy() if type({item}) is dict else other({item}))",
                          f"{pad}    {target} = {items}"]
            else:
                lines += [f"{pad}    {items} = []", f"{pad}    for {item} in {value}:"]
                lines += self._value(shape.items, item, item, level + 1, loops + 1, indent + 2)
                lines += [f"{pad}        {items}.append({item})", f"{pad}    {target} = {items}"]
        self.writing.discard(id(shape))
        return lines + [f"{pad}elif {value} is not None:", f"{pad}    {target} = other({value})"]


def copier(schema: Any, resolver: Any) -> Copy:
    """The copy of a valid payload of the part whose schema is ``schema``, read with ``resolver``: a function
    written for the part, or :func:`copy_checked_json` where the schema leaves some object or array open (a
    plan that has to look at every value is no faster than orjson's round trip)."""
    try:
        root = _plan([(schema, resolver)], {})
    except _Open:
        return copy_checked_json
    if root is None:
        return _other
    source = _Source()
    namespace: dict[str, Any] = {"other": _other}
    exec(compile("\n".join(source.write(root)), "<invoicespec copy>", "exec"), namespace)
    copy: Copy = namespace[source.names[id(root)]]
    return copy

"""JSON Pointers (RFC 6901): parse, format and resolve, without raising."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import repeat
from typing import Any

__all__ = [
    "MISSING", "delete_at", "format_pointer", "member", "parse_pointer", "resolve", "set_at", "value_at", "values_at",
]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: What :func:`resolve` answers when the pointer leads nowhere.
MISSING: Any = _Missing()


@lru_cache(maxsize=4096)  # pointers come from schemas; the bound keeps odd callers harmless
def parse_pointer(pointer: str) -> tuple[str, ...]:
    """Split ``/a/b~1c`` into ``("a", "b/c")``; ``""`` is the empty tuple."""
    if not pointer:
        return ()
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/"))


def format_pointer(parts: Iterable[str | int]) -> str:
    """Join path segments into a JSON Pointer string."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def resolve(document: Any, parts: tuple[str, ...]) -> tuple[Any, list[str | int]]:
    """Follow ``parts`` into ``document``: the value (or MISSING) and the concrete path taken."""
    path: list[str | int] = []
    node = document
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and part.isdigit() and part.isascii() and int(part) < len(node):
            node = node[int(part)]
            path.append(int(part))
        else:
            return MISSING, path
    return node, path


def member(item: Any, parts: tuple[str, ...]) -> Any:
    """The value at ``parts`` in ``item``, or MISSING: :func:`resolve`'s value, with plain objects
    (nearly all) looked up directly."""
    value = item
    for part in parts:
        if type(value) is not dict:
            return resolve(item, parts)[0]
        value = value.get(part, MISSING)
        if value is MISSING:
            break
    return value


_GET: Callable[[Any, Any], Any] = dict.get  # read in C: the overloads of dict.get say no more


def values_at(items: Any, parts: tuple[str, ...]) -> list[Any]:
    """The value at ``parts`` in each item of a list (None or MISSING where there is none: the same to every
    caller); none for anything else."""
    if not isinstance(items, list):
        return []
    try:  # objects all the way down (nearly always), read in C: members as stored, None where absent
        if len(parts) == 1:
            return list(map(_GET, items, repeat(parts[0])))
        if len(parts) == 2:
            return list(map(_GET, map(_GET, items, repeat(parts[0])), repeat(parts[1])))
    except TypeError:  # an item, or a value on the way, that is not an object
        pass
    if len(parts) == 1:  # the usual pointers, looked up in place
        name = parts[0]
        return [item.get(name, MISSING) if type(item) is dict else member(item, parts) for item in items]
    if len(parts) == 2:
        outer, name = parts
        return [
            inner.get(name, MISSING) if type(item) is dict and type(inner := item.get(outer)) is dict
            else member(item, parts)
            for item in items
        ]
    return [member(item, parts) for item in items]


# Edits in place, for the test-data strategies that make a drawn document hold a relation. Like the
# readers above they never raise: a pointer whose parent is absent changes nothing.


def value_at(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` (a JSON Pointer string) in ``document``, or MISSING."""
    return resolve(document, parse_pointer(pointer))[0]


def set_at(document: Any, pointer: str, value: Any) -> None:
    """Put ``value`` at ``pointer`` in ``document``, if its parent exists (an existing index, in an array)."""
    *parents, last = parse_pointer(pointer)
    target, _ = resolve(document, tuple(parents))
    if isinstance(target, dict):
        target[last] = value
    elif isinstance(target, list) and last.isdigit() and int(last) < len(target):
        target[int(last)] = value


def delete_at(document: Any, pointer: str) -> None:
    """Remove the field at ``pointer`` from ``document``, if it is there."""
    *parents, last = parse_pointer(pointer)
    target, _ = resolve(document, tuple(parents))
    if isinstance(target, dict):
        target.pop(last, None)

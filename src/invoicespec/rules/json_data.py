"""Checks on the payload itself, before any schema: is it JSON data, and not too deep?

jsonschema assumes JSON data: a NaN passes ``minimum``, a ``set`` or a tuple
confuses ``type``, and very deep nesting ends in ``RecursionError``. One
iterative pass refuses all of that up front, in linear time, with one clear
error per offending value (at most :data:`MAX_REPORTED`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from invoicespec.rules.pointer import format_pointer
from invoicespec.rules import short
from invoicespec._errors import Error

__all__ = ["MAX_DEPTH", "WIDEST", "check_json", "copy_checked_json", "copy_json", "json_type", "plain_copy"]

#: The deepest nesting a payload may have (real invoices stay under 10).
MAX_DEPTH = 100
MAX_REPORTED = 20
#: Integers wider than this are refused: Python cannot even print them (its
#: int-to-text limit is 4,300 digits), and neither can most JSON parsers read them.
MAX_INT_DIGITS = 3_900
MAX_INT_BITS = 12_955  # 2**12_955 has 3,900 digits
#: The smallest magnitude refused, for integers and Decimals alike (a bound standard keywords can state).
WIDEST: int = 2**MAX_INT_BITS  # int: a power with a non-negative exponent


def _plain(value: Any, depth: int) -> bool:
    """True when ``value`` is JSON data of the plainest kind (exact built-in types), quickly.

    False does not mean it is not JSON data (a subclass, a Decimal): the careful walk decides.
    """
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        integer: int = value
        return -WIDEST < integer < WIDEST
    if kind is float:
        real: float = value
        return real - real == 0.0  # NaN and the infinities give NaN
    if depth <= 0:
        return False
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not _plain(item, depth - 1):
                return False
        return True
    if kind is list:
        for item in value:
            if not _plain(item, depth - 1):
                return False
        return True
    return False


def check_json(instance: Any, max_depth: int = MAX_DEPTH) -> list[Error]:
    """Errors for every value that is not JSON data, or a single error if nesting is too deep.

    JSON data here is what ``json.loads`` produces (``dict`` with ``str`` keys,
    ``list``, ``str``, ``int`` of up to about 3,900 digits, finite ``float``, ``bool``,
    ``None``), plus finite ``Decimal`` of the same range (``json.loads(..., parse_float=Decimal)``,
    the exact way to read amounts). ``max_depth`` lowers the nesting limit, for
    checking a value that sits inside a payload.
    """
    if _plain(instance, max_depth):  # the common case, without building a path for every value
        return []
    errors: list[Error] = []
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(instance, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= max_depth:
                return [Error(format_pointer(path), "max-depth",
                              f"nested too deep: at most {max_depth} levels of objects and arrays are accepted")]
            if isinstance(value, dict):
                children = []
                for key, item in value.items():
                    if not isinstance(key, str):
                        errors.append(Error(format_pointer(path), "json",
                                            f"object keys must be strings, not {short(key)}"))
                    else:
                        children.append((item, (*path, key), depth + 1))
            else:
                children = [(item, (*path, index), depth + 1) for index, item in enumerate(value)]
            stack.extend(reversed(children))  # so that errors come in document order
        elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
            errors.append(Error(format_pointer(path), "json",
                                f"{short(value)} is out of range: JSON integers here are limited to about "
                                f"{MAX_INT_DIGITS:,} digits"))
        elif isinstance(value, float):
            if not math.isfinite(value):
                errors.append(Error(format_pointer(path), "json",
                                    f"{value!r} is not a JSON number: only finite numbers are allowed"))
        elif isinstance(value, Decimal):
            if not value.is_finite():
                errors.append(Error(format_pointer(path), "json",
                                    f"{value} is not a JSON number: only finite numbers are allowed"))
            elif value.copy_abs() >= WIDEST:  # copy_abs: exact, whatever the context precision
                errors.append(Error(format_pointer(path), "json",
                                    f"{short(value)} is out of range: JSON numbers here are limited to about "
                                    f"{MAX_INT_DIGITS:,} integral digits"))
        elif not (value is None or isinstance(value, str | int | bool)):
            errors.append(Error(format_pointer(path), "json",
                                f"{short(value)} is not a JSON value (expected an object, array, string, "
                                "number, boolean or null)"))
        if len(errors) >= MAX_REPORTED:
            break
    return errors


class _NotPlain(Exception):
    pass


#: Each JSON type's class -> what gives a subclass's value as that very class, whatever the subclass overrides.
_AS_BASE: dict[type, Callable[[Any], Any]] = {str: str.__str__, int: int.__int__, float: float.__float__}


def plain_copy(value: Any) -> Any:
    """``value`` with every subclass of ``str``, ``int``, ``float``, ``dict`` and ``list`` made its base class
    (the same JSON value): engines that know only the exact classes can then read it. None when there is no
    such subclass, or when a value is of none of those classes (nor ``bool``, ``None``, ``Decimal``) or nests
    deeper than :data:`MAX_DEPTH`: nothing a plain copy would help with."""
    found = [False]

    def copy(item: Any, depth: int) -> Any:
        kind = type(item)
        if kind is str or kind is int or kind is float or kind is bool or item is None or kind is Decimal:
            return item
        if depth >= MAX_DEPTH:
            raise _NotPlain
        if isinstance(item, dict):
            found[0] |= kind is not dict
            return {copy(key, depth + 1): copy(member, depth + 1) for key, member in dict.items(item)}
        if isinstance(item, list):
            found[0] |= kind is not list
            return [copy(member, depth + 1) for member in list.__iter__(item)]
        for base, as_base in _AS_BASE.items():
            if isinstance(item, base) and not isinstance(item, bool):
                found[0] = True
                return as_base(item)
        raise _NotPlain

    try:
        copied = copy(value, 0)
    except _NotPlain:
        return None
    return copied if found[0] else None


def json_type(value: Any) -> str:
    """The JSON type of a JSON value: null, boolean, integer, number, string, array or object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "number"


#: The scalars read by ``json.loads``, shared by copies as they are (immutable).
_SHARED_AS_IS = frozenset({str, int, float, bool, type(None)})


def copy_json(value: Any) -> Any:
    """A deep copy of JSON data (containers new, plain ``dict`` and ``list`` even for subclasses; scalars shared:
    they are immutable)."""
    if isinstance(value, dict):
        return {key: item if type(item) in _SHARED_AS_IS else copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [item if type(item) in _SHARED_AS_IS else copy_json(item) for item in value]
    return value


def copy_checked_json(value: Any) -> Any:
    """:func:`copy_json` of a value :func:`check_json` has passed (orjson would write NaN as null).

    Written out and read back by orjson, in C, where it can: exact built-in types, integers within 64 bits and
    text that is valid UTF-8; floats come back exactly (it writes the shortest text that reads back the same).
    Anything else (a subclass, a Decimal, a wider integer, a lone surrogate) is copied by :func:`copy_json`.
    """
    try:
        return _orjson_copy()(value)
    except (TypeError, ValueError):  # orjson's errors derive from these
        return copy_json(value)


@lru_cache(maxsize=None)
def _orjson_copy() -> Callable[[Any], Any]:
    """orjson's round trip, imported on first need (verdicts alone, a cold start, never copy)."""
    import orjson

    dumps, loads, option = orjson.dumps, orjson.loads, orjson.OPT_PASSTHROUGH_SUBCLASS
    return lambda value: loads(dumps(value, option=option))

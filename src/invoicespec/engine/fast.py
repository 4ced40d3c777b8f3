"""The fast path: each part compiled by jsonschema-rs, for verdicts.

``is_valid`` (and ``errors`` on valid payloads) ask a jsonschema-rs validator
compiled from the same schema documents, rewritten so that the compiled engine
means exactly what the jsonschema path means:

- what standard keywords can say is said with them and runs compiled: each
  ``format`` becomes the pattern that accepts exactly what its rule accepts
  (``_formats.FORMAT_SCHEMAS``), or stays a format where jsonschema-rs's own
  check is exactly the rule (:data:`NATIVE_FORMATS`; a format the library does
  not know is dropped, as the full path ignores it), ``x-required-any-of`` an ``anyOf`` of
  ``required``, ``x-digits`` native branches for integers and decimal strings,
  ``readOnly`` in requests a ``false`` schema, and check_json's number range
  the bounds of unbounded numbers (64-bit first, then 2**12955);
- every pattern is spelled with ECMA-262's explicit classes (``_ecma``), as the
  RE2 path spells it;
- the vocabulary's relational and library-backed keywords (``x-date-order``,
  ``x-phone``, ``x-iban``, ``x-unique-by`` ...) and check_json's other rules (no
  tuple where arrays are allowed, JSON data in every value the schema leaves
  open, placed by looking at each location as a whole: :func:`place_guards`) are
  Python: the hottest call the same rules of ``_rules`` (same caches) with their
  arguments read once and build no message; the others wrap the very functions
  of ``_keywords``.

Each shipped part is compiled twice over. Its **lean** engine holds the standard
keywords alone (jsonschema-rs runs markedly slower once given Python keywords),
and the Python keywords run after it, on the caller's objects, from one function
generated per part (:mod:`_hoist`). Where a keyword may or may not apply (under
``anyOf``, ``if`` ...) and fails, its **whole** engine, with every Python keyword
in place, decides. A request part that leaves values open also gets a **strict**
lean engine, asked first, that refuses containers there: where it accepts (the
usual payload), the checks after it need not look at open values; where it
refuses, the lean engine and its full checks decide. A schema outside the catalog
(``compile_schema``) gets a whole engine only.

A verdict is ``True``, ``False`` or ``None``: ``None`` when only the full path can
tell (a value jsonschema-rs cannot read, such as a ``set`` or a lone surrogate, or
an open value nested deep enough that the payload's depth limit might apply).
``tests/test_fast_path.py`` holds both paths to the same verdicts, and
``tests/test_hoist.py`` the lean engine and its checks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from itertools import repeat
from urllib.parse import unquote, urljoin
from typing import Any

import jsonschema_rs

from invoicespec.keywords import standard as _keywords
from invoicespec import rules
from invoicespec.catalog.load import (
    BASE_URI, META_FOLDER, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS, Catalog, reachable, subschemas,
)
from invoicespec.rules.ecma import explicit
from invoicespec.catalog.nodes import Sub, applied, choose, flatten
from invoicespec.keywords.formats import FORMAT_SCHEMAS
from invoicespec.engine.checks import MEMBERS, Bail, Check, compile_checks, deciding, plan_checks, verdict_around
from invoicespec.rules.canonical import canonical
from invoicespec.rules.json_data import MAX_DEPTH, WIDEST, check_json
from invoicespec.rules.pointer import MISSING, format_pointer, parse_pointer, resolve

__all__ = ["NATIVE_FORMATS", "FastPath", "Pruner", "compile_fast", "derive", "enable_pruning", "rewrite"]

STANDARD_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# An open value deeper than this is left to the full path, which knows the payload's whole depth.
_OPEN_DEPTH = MAX_DEPTH // 2
# Bounds below this magnitude keep numbers far from check_json's range limit.
_SMALL = 10**300
_MAX_SCHEMA_DEPTH = 50  # deeper than any payload the schemas describe: treated as open
_INT64 = 2**63 - 1
# check_json's number range, natively: the 64-bit bounds first, as comparing with bounds of 3,900 digits is
# slow, and those only for the rare number beyond
_RANGE = {"anyOf": [{"maximum": _INT64, "minimum": -_INT64}, {"exclusiveMaximum": WIDEST, "exclusiveMinimum": -WIDEST}]}
# The same, where a node's own small bound already keeps one side (a lower bound: the usual ``minimum: 0``)
_BELOW = {"anyOf": [{"maximum": _INT64}, {"exclusiveMaximum": WIDEST}]}
_ABOVE = {"anyOf": [{"minimum": -_INT64}, {"exclusiveMinimum": -WIDEST}]}
# An open value: scalars of the usual range pass natively, anything else meets check_json.
_OPEN = {"anyOf": [
    {"type": ["string", "boolean", "null"]},
    {"type": "number", "maximum": _INT64, "minimum": -_INT64},
    {"x-fast-open": True},
]}
# An open value for a lean engine: numbers within check_json's range, any other JSON type (containers are
# checked after the engine, by _OpenValue).
_SCALARS = {"anyOf": [{"type": ["string", "boolean", "null", "object", "array"]}, {"type": "number", **_RANGE}]}
# An open value for a strict lean engine: a scalar, a number within check_json's range (a container is left to
# the lean engine and the checks after it). _RANGE's branches are lifted into the anyOf, the usual numbers first:
# jsonschema-rs then spends 35 ns on an int and 67 on a float (54 and 94 nested), 17 on text (11).
_STRICT = {"anyOf": [
    {"type": "number", **_RANGE["anyOf"][0]},
    {"type": ["string", "boolean", "null"]},
    {"type": "number", **_RANGE["anyOf"][1]},
]}
#: Formats jsonschema-rs checks itself exactly as the library's rule does (``tests/test_fast_path.py``):
#: its ``uuid`` is seven times faster than the pattern. Its ``date`` is not among them: it accepts year
#: 0000 and takes ``*+,-./`` for digits (``202,-02-29``).
NATIVE_FORMATS = frozenset({"uuid"})
_NATIVE_DIGITS = 15  # 10**15 is exact as a double, whatever jsonschema-rs stores bounds as
_EXACT_POWER = 22  # 10**22 is the largest power of ten a double holds exactly

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


def _in_order(first: Any, second: Any, strict: bool) -> bool:
    """True when two values are surely in order by text alone: ISO dates or date-times of the very
    same shape (same length, same ``T``, same zone), ``first`` before ``second`` (or equal, unless
    ``strict``). False means "ask the rule": it is never an error by itself."""
    if type(first) is not str or type(second) is not str or len(first) != len(second):
        return False
    if not (first < second or (first == second and not strict)):
        return False
    if len(first) == 10:
        return True  # two dates (or text that is not a date: then nothing is checked)
    if len(first) < 19 or first[10] != second[10]:
        return False
    zone = first[-1]
    if zone in "Zz":
        return second[-1] == zone
    if first[-6] in "+-":
        return first[-6:] == second[-6:]
    return second[-1] not in "Zz" and second[-6] not in "+-"  # two local date-times


class _DateOrder:
    """``x-date-order`` for verdicts: the rule (``compare_temporal``) with the pointers read once,
    and same-shaped ISO values compared as text (:func:`_in_order`)."""

    __slots__ = ("pairs",)

    def __init__(self, parent_schema: dict, value: list[dict], schema_path: list) -> None:
        self.pairs = [
            (parse_pointer(pair["earlier"]), parse_pointer(pair["later"]), pair.get("relation", "<=") == "<")
            for pair in value
        ]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for earlier, later, strict in self.pairs:
            first = _member(instance, earlier)
            if first is MISSING:
                continue
            second = _member(instance, later)
            if second is MISSING or _in_order(first, second, strict):
                continue
            order = rules.compare_temporal(first, second)
            if order is not None and (order > 0 or (order == 0 and strict)):
                raise ValueError("dates out of order")

    def inline_object(self, value: str, me: str) -> list[str]:
        """Pairs of members of the object itself (nearly all) read and compared in place."""
        if any(len(earlier) != 1 or len(later) != 1 for earlier, later, _ in self.pairs):
            return [f"{me}.validate({value})"]
        lines = []
        for earlier, later, strict in self.pairs:
            before = "<" if strict else "<="
            lines += [
                f"first = {value}.get({earlier[0]!r})",  # absent or null: nothing to compare
                "if first is not None:",
                f"    second = {value}.get({later[0]!r})",
                # two dates, or two UTC date-times of the same shape, in order: the usual case, without a call
                # (each step costs 15 to 20 ns: the length is read once, classes are compared, not type()d)
                f"    if second is None or first.__class__ is str and second.__class__ is str and first {before} second"
                " and (length := len(first)) == len(second) and (length == 10 or length >= 19"
                " and first[-1] == second[-1] == 'Z' and first[10] == second[10]): pass",
                f"    elif not in_order(first, second, {strict}):",
                f"        {me}.validate({value})",
            ]
        return lines


def _member(item: Any, parts: tuple[str, ...]) -> Any:
    """The value at ``parts`` in ``item``, or MISSING: ``_pointer.resolve``'s value, with plain objects
    (nearly all) looked up directly."""
    value = item
    for part in parts:
        if type(value) is not dict:
            return resolve(item, parts)[0]
        value = value.get(part, MISSING)
        if value is MISSING:
            break
    return value


class _ArrayRule:
    """A rule about an array's items, read at JSON Pointers relative to each item (parsed once)."""

    __slots__ = ("keys",)

    def __init__(self, parent_schema: dict, value: list[str], schema_path: list) -> None:
        self.keys = [parse_pointer(pointer) for pointer in value]

    def inline(self, value: str, me: str) -> list[str]:
        """Asked only of two items or more: one item is always the same as itself, and unique."""
        return [f"if isinstance({value}, list) and len({value}) > 1: {me}.validate({value})"]


class _EqualAcross(_ArrayRule):
    """``x-equal-across`` for verdicts: the rule (``_keywords.equal_across``) without its messages."""

    __slots__ = ("groups",)

    def __init__(self, parent_schema: dict, value: list[str], schema_path: list) -> None:
        super().__init__(parent_schema, value, schema_path)
        groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for parts in self.keys:  # pointers into one object of each item (/taxLocation/country, /taxLocation/region)
            groups.setdefault(parts[:-1], []).append(parts)
        self.groups = [(prefix, [parts[-1] for parts in keys], keys) for prefix, keys in groups.items()]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, list) or len(instance) < 2:
            return
        for prefix, names, keys in self.groups:
            if not (prefix and _same_text(_values(instance, prefix), names)):
                for parts in keys:
                    self._same(_values(instance, parts))

    @staticmethod
    def _same(values: list[Any]) -> None:
        """Every value present the same JSON value, or ValueError."""
        first = values[0]
        if type(first) is str and values.count(first) == len(values):
            return  # the usual case: the same text in every item
        absent = values.count(MISSING) + values.count(None)
        if absent == len(values):
            return
        first = next(value for value in values if value is not MISSING and value is not None)
        # Equal canonical forms are equal values; for text, and objects of text, the converse holds too
        # (True == 1 is where it does not): the usual cases are decided without canonical forms.
        if type(first) is str or type(first) is dict and set(map(type, first.values())) <= {str}:
            same = values.count(first) + absent == len(values)
        else:
            forms = {canonical(value) for value in values if value is not MISSING and value is not None}
            same = len(forms) == 1
        if not same:
            raise ValueError("not the same in every item")


def _same_text(objects: list[Any], names: list[str]) -> bool:
    """True when every item's object is equal to the first one, whose members ``names`` are text or absent:
    those are then the same in every item (equal in Python, and for text in JSON too). False: ask each."""
    first = objects[0]
    if type(first) is not dict or objects.count(first) != len(objects):
        return False
    for name in names:
        value = first.get(name)
        if value is not None and type(value) is not str:
            return False
    return True


class _UniqueBy(_ArrayRule):
    """``x-unique-by`` for verdicts: the rule (``_keywords.unique_by``) without its messages."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, list) or len(instance) < 2:
            return
        if len(self.keys) == 1:
            values: list[Any] = _values(instance, self.keys[0])
        else:
            values = list(zip(*(_values(instance, parts) for parts in self.keys)))
        # Distinct in Python, distinct in JSON (equal canonical forms are equal values): the usual case, decided
        # without canonical forms. Values equal in Python may still differ in JSON (1 and True): the forms decide.
        try:
            if len(set(values)) == len(values):
                return
        except TypeError:  # an object or an array among the values
            pass
        rows = [(value,) for value in values] if len(self.keys) == 1 else values
        seen: set[Any] = set()
        for values in rows:
            if any(value is MISSING or value is None for value in values):
                continue
            key = tuple(canonical(value) for value in values)
            if key in seen:
                raise ValueError("not unique")
            seen.add(key)


_GET = dict.get


def _values(items: Any, parts: tuple[str, ...]) -> list[Any]:
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
        return [item.get(name, MISSING) if type(item) is dict else _member(item, parts) for item in items]
    if len(parts) == 2:
        outer, name = parts
        return [
            inner.get(name, MISSING) if type(item) is dict and type(inner := item.get(outer)) is dict
            else _member(item, parts)
            for item in items
        ]
    return [_member(item, parts) for item in items]


class _Keys:
    """The values of a list's items at one pointer (``x-references``' keys), for lookups that agree with
    ``canonical``: text and integers as they are (the usual keys), the rest canonical."""

    __slots__ = ("texts", "integers", "others")

    def __init__(self, values: Any, parts: tuple[str, ...]) -> None:
        self.texts: set[str] = set()
        self.integers: set[int] = set()
        self.others: set[Any] = set()
        for value in _values(values, parts):
            kind = type(value)
            if kind is str:
                self.texts.add(value)
            elif kind is int:
                self.integers.add(value)
            elif value is not MISSING and value is not None:
                self.others.add(canonical(value))

    def kinds(self) -> set[str]:
        kinds = {kind for kind, _ in self.others}
        if self.texts:
            kinds.add("string")
        if self.integers:
            kinds.add("number")
        return kinds

    def refuses(self, value: Any) -> bool:
        """Whether ``value`` (not absent, not null) is of a kind the keys have, yet none of them."""
        form = canonical(value)
        if form in self.others or form[0] == "string" and form[1] in self.texts:
            return False
        if form[0] == "number" and form[1] in self.integers:  # 1.0 or Decimal 1 among integer keys
            return False
        kinds = self.kinds()
        return not kinds or form[0] in kinds  # another type: `type` refuses it


#: The types of keys and values ``x-references`` and ``x-contiguous`` decide with sets alone: equal in
#: Python exactly when their canonical forms are equal (``None`` stands for absent or null: skipped).
_SET_KINDS = frozenset({int, str, type(None)})


class _References:
    """``x-references`` for verdicts: the rule (``_keywords.references``) without its messages."""

    __slots__ = ("links", "names")

    def __init__(self, parent_schema: dict, value: list[dict], schema_path: list) -> None:
        self.links = [
            tuple(parse_pointer(link[name]) for name in ("items", "field", "target", "key")) for link in value
        ]
        # the usual links, of one-member pointers: their names
        self.names = [
            tuple(parts[0] for parts in link) if all(len(parts) == 1 for parts in link) else None
            for link in self.links
        ]

    def inline(self, value: str, me: str) -> list[str]:
        """Links of one-member pointers (nearly all) decided in place by :func:`_named`; the rule otherwise."""
        if None in self.names:
            return [f"{me}.validate({value})"]
        usual = " and ".join(f"named({value}, {', '.join(map(repr, names))})" for names in self.names)
        return [f"if not (type({value}) is dict and {usual}): {me}.validate({value})"]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for (items, field, target, key), names in zip(self.links, self.names):
            if names is not None and type(instance) is dict and _named(instance, *names):
                continue
            sources = _member(instance, items)
            if not isinstance(sources, list):
                continue
            keys = _Keys(_member(instance, target), key)
            texts, integers = keys.texts, keys.integers
            for value in _values(sources, field):
                kind = type(value)
                if kind is int and value in integers or kind is str and value in texts:
                    continue  # the usual case, without building a canonical form
                if value is not MISSING and value is not None and keys.refuses(value):
                    raise ValueError("names no item")


def _named(instance: dict, items: str, field: str, target: str, key: str) -> bool:
    """True when every item of ``instance[items]`` names, by ``field``, an item of ``instance[target]``
    by its ``key``, or names none, decided with a set: lists of plain objects, keys of integers and text
    (the usual case). False means "ask the rule": it is never an error by itself.

    Python's equality is JSON's for such keys, whatever the value: a value equal to none of them is left to
    the rule, and one equal to a key is equal in JSON too (1.0 to 1), or of a type no key has (True to 1),
    which the rule leaves to ``type``. Plain loops: a comprehension costs a call (0.3 us in Python 3.11).
    """
    sources, targets = instance.get(items), instance.get(target)
    if type(sources) is not list or type(targets) is not list:
        return False
    keys = set()
    try:
        for item in targets:
            found = item.get(key)
            if found.__class__ not in _SET_KINDS:  # a bool among the keys: True == 1 in Python, not in JSON
                return False
            keys.add(found)
        for item in sources:
            found = item.get(field)
            if found is not None and found not in keys:
                return False
    except (AttributeError, TypeError):  # an item that is not an object, a value that is not hashable
        return False
    return True


#: The names the rules' ``inline`` source uses (:func:`compile_checks`' helpers).
HELPERS = {"in_order": _in_order, "named": _named}


class _Contiguous:
    """``x-contiguous`` for verdicts: the rule (``_keywords.contiguous``) without its messages."""

    __slots__ = ("key", "start")

    def __init__(self, parent_schema: dict, value: dict, schema_path: list) -> None:
        self.key, self.start = parse_pointer(value["field"]), value.get("start", 1)

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, list):
            return
        if len(self.key) == 1 and type(instance) is list:  # the usual case: plain objects, integers
            name = self.key[0]
            expected = self.start
            try:
                for item in instance:
                    found = item.get(name)
                    if found.__class__ is not int or found != expected:
                        break
                    expected += 1
                else:
                    return  # in order: the usual case, in a plain loop
                found = [item.get(name) for item in instance]
            except AttributeError:  # an item that is not an object
                found = None
            if found is not None and set(map(type, found)) <= {int}:
                seen = set(found)  # not empty: an empty list is in order
                if len(seen) != len(found):
                    raise ValueError("used twice")
                if min(seen) != self.start or max(seen) != self.start + len(seen) - 1:
                    raise ValueError("not contiguous")
                return
        found = [
            value for value in _values(instance, self.key)
            if type(value) is int or isinstance(value, int) and not isinstance(value, bool)  # others: `type`
        ]
        seen = set(found)
        if len(seen) != len(found):
            raise ValueError("used twice")
        if seen and (min(seen) != self.start or max(seen) != self.start + len(found) - 1):
            raise ValueError("not contiguous")


class _Phone:
    """``x-phone`` for verdicts: the rule (``check_phone``, cached) without building a message."""

    __slots__ = ("region",)

    def __init__(self, parent_schema: dict, value: dict, schema_path: list) -> None:
        self.region = value.get("defaultRegion")

    def validate(self, instance: Any) -> None:
        result = rules.check_phone(instance, self.region)
        if result is not None and result.problem is not None:
            raise ValueError(result.problem)


class _Iban:
    """``x-iban`` for verdicts: the rule (``check_iban``, cached) without building a message."""

    __slots__ = ("enabled",)

    def __init__(self, parent_schema: dict, value: bool, schema_path: list) -> None:
        self.enabled = value

    def validate(self, instance: Any) -> None:
        result = rules.check_iban(instance) if self.enabled else None
        if result is not None and result.problem is not None:
            raise ValueError(result.problem)


class _Guard:
    """A keyword that stands for one of ``check_json``'s rules: it takes no argument."""

    __slots__ = ()

    def __init__(self, parent_schema: dict, value: Any, schema_path: list) -> None:
        pass


class _NoTuple:
    """Where arrays are allowed: jsonschema-rs takes a tuple for an array; JSON data has none."""

    __slots__ = ("arrays",)

    #: The classes of JSON data as parsed: a value of one of them is no tuple, told in one lookup.
    PLAIN = frozenset({list, dict, str, int, float, bool, type(None)})

    def __init__(self, parent_schema: dict, value: Any, schema_path: list) -> None:
        # only arrays (or null, never checked): nearly always a plain list
        self.arrays = set(_types_of(parent_schema)) - {"null"} == {"array"}

    def validate(self, instance: Any) -> None:
        if isinstance(instance, tuple):
            raise ValueError("a tuple is not JSON data")

    def inline(self, value: str, me: str) -> list[str]:
        """An isinstance() that fails costs 38 ns; a plain list is told by its class in 15, any plain value
        by a lookup in 25."""
        plain = f"{value}.__class__ is not list" if self.arrays else f"{value}.__class__ not in {me}.PLAIN"
        return [f"if {plain} and isinstance({value}, tuple): {me}.validate({value})"]


class _Digits:
    """``x-digits`` on numbers, after a lean engine (:func:`_digits`) let every number through."""

    __slots__ = ("integral", "fractional", "bound")

    def __init__(self, parent_schema: dict, value: dict, schema_path: list) -> None:
        self.integral, self.fractional = value["integer"], value["fraction"]
        self.bound = 10**self.integral

    def inline(self, value: str, me: str) -> list[str]:
        """Integers and integral floats below the limit (nearly all) are decided in place.

        Each is compared with a bound of its own type: comparing a float with an int of more than 48 bits
        (or an int with a float) costs CPython twice as long. Floats only up to 10**22 (see :meth:`validate`).
        """
        bound = str(self.bound) if self.integral <= 300 else f"{me}.bound"  # a literal, unless it is huge
        floats = (
            f" or {value}.__class__ is float and -1e{self.integral} < {value} < 1e{self.integral}"
            f" and {value}.is_integer()"
        ) if self.integral <= _EXACT_POWER else ""
        return [f"if not ({value}.__class__ is int and -{bound} < {value} < {bound}{floats}): {me}.validate({value})"]

    def validate(self, instance: Any) -> None:
        """A float is counted as the rule reads it, by its shortest text: below 10**k (k > 22, where 10**k
        is no float) the nearest float prints as 1e+k, of k + 1 digits, so only the rule can tell."""
        kind = type(instance)
        if kind is int or kind is float:
            if -self.bound < instance < self.bound and (
                kind is int or self.integral <= _EXACT_POWER and instance.is_integer()
            ):
                return  # only integral digits, fewer than the limit
        elif kind is str or kind is bool or not isinstance(instance, int | float | Decimal):
            return  # text is checked by the engine; other values are not numbers
        count = rules.count_digits(instance)
        if count is not None and (count.integral > self.integral or count.fractional > self.fractional):
            raise ValueError("too many digits")


class _OpenItems(_Guard):
    """On arrays whose items no schema describes: the items must still be JSON data."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        if isinstance(instance, list | tuple):
            for item in instance:
                _check_open(item)


def _check_open(value: Any) -> None:
    if value is None or isinstance(value, str | bool):
        return
    problems = check_json(value, max_depth=_OPEN_DEPTH)
    if problems:
        if problems[0].keyword == "max-depth":
            _state.uncertain = True
        raise ValueError("not JSON data")


class _OpenValue(_Guard):
    """Where the schema accepts any value: the value must still be JSON data."""

    __slots__ = ()

    def validate(self, instance: Any) -> None:
        _check_open(instance)

    def inline(self, value: str, me: str) -> list[str]:
        """After a lean engine (``_SCALARS``): only what is not a plain scalar needs a look."""
        return [f"if not ({value} is None or type({value}) in {me}.SCALARS): {me}.validate({value})"]

    SCALARS = frozenset({str, bool, int, float})


#: The vocabulary's keywords that stay Python keywords (the others become standard keywords).
PYTHON_KEYWORDS = frozenset(_keywords.VOCABULARY) - {"x-required-any-of", "x-digits"}

KEYWORDS: dict[str, type] = {
    **{name: _rule(check, f"Rule[{name}]") for name, check in _keywords.VOCABULARY.items()},
    "x-date-order": _DateOrder,
    "x-equal-across": _EqualAcross,
    "x-unique-by": _UniqueBy,
    "x-references": _References,
    "x-contiguous": _Contiguous,
    "x-phone": _Phone,
    "x-iban": _Iban,
    "x-fast-array": _NoTuple,
    "x-fast-open-items": _OpenItems,
    "x-fast-open": _OpenValue,
}


#: How :meth:`_Plan.checks_of` checks what a lean engine leaves out, where it differs from ``KEYWORDS``.
LEAN_CHECKS: dict[str, type] = {"x-digits": _Digits, "x-fast-open": _OpenValue, MEMBERS: _OpenValue}


# -- rewriting schemas ----------------------------------------------------------------------------


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _types_of(schema: dict) -> tuple[str, ...]:
    """The JSON types a subschema's own ``type`` names (none when it has no ``type``)."""
    types = schema.get("type", ())
    return (types,) if isinstance(types, str) else tuple(types)


def _small(node: dict, keyword: str) -> bool:
    bound = node.get(keyword)
    return isinstance(bound, int | float) and not isinstance(bound, bool) and abs(bound) < _SMALL


def _range(node: dict) -> dict | None:
    """check_json's number range as a node needs it: only the side its own small bounds leave open (each
    comparison costs jsonschema-rs 15 to 30 ns), None when they keep both sides or ``x-digits`` limits it."""
    lower = _small(node, "minimum") or _small(node, "exclusiveMinimum")
    upper = _small(node, "maximum") or _small(node, "exclusiveMaximum")
    if (lower and upper) or "x-digits" in node:
        return None
    return _BELOW if lower else _ABOVE if upper else _RANGE


def _digits(limits: dict, lean: bool = False) -> dict:
    """``x-digits`` as native branches, with the rule as the last resort (floats, Decimals, huge integers).

    ``lean``: only text is checked, and :class:`_Digits` runs the rule on numbers after (an ``if`` costs
    jsonschema-rs 10 ns on a number, where the branches below cost 60 to 110).
    """
    integral, fractional = limits["integer"], limits["fraction"]
    text = {
        "type": "string",
        "maxLength": 1000,
        "pattern": r"^-?[0-9]+(?:\.[0-9]+)?$",
        "allOf": [{"pattern": rf"^-?0*(?:[1-9][0-9]{{0,{integral - 1}}})?(?:\.[0-9]{{0,{fractional}}}0*)?$"}],
    }
    if lean:
        return {"if": {"type": "string"}, "then": text}
    branches: list[dict] = [{"not": {"type": ["string", "number"]}}, text]
    if integral <= _NATIVE_DIGITS:
        branches.append({"type": "integer", "exclusiveMaximum": 10**integral, "exclusiveMinimum": -(10**integral)})
    branches.append({"x-digits": limits})
    return {"anyOf": branches}


def rewrite(node: Any, request: bool, guards: dict[int, set[str]], lean: bool = False, strict: bool = False) -> Any:
    """``node`` as the fast path compiles it (a new object; ``node`` is not changed).

    ``request`` selects request semantics (``readOnly`` refused); ``guards`` maps
    the ids of subschemas to the open-value guards they carry (:func:`place_guards`).
    ``lean`` leaves out every Python keyword and guard (:meth:`_Plan.checks_of` gives
    them, to run after the engine): what is left is standard keywords only.
    ``strict`` (with ``lean``) refuses every container where the schema leaves values open,
    so that no check after the engine has to look at open values.
    """
    if not isinstance(node, dict):
        return node
    if request and node.get("readOnly") is True:
        return False
    out: dict[str, Any] = {}
    extra: list[dict] = []
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
        elif key == "format":  # engines assert formats: only ours, as the full path's checker knows them
            if item in NATIVE_FORMATS:
                out[key] = item
            elif item in FORMAT_SCHEMAS:
                extra.append(FORMAT_SCHEMAS[item])
        elif key == "x-required-any-of":
            extra.append({"anyOf": [{"required": [name]} for name in item]})
        elif key == "x-digits":
            extra.append(_digits(item, lean))
        elif key in _keywords.ANNOTATIONS or key == "readOnly":
            continue
        else:
            out[key] = item
    types = _types_of(node)
    limit = _range(node) if "integer" in types or "number" in types else None
    if limit is not None:
        if "anyOf" in out:
            extra.append(limit)
        else:
            out.update(limit)
    # An open value: a lean engine checks its scalars, and the checks after it the rest (:meth:`_Plan.checks_of`)
    # (a strict one only scalars: containers there are left to the lean engine, then the checks)
    opened = (_STRICT if strict else _SCALARS) if lean else _OPEN
    if "array" in types and not lean:
        out["x-fast-array"] = True
    for keyword in sorted(guards.get(id(node), ())):
        if keyword == MEMBERS:  # undeclared members: JSON data, whatever else they may be
            if strict and "additionalProperties" in out:
                extra.append({"properties": {name: True for name in out.get("properties", ())},
                              "additionalProperties": opened})
            else:
                out.setdefault("additionalProperties", opened)
        elif keyword == "x-fast-open":
            extra.append(opened)
        elif strict and keyword == "x-fast-open-items":
            extra.append({"items": opened})  # every item, described or not: stricter is still sound
        elif not lean:
            out[keyword] = True
    if extra:
        out["allOf"] = [*out.get("allOf", ()), *extra]
    return out


# -- where values are left open -------------------------------------------------------------------

# Keywords under which a failing guard could turn a rejection into an acceptance.
_NEGATING = frozenset({"not", "if", "oneOf", "contains", "propertyNames"})


class NoPlace(Exception):
    """An open value has no subschema where a guard can go safely: the part has no fast path."""


def _negated(roots: list[Sub]) -> set[int]:
    """The ids of subschemas reachable under a negating keyword (there a guard could flip a verdict)."""
    negated: set[int] = set()
    seen: set[tuple[int, bool]] = set()
    stack: list[tuple[Any, Any, bool]] = [(schema, resolver, False) for schema, resolver in roots]
    while stack:
        schema, resolver, negative = stack.pop()
        if not isinstance(schema, dict) or (id(schema), negative) in seen:
            continue
        seen.add((id(schema), negative))
        if negative:
            negated.add(id(schema))
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
    return negated


def place_guards(roots: list[Sub], negated: set[int], guards: dict[int, set[str]]) -> None:
    """Add to ``guards`` (id of a subschema -> guard keywords) what the open values below ``roots`` need.

    Each location is looked at as a whole: ``$ref``s and ``allOf``s merged by
    ``_flatten``, every alternative of every variant, so that a field declared
    untyped in one place and typed in another is not open. An open value gets its
    guard in a subschema applied wherever that value is (and never under a
    negating keyword); raises :class:`NoPlace` when there is none.
    """
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
                _add(guards, anchor, "x-fast-open")
            continue
        if "object" in types:
            if any("patternProperties" in schema for schema in schemas):
                raise NoPlace("patternProperties are not followed here")
            if node.additional is None:  # on the subschema declaring the most members: it checks the rest
                declaring = [schema for schema in schemas if id(schema) not in negated]
                _add(guards, max(declaring, key=lambda schema: len(schema.get("properties", ())), default=None),
                     "x-fast-members")
            if isinstance(node.additional, list):
                stack.append((node.additional, frozenset(), depth + 1))
            names = node.properties if node.allowed is None else [n for n in node.properties if n in node.allowed]
            stack.extend((node.properties[name], frozenset(), depth + 1) for name in names)
        if "array" in types:
            if node.items:
                stack.append((node.items, frozenset(), depth + 1))
            else:
                _add(guards, anchor, "x-fast-open-items")


def _add(guards: dict[int, set[str]], anchor: dict | None, keyword: str) -> None:
    if anchor is None:
        raise NoPlace(f"no subschema can carry {keyword}")
    guards.setdefault(id(anchor), set()).add(keyword)


# -- compiling ------------------------------------------------------------------------------------


def _refuses(instance: Any) -> bool:
    return False


def _uncertain() -> bool:
    """Whether a guard has just left the verdict to the full path (an open value nested too deep to
    tell); the flag is cleared for the next verdict."""
    if getattr(_state, "uncertain", False):
        _state.uncertain = False
        return True
    return False


def _verdict(compiled: Any, instance: Any) -> bool | None:
    """True or False, or None when jsonschema-rs cannot read the value (a set, a str subclass, a lone
    surrogate ...) or a guard left it to the full path."""
    try:
        if compiled.is_valid(instance):
            return True
    except Exception:
        return None
    return None if _uncertain() else False


class FastPath:
    """A compiled part: :attr:`verdict` answers True, False, or None when only the full path can tell.

    ``check`` runs the Python keywords a lean engine left out (:mod:`_hoist`); when one fails where it
    may not apply, ``whole()`` gives the engine that runs them in place (compiled on first need).
    ``certain``: no check can fail that way, so an invalid verdict of the engine stands alone.
    ``strict``: a strict lean engine and its checks (``rewrite(..., strict=True)``), asked first: where it
    finds every open value a scalar, its shorter checks decide; where it refuses, the lean engine does.
    """

    __slots__ = ("_compiled", "_check", "_strict", "_whole", "_whole_compiled", "verdict")

    def __init__(
        self, compiled: Any, check: Check | None = None, certain: bool = True, whole: Any = None,
        strict: tuple[Any, Check | None] | None = None,
    ) -> None:
        self._compiled, self._check, self._strict = compiled, check, strict
        self._whole = whole
        self._whole_compiled: Any = None
        decide = self._decide(compiled.is_valid, check, certain)
        self.verdict = decide if strict is None else self._decide(strict[0].is_valid, strict[1], False, decide)

    def _decide(self, is_valid: Any, check: Check | None, certain: bool, otherwise: Any = None) -> Any:
        """The verdict of one engine and its checks (the hot path reads no attribute); where the engine
        refuses, ``otherwise``'s verdict, if given (after a strict engine).

        The verdict is generated (``compile_checks(..., verdict=)``): the engine's call, then the checks
        in the same function (written in place where they were generated, else a call).
        """
        location = getattr(check, "location", None)

        def generated(engine: Any, refused: Any) -> Any:
            names = {"is_valid": engine, "refused": refused, "whole": self._ask_whole, "uncertain": _uncertain}
            if location is not None:
                return compile_checks(location, check.helpers, verdict=names)  # type: ignore[union-attr]
            return verdict_around(check, names)

        checks_alone: list[Any] = []  # the checks' verdict after a refusal, generated on first need

        def refused(instance: Any) -> bool | None:
            """The verdict where the engine refuses."""
            if otherwise is not None:
                return otherwise(instance)
            if _uncertain():
                return None
            if certain:
                return False
            if not checks_alone:  # unsure checks may still fail where they may not apply: the whole engine decides
                checks_alone.append(generated(_refuses, None))
            return checks_alone[0](instance)

        return generated(is_valid, refused)

    def deciding(self, undecided: Callable[[Any], bool]) -> Callable[[Any], bool]:
        """:attr:`verdict` asking ``undecided`` (the full path) where it would answer None: a verdict that
        always tells, in one call (:func:`_hoist.deciding`)."""
        return deciding(self.verdict, undecided)

    def _ask_whole(self, instance: Any) -> bool | None:
        if self._whole_compiled is None:
            self._whole_compiled = self._whole()
        return _verdict(self._whole_compiled, instance)


def _roots(catalog: Catalog, request: bool | None = None, plain: bool = False) -> dict[str, Sub]:
    """Each part's schema (of one flavour, or all) with its resolver, by the part's schema URI.

    ``plain``: resolvers that look ``$ref``s up in the documents themselves (:class:`_Lookup`), without
    building the referencing registry (a cold start's cost).
    """
    return {
        spec.schema_uri: (
            catalog.documents[spec.schema_uri],
            _Lookup(catalog.documents, spec.schema_uri) if plain else catalog.registry.resolver(base_uri=spec.schema_uri),
        )
        for operation in catalog.operations.values() for spec in operation.parts.values()
        if request is None or spec.name.startswith("request") == request
    }


class _Lookup:
    """What the walks here need of a referencing resolver: ``lookup(ref)`` giving ``.contents`` and
    ``.resolver``, for the references the catalog allows (a shipped document, a JSON Pointer fragment;
    checked when the catalog is loaded)."""

    __slots__ = ("documents", "base", "contents", "resolver")

    def __init__(self, documents: dict[str, Any], base: str, contents: Any = None) -> None:
        self.documents, self.base, self.contents, self.resolver = documents, base, contents, self

    def lookup(self, ref: str) -> _Lookup:
        uri, _, fragment = urljoin(self.base, ref).partition("#")
        found = resolve(self.documents[uri], parse_pointer(unquote(fragment)))[0]
        if found is MISSING:
            raise LookupError(f"{ref!r} names nothing in {uri}")
        return _Lookup(self.documents, uri, found)


def derive(catalog: Catalog) -> dict[str, Any]:
    """What the fast path works out from a catalog's documents, as JSON data (for the compiled
    catalog): the guards by place (uri -> [[pointer, keyword]]) and the parts left without one."""
    roots = _roots(catalog)
    negated = _negated(list(roots.values()))
    guards: dict[int, set[str]] = {}
    unplaced = []
    for uri, root in roots.items():
        try:
            place_guards([root], negated, guards)
        except NoPlace:
            unplaced.append(uri)
    places: dict[str, list] = {}
    for uri, document in catalog.documents.items():
        for pointer, node in subschemas(document):
            for keyword in sorted(guards.get(id(node), ())):
                places.setdefault(uri, []).append([format_pointer(pointer), keyword])
    return {"guards": places, "unplaced": sorted(set(unplaced))}


class _Plan:
    """The shipped parts' guards, and their documents rewritten per flavour into jsonschema-rs registries."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        derived = catalog.derived if catalog.derived is not None else derive(catalog)
        located = {
            f"{uri}#{format_pointer(pointer)}": node
            for uri, document in catalog.documents.items() for pointer, node in subschemas(document)
        }
        #: id of every subschema of the catalog -> its place, ``uri#pointer``, and back
        self.places = {id(node): place for place, node in located.items()}
        self.located = located
        self.guards: dict[int, set[str]] = {}
        for uri, places in derived["guards"].items():
            for pointer, keyword in places:
                self.guards.setdefault(id(located[f"{uri}#{pointer}"]), set()).add(keyword)
        self.unplaced = set(derived["unplaced"])
        self._negated: set[int] | None = None
        self._registries: dict[tuple[bool, bool], tuple[dict[str, Any], Any]] = {}
        self._documents: dict[bool, dict[str, Any]] = {}
        self._lean: dict[bool, tuple[dict[str, Any], Any]] = {}

    @property
    def negated(self) -> set[int]:
        if self._negated is None:
            self._negated = _negated(list(_roots(self.catalog).values()))
        return self._negated

    def documents(self, request: bool | None) -> dict[str, Any]:
        """The documents one flavour's parts reach (through ``$ref``, from document to document); with
        ``request`` None, every document but the meta-schemas (for schemas outside the catalog)."""
        if request is None:
            return {uri: document for uri, document in self.catalog.documents.items()
                    if not uri.startswith(BASE_URI + META_FOLDER)}
        found = self._documents.get(request)
        if found is None:
            found = self._documents[request] = self._reached(list(_roots(self.catalog, request, plain=True)))
        return found

    def _reached(self, uris: list[str]) -> dict[str, Any]:
        """The documents ``uris`` name and reach through ``$ref``, by URI."""
        found: dict[str, Any] = {}
        stack = list(uris)
        while stack:
            uri = stack.pop()
            if uri in found or uri not in self.catalog.documents:
                continue
            found[uri] = self.catalog.documents[uri]
            for _, node in subschemas(found[uri]):
                if isinstance(node.get("$ref"), str):
                    stack.append(urljoin(uri, node["$ref"]).partition("#")[0])
        return found

    def registry(self, request: bool, everything: bool = False) -> tuple[dict[str, Any], Any]:
        """One flavour's documents rewritten, and their registry; ``everything``: all documents (for a
        schema outside the catalog, which may reach any)."""
        found = self._registries.get((request, everything))
        if found is None:
            documents = {
                uri: rewrite(document, request, self.guards)
                for uri, document in self.documents(None if everything else request).items()
            }
            found = self._registries[request, everything] = (documents, jsonschema_rs.Registry(list(documents.items())))
        return found

    def lean(self, request: bool) -> tuple[dict[str, Any], Any]:
        """One flavour's documents with standard keywords only (``rewrite(..., lean=True)``), and their registry."""
        found = self._lean.get(request)
        if found is None:
            documents = {
                uri: rewrite(document, request, self.guards, lean=True) for uri, document in self.documents(request).items()
            }
            found = self._lean[request] = (documents, jsonschema_rs.Registry(list(documents.items())))
        return found

    def strict(self, uri: str, request: bool) -> tuple[Any, Check | None] | None:
        """A part's strict lean engine (``rewrite(..., strict=True)``, from the documents it reaches alone)
        and its checks; None when the part leaves no value open, or cannot be planned."""
        root = (self.catalog.documents[uri], _Lookup(self.catalog.documents, uri))
        if not any(id(schema) in self.guards for schema, _ in reachable([root])):
            return None
        checks = self.checks(uri, request, strict=True)
        if checks is None:
            return None
        documents = {
            reached: rewrite(document, request, self.guards, lean=True, strict=True)
            for reached, document in self._reached([uri]).items()
        }
        return _lean_engine(documents, jsonschema_rs.Registry(list(documents.items())), uri), checks[0]

    def checks(self, uri: str, request: bool, strict: bool = False) -> tuple[Check | None, bool] | None:
        """A part's checks after its lean engine (:mod:`_hoist`; None when there is nothing to check) and
        whether they are all sure; None when the part cannot be planned (it is then compiled whole).
        ``strict``: after a strict lean engine, which leaves no open value to look at."""
        if uri in self.unplaced:
            return None
        root = (self.catalog.documents[uri], _Lookup(self.catalog.documents, uri))
        try:
            location = plan_checks(root, lambda schema: self.checks_of(schema, request, strict))
        except (Bail, LookupError, ValueError):  # what the plan does not follow (an $anchor, say)
            return None
        if location.empty():
            return None, True
        return compile_checks(location, HELPERS), location.certain()

    def checks_of(self, schema: dict, request: bool, strict: bool = False) -> list[tuple[str, Any, bool]]:
        """What a lean :func:`rewrite` leaves out of one subschema, as checks: (keyword, check, always
        sure). The JSON-data guards are always sure: check_json holds for every value of a payload; after
        a ``strict`` engine there are none."""
        if request and schema.get("readOnly") is True:
            return []  # refused by the engine wherever it applies
        checks = [(keyword, schema[keyword], False) for keyword in schema if keyword in PYTHON_KEYWORDS]
        if isinstance(schema.get("x-digits"), dict):
            checks.append(("x-digits", schema["x-digits"], False))
        if "array" in _types_of(schema):
            checks.append(("x-fast-array", True, True))
        for keyword in sorted(() if strict else self.guards.get(id(schema), ())):
            checks.append((keyword, True, True))
        return [(keyword, LEAN_CHECKS.get(keyword, KEYWORDS.get(keyword))(schema, value, []), sure)
                for keyword, value, sure in checks]

    def guards_for(self, schema: dict, uri: str) -> dict[int, set[str]] | None:
        """Guards for a schema outside the catalog, or None when they would have to change shipped documents."""
        root = (schema, self.catalog.registry.resolver(base_uri=uri))
        negated = _negated([root])
        if negated & set(self.guards):
            return None  # a shipped guard under a negating keyword of this schema could flip its verdict
        guards: dict[int, set[str]] = {}
        try:
            place_guards([root], negated | self.negated, guards)
        except NoPlace:
            return None
        for key, placed in guards.items():
            if key in self.places and self.guards.get(key) != placed:
                return None
        return guards


class Pruner:
    """The fast path's verdict on ``instance`` against ``subschema`` (a subschema of a shipped
    document), for the jsonschema path to skip subtrees that hold no error and to decide ``if``
    conditions. Each subschema is compiled on first use, as a ``$ref`` to its place."""

    def __init__(self, plan: _Plan, request: bool) -> None:
        self._plan = plan
        self._request = request
        self._compiled: dict[int, Any] = {}
        below = {id(schema) for schema, _ in reachable(_roots(plan.catalog, request).values())}
        # only this flavour's subschemas (the others are never asked about), meta-schemas never
        self._places = {key: place for key, place in plan.places.items() if key in below}

    def _compile(self, subschema: Any) -> Any:
        place = self._places.get(id(subschema))
        if place is None:
            return None
        with _lock:
            _, registry = self._plan.registry(self._request)
        compiled = self._compiled[id(subschema)] = jsonschema_rs.validator_for(
            {"$ref": place}, registry=registry, keywords=KEYWORDS, offline=True, validate_formats=True,
        )
        return compiled

    def valid(self, subschema: Any, instance: Any) -> bool:
        """True when the fast path finds ``instance`` valid against ``subschema`` (the hot question:
        False covers "invalid" and "cannot tell" alike)."""
        compiled = self._compiled.get(id(subschema)) or self._compile(subschema)
        try:
            return compiled is not None and compiled.is_valid(instance)
        except Exception:  # what jsonschema-rs cannot read, the jsonschema path walks
            return False

    def __call__(self, subschema: Any, instance: Any) -> bool | None:
        """True or False, or None when ``subschema`` is not a shipped one or jsonschema-rs cannot tell."""
        compiled = self._compiled.get(id(subschema)) or self._compile(subschema)
        return None if compiled is None else _verdict(compiled, instance)

    def warm(self) -> None:
        """Compile every subschema error reports may ask about: the worst case for memory (the benchmark's).

        They ask about the members of ``properties``, the ``items`` of arrays, the subschemas holding a
        ``$ref`` and the conditions of ``if`` (see ``_keywords.PRUNERS``), never about the others.
        """
        for place in self._places.values():
            node = self._plan.located[place]
            members = node.get("properties")
            asked = [*(members.values() if isinstance(members, dict) else ()), node.get("items"), node.get("if")]
            if "$ref" in node:
                asked.append(node)
            for subschema in asked:
                if isinstance(subschema, dict) and id(subschema) not in self._compiled:
                    self._compile(subschema)


def enable_pruning(catalog: Catalog) -> None:
    """Let the jsonschema path skip what the fast path finds valid (both flavours, once)."""
    plan = _plan(catalog)
    with _lock:
        for request in (True, False):
            if _keywords.PRUNERS.get(request) is None:
                _keywords.PRUNERS[request] = Pruner(plan, request)


_lock = threading.RLock()
_plans: dict[int, _Plan] = {}


def _plan(catalog: Catalog) -> _Plan:
    with _lock:
        plan = _plans.get(id(catalog))
        if plan is None or plan.catalog is not catalog:
            plan = _plans[id(catalog)] = _Plan(catalog)
        return plan


def compile_fast(catalog: Catalog, schema: dict, request: bool) -> FastPath | None:
    """Compile ``schema`` (a part of ``catalog``, or a schema that may ``$ref`` it) for the fast path.

    None when the schema has an open value no guard can be placed for (the full path then decides alone).
    """
    plan = _plan(catalog)
    uri = schema.get("$id", BASE_URI) if isinstance(schema, dict) else BASE_URI
    if catalog.documents.get(uri) is schema:
        if uri in plan.unplaced:
            return None
        with _lock:
            documents, registry = plan.lean(request)
            checks = plan.checks(uri, request) if uri in documents else None
            # requests (the traffic services see) get a strict engine too, where they leave values open
            strict = plan.strict(uri, request) if checks is not None and request else None
        if checks is not None:  # standard keywords in the engine, every Python keyword after it
            compiled = _lean_engine(documents, registry, uri)
            return FastPath(compiled, *checks, lambda: _whole(plan, uri, request), strict)
        return FastPath(_whole(plan, uri, request))
    guards = plan.guards_for(schema, uri) if isinstance(schema, dict) else {}
    if guards is None:
        return None
    with _lock:
        _, registry = plan.registry(request, everything=True)
    compiled = jsonschema_rs.validator_for(
        rewrite(schema, request, guards), registry=registry, keywords=KEYWORDS, base_uri=uri, offline=True,
        validate_formats=True,
    )
    return FastPath(compiled)


def _lean_engine(documents: dict[str, Any], registry: Any, uri: str) -> Any:
    return jsonschema_rs.validator_for(documents[uri], registry=registry, base_uri=uri, offline=True, validate_formats=True)


def _whole(plan: _Plan, uri: str, request: bool) -> Any:
    """A shipped document compiled whole: every Python keyword and guard in place, in the engine (from
    the flavour's registry when the document is one of its parts', else from the one of all documents)."""
    with _lock:
        documents, registry = plan.registry(request)
        if uri not in documents:
            documents, registry = plan.registry(request, everything=True)
    return jsonschema_rs.validator_for(
        documents[uri], registry=registry, keywords=KEYWORDS, base_uri=uri, offline=True, validate_formats=True,
    )

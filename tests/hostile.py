"""Hostile payloads for the fuzz suite, and the properties every public call keeps on them.

Shared by ``tests/test_fuzz.py`` (a small budget, in every test run) and ``tools/fuzz.py`` (a long run with a
time budget and a seed). What is drawn: arbitrary JSON (huge and negative integers, NaN and the infinities, -0.0,
lone surrogates, NUL, control and invisible characters, very long strings, deep nesting), what is not JSON data
(non-string keys, sets, tuples, bytes, Decimals, arbitrary objects), subclasses of every JSON type, and the valid
examples of each part with one to three values twisted (a trailing newline, non-ASCII digits, a huge number,
a value of another type, a key removed or added ...).
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import invoicespec
from invoicespec.io.files import PayloadFileError, read_payload

EXAMPLES = Path(__file__).resolve().parent / "examples"
ALL_PARTS = [(op, part) for op in invoicespec.operations() for part in invoicespec.parts(op)]
#: The longest message any error may have: messages quote a bounded prefix of what they are about (about 40
#: characters of a value), but one that names a variant's shapes by their schema titles, or the values that
#: choose each of them, is longer: Nitrobox's five item price bases make about 640 characters. What grows with
#: the payload is the quote alone, and that is bounded.
MAX_MESSAGE = 800


# -- subclasses of the JSON types -----------------------------------------------------------------------------


class Text(str):
    pass


class Integer(int):
    pass


class Real(float):
    pass


class Mapping(dict):
    pass


class Items(list):
    pass


def subclassed(value: Any, depth: int = 0) -> Any:
    """The same JSON value, every string, number, object and array a subclass of its type (bool cannot be);
    below 200 levels, values are left as they are (this is a recursive walk)."""
    if depth > 200:
        return value
    if isinstance(value, dict):
        return Mapping({subclassed(key, depth + 1): subclassed(item, depth + 1) for key, item in value.items()})
    if isinstance(value, list):
        return Items(subclassed(item, depth + 1) for item in value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return Integer(value)
    if isinstance(value, float):
        return Real(value)
    if isinstance(value, str):
        return Text(value)
    return value


def pick(values: list[Any]) -> st.SearchStrategy[Any]:
    """``sampled_from`` that never calls ``repr`` on its values (Hypothesis does, for its own repr; a huge
    integer's repr raises)."""
    return st.integers(0, len(values) - 1).map(lambda index: values[index])


def just(value: Any) -> st.SearchStrategy[Any]:
    """``just`` that never calls ``repr`` on its value."""
    return st.builds(lambda: value)


# -- values -----------------------------------------------------------------------------------------------

#: Characters that have fooled validators: controls, NUL, DEL, C1, invisible and bidirectional marks, a
#: no-break space, non-ASCII digits (Arabic-Indic, fullwidth), the Kelvin sign, a lone surrogate.
TRICKY = "\x00\n\r\t\x1b\x7f\x85\x9b\u00a0\u200b\u200e\u202e\u2066\ufeff\u0663\uff11\u212a\ud800\udfff"
characters = st.characters(exclude_categories=()) | st.sampled_from(TRICKY)  # surrogates included
texts = st.text(characters, max_size=30)
long_texts = st.builds(
    lambda piece, times, tail: piece * times + tail,
    st.text(characters, min_size=1, max_size=4), st.integers(1_000, 100_000), st.sampled_from(["", "!", "\n"]),
)
integers = st.integers() | pick([
    0, -1, 2**31, -(2**31) - 1, 2**53 + 1, 2**63, -(2**64), 10**20, 10**300, -(10**3_000), 10**3_899,
    10**3_900, 10**4_400, -(10**10_000),
])
floats = st.floats() | pick([
    -0.0, 5e-324, 1.7976931348623157e308, float("nan"), float("inf"), float("-inf"), 0.1 + 0.2, 1e16, 123.4567,
])
scalars = st.none() | st.booleans() | integers | floats | texts | long_texts
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(texts, children, max_size=6),
    max_leaves=30,
)


def _nest(leaf: Any, depth: int, shape: str) -> Any:
    for _ in range(depth):
        leaf = [leaf] if shape == "array" else {"a": leaf}
    return leaf


deep = st.builds(_nest, scalars, st.integers(90, 3_000), st.sampled_from(["array", "object"]))
#: Values that are not JSON data at all.
foreign = st.one_of(
    pick([
        object(), b"bytes", bytearray(b"x"), 1j, {1, 2}, frozenset(), range(3), datetime.date(2024, 1, 1),
        Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN"), Decimal("1E+5000"), Ellipsis, print, type,
    ]),
    st.tuples(scalars, scalars),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dictionaries(st.integers() | st.none() | st.tuples(st.integers()) | st.floats(), scalars,
                    min_size=1, max_size=3),
)
anything = st.one_of(json_values, json_values.map(subclassed), foreign, deep)


# -- twisted examples ---------------------------------------------------------------------------------------


def examples_of(operation: str, part: str) -> list[Any]:
    """The part's valid examples: its schema's, and the files of ``tests/examples/<operation>/<part>/valid``."""
    validator = invoicespec.validator(operation, part)
    found = list(validator.examples)
    folder = EXAMPLES / operation / part / "valid"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            try:
                found.append(read_payload(str(path), as_text=validator.media_type == "text/plain"))
            except PayloadFileError:
                continue
    return found or [{}]


def field_names(operation: str, part: str) -> list[str]:
    """Every field name the part's schema documents declare: keys a twist may add."""
    names: set[str] = set()
    stack = [invoicespec.validator(operation, part).schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names.update(key for key in node.get("properties", {}) if isinstance(node.get("properties"), dict))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return sorted(names) or ["a"]


def _paths(value: Any) -> list[tuple[Any, ...]]:
    """The paths to every value of ``value`` down to 50 levels (twists deeper would add nothing but depth,
    which the deep values already have)."""
    paths: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack:
        path, node = stack.pop()
        paths.append(path)
        if len(path) >= 50:
            continue
        if isinstance(node, dict):
            stack.extend(((*path, key), item) for key, item in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, index), item) for index, item in enumerate(node))
    return paths


def _near_numbers(number: int | float) -> list[Any]:
    """Numbers next to ``number``, and the same number in other clothes (what Python cannot compute is left out)."""
    near: list[Any] = [number + 1, number - 1, -number, number * 10**12, -0.0]
    for make in (lambda: number / 3, lambda: float(number), lambda: Decimal(str(number)), lambda: str(number)):
        try:
            near.append(make())
        except (OverflowError, ValueError):
            pass
    return near


def _twists(value: Any, names: list[str]) -> st.SearchStrategy[Any]:
    """What a value may become: something hostile, or a near miss of its own kind."""
    near: list[st.SearchStrategy[Any]] = [
        just([value]), just({"value": value}), st.builds(lambda: subclassed(value)), just(None),
    ]
    if isinstance(value, str):
        near += [
            st.sampled_from(TRICKY).map(lambda char: value + char),
            st.sampled_from(TRICKY).map(lambda char: char + value),
            # a ReDoS-shaped repeat, at most 200,000 characters whatever the length of the value
            st.integers(2, 20_000).map(lambda times: value * min(times, 200_000 // (len(value) + 1) + 1) + "!"),
            just(value.translate({ord(d): 0x0660 + int(d) for d in "0123456789"})),  # Arabic-Indic digits
            just(value.upper()), just(value.lower()), just(value[:-1]), just(value.replace("-", "")),
            just(value.replace(":", "")), just(value.replace("-", "/")),
        ]
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        near += [pick(_near_numbers(value)), just(value != 0)]
    elif isinstance(value, dict) and any(isinstance(key, str) for key in value):
        keys = [key for key in value if isinstance(key, str)]
        near += [
            pick(keys).map(lambda key: {k: v for k, v in value.items() if k != key}),
            st.tuples(st.sampled_from(names), anything).map(lambda pair: {**value, pair[0]: pair[1]}),
            pick(keys).map(lambda key: {**value, key.upper(): value[key]}),
        ]
    elif isinstance(value, list) and value:
        near += [
            # 500 references to the same items: only for a small tree, as twists compound (500 x 500 x 500
            # values, without a byte more of memory, took a long run to a MemoryError walking them)
            just(value + value), just(value[:-1]), just([]), just(value * (500 if len(_paths(value)) <= 20 else 2)),
            just(list(reversed(value))), just(tuple(value)),
        ]
    return st.one_of(anything, *near)


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """``value`` with ``new`` at ``path``: the containers on the way copied, the input left as it is."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copied = list(value)
    copied[head] = _replace(value[head], rest, new)
    return copied


@st.composite
def twisted(draw: Any, examples: list[Any], names: list[str]) -> Any:
    """A valid example with one to three values twisted."""
    value = draw(pick(examples))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(pick(_paths(value)))
        current = value
        for step in path:
            current = current[step]
        value = _replace(value, path, draw(_twists(current, names)))
    return value


def hostile(operation: str, part: str) -> st.SearchStrategy[Any]:
    """Every kind of hostile payload for one part."""
    examples = examples_of(operation, part)
    return st.one_of(anything, twisted(examples, field_names(operation, part)), pick(examples))


# -- the properties ------------------------------------------------------------------------------------------


def snapshot(value: Any) -> list[Any]:
    """A flat, comparable record of a value: types, scalars, sizes and order (iterative: any depth).

    Opaque objects are recorded by identity, so replacing one is a change; NaN equals NaN, and -0.0 is not 0.0.
    """
    record: list[Any] = []
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if isinstance(node, dict):
            record.append((kind, len(node)))
            for key, item in reversed(list(dict.items(node))):
                stack.extend((item, key))
        elif isinstance(node, (list, tuple)):
            record.append((kind, len(node)))
            stack.extend(reversed(node))
        elif isinstance(node, float):
            record.append((kind, "nan" if math.isnan(node) else node, math.copysign(1.0, node)))
        elif isinstance(node, Decimal):
            record.append((kind, node.as_tuple()))
        elif node is None or isinstance(node, (bool, int, str, bytes)):
            record.append((kind, node))
        else:
            record.append((kind, id(node)))
    return record


def check_part(operation: str, part: str, payload: Any) -> None:
    """What every public call keeps on any payload; raises AssertionError naming what broke."""
    validator = invoicespec.validator(operation, part)
    before = snapshot(payload)
    errors = validator.errors(payload)  # never raises
    for error in errors:
        assert error.keyword in invoicespec.KEYWORDS, error
        assert error.path == "" or error.path.startswith("/"), error
        assert len(error.message) <= MAX_MESSAGE, (len(error.message), error.message[:100])
    assert validator.errors(payload) == errors, "another call gave other errors"
    verdict = validator.is_valid(payload)
    assert verdict is (errors == []), f"is_valid says {verdict}, errors {errors[:3]}"
    assert validator.is_valid(payload) is verdict, "another call gave another verdict"
    assert invoicespec.errors(operation, payload, part) == errors
    try:
        normalized = validator.normalize(payload)
    except invoicespec.InvalidPayload as invalid:
        assert list(invalid.errors) == errors, "normalize refused with other errors"
    else:
        assert errors == [], "normalize accepted an invalid payload"
        assert not isinstance(payload, (dict, list)) or normalized is not payload, "normalize returned its input"
        assert validator.errors(normalized) == [], "the normalized payload is invalid"
        assert snapshot(validator.normalize(normalized)) == snapshot(normalized), "normalize is not idempotent"
    assert snapshot(payload) == before, "a call changed its input"

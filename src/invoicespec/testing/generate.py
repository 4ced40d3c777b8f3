"""Valid payloads by construction: a strategy for each flattened schema node (see ``strategies``).

Standard keywords are generated here; each custom keyword brings its own hooks (see
``keywords/keyword.py``): a generator of its values, a key items must not share, and
an ``arrange`` that makes a drawn object or array hold it by deriving the dependent
value from its source (the later date from the earlier, a reference from the existing
keys, ranks as a permutation). Draws are shaped for Hypothesis's cost of about 28
microseconds per choice: one integer decides the presence of six optional fields,
short texts and dates are one choice each.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from typing import Any, cast

from hypothesis import strategies as st

from invoicespec.catalog.nodes import Node, Sub, choose, flatten
from invoicespec.engine.descend import holds
from invoicespec.keywords.keyword import Keyword
from invoicespec.keywords.registry import REGISTRY
from invoicespec.keywords.standard import compile_pattern
from invoicespec.rules.canonical import canonical
from invoicespec.rules.dates import format_date_time

_MAX_EXTRA_ITEMS = 2  # arrays get at most this many items beyond their minimum
_MAX_EXTRA_CHARACTERS = 8  # free text gets at most this many characters beyond its minimum
_FIELDS_PER_CHOICE = 6  # optional fields whose presence one integer choice decides
_TEXT = st.characters(codec="utf-8", exclude_categories=["Cs"])
# Free text mostly looks like what people type (letters, digits, spaces, accents, a symbol or two).
_WORDS = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.,'#/éèàüöøåçñß€£"


def keywords_of(node: Node, hook: str) -> list[tuple[Keyword, Any]]:
    """The node's custom keywords that have ``hook``, each with its argument, in the registry's order
    (which decides, say, which of two value generators wins)."""
    keywords = node.keywords
    return [(keyword, keywords[name]) for name, keyword in REGISTRY.items()
            if name in keywords and getattr(keyword, hook) is not None]


def _vary_header_case(headers: Any) -> st.SearchStrategy[Any]:
    if not isinstance(headers, dict):
        return st.just(headers)
    styles = st.sampled_from([str.lower, _title_case, str.upper])
    return st.lists(styles, min_size=len(headers), max_size=len(headers)).map(
        lambda chosen: {style(name): value for style, (name, value) in zip(chosen, headers.items())}
    )


def _title_case(name: str) -> str:
    return "-".join(word.capitalize() for word in name.split("-"))


def _as_url_text(parameters: Any) -> Any:
    if not isinstance(parameters, dict):
        return parameters
    return {name: (json.dumps(value) if not isinstance(value, str) else value) for name, value in parameters.items()}


class _Builder:
    """Turns flattened schema nodes into strategies, satisfying each keyword by construction."""

    def __init__(self, inner: Any, *, request: bool, rich: bool = False) -> None:
        self.inner = inner  # the jsonschema validator, to check negated branches
        self.request = request
        self.rich = rich

    # -- structure ----------------------------------------------------------------------------

    def build(self, subs: list[Sub], consumed: frozenset[int] = frozenset(), depth: int = 0) -> st.SearchStrategy[Any]:
        node = flatten(subs, consumed)
        if node.choices:
            choice = node.choices[0]
            options = []
            for index in range(len(choice.alternatives)):
                chosen, now_consumed = choose(subs, consumed, choice, index)
                option = self.build(chosen, now_consumed, depth)
                negated = choice.negate[index]
                if negated is not None:
                    option = option.filter(self._outside(negated))
                options.append(option)
            return st.one_of(options)
        return self.node(node, depth)

    def _outside(self, negated: Sub) -> Any:
        """A predicate: the value does not match the schema ``negated`` (an ``if`` whose ``else`` was taken)."""
        schema, resolver = negated
        if isinstance(schema, dict) and set(schema) == {"required"}:  # the usual "if it has field X"
            names = schema["required"]
            return lambda value: not (isinstance(value, dict) and all(name in value for name in names))
        inner = self.inner
        return lambda value: not holds(inner, value, schema, resolver)

    def node(self, node: Node, depth: int = 0) -> st.SearchStrategy[Any]:
        if node.types is not None and not node.types:
            return st.nothing()
        if node.enum is not None:
            return st.sampled_from(node.enum) if node.enum else st.nothing()
        types = node.types if node.types is not None else _implied_types(node)
        if types is None:
            return _json_values()
        order = ["object", "array", "string", "integer", "number", "boolean", "null"]
        if "integer" in types and "number" in types:
            types = types - {"integer"}
        if self.rich and len(types) > 1:
            types = types - {"null"}  # rich payloads carry a value wherever one is allowed
        return st.one_of([self.typed(node, name, depth) for name in order if name in types])

    def typed(self, node: Node, name: str, depth: int = 0) -> st.SearchStrategy[Any]:
        if name == "object":
            return self.object(node, depth)
        if name == "array":
            return self.array(node, depth)
        if name == "string":
            return self.string(node)
        if name in ("integer", "number"):
            return self.number(node, integer=name == "integer")
        if name == "boolean":
            return st.booleans()
        return st.none()

    def object(self, node: Node, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
        fields = {
            name: subs for name, subs in node.properties.items()
            if not (self.request and flatten(subs).read_only) and (node.allowed is None or name in node.allowed)
        }
        strategies = {name: self.build(subs, depth=depth + 1) for name, subs in fields.items()}
        extra = self.build(node.additional, depth=depth + 1) if isinstance(node.additional, list) else _json_values()
        for name in node.required:
            strategies.setdefault(name, extra)
        required = [name for name in strategies if name in node.required]
        arrangements = self.arrangements(node, "object", strategies)
        free_form = not fields and node.additional is None
        loose = st.dictionaries(st.text(_TEXT, max_size=8), _json_values(), max_size=3) if free_form else None
        optional = [name for name in strategies if name not in required]
        # One choice per six optional fields says which are present (a bit each); it shrinks to 0, none.
        # (One integer for all of them would leave late fields mostly absent: Hypothesis favours small
        # integers, so high bits are rarely set.)
        # At the top level an optional field is present one time in two; deeper, one time in four (two bits
        # must be set), so that payloads stay rich where it matters and cheap to draw below.
        width = 1 if depth == 0 else 2
        per_choice = _FIELDS_PER_CHOICE // width
        chunks = [optional[i:i + per_choice] for i in range(0, len(optional), per_choice)]
        presence = st.tuples(*(st.integers(0, 2 ** (width * len(chunk)) - 1) for chunk in chunks))
        mask = 2 ** width - 1

        @st.composite
        def draw_object(draw: Any) -> dict[str, Any]:
            result: dict[str, Any] = {}
            wanted = set(optional) if self.rich else {
                name for bits, chunk in zip(draw(presence), chunks)
                for place, name in enumerate(chunk) if bits >> (width * place) & mask == mask
            }
            for name, strategy in strategies.items():
                if name in required or name in wanted:
                    result[name] = draw(strategy)
            if loose is not None:
                result.update(draw(loose))
            for arrange in arrangements:
                arrange(draw, result)
            return result

        return draw_object()

    @staticmethod
    def arrangements(node: Node, type_name: str, fields: dict[str, Any]) -> list[Any]:
        """The node's keywords' ways to make a drawn value of ``type_name`` hold them, in registry order."""
        found = []
        for keyword, argument in keywords_of(node, "arrange"):
            if keyword.arrange is not None and keyword.instance_type == type_name:
                arrange = keyword.arrange(argument, fields)
                if arrange is not None:
                    found.append(arrange)
        return found

    def array(self, node: Node, depth: int = 0) -> st.SearchStrategy[list[Any]]:
        items = self.build(node.items, depth=depth + 1) if node.items else _json_values()
        low = max(node.min_items, 1) if self.rich and node.max_items != 0 else node.min_items
        high = low + _MAX_EXTRA_ITEMS if node.max_items is None else min(node.max_items, low + _MAX_EXTRA_ITEMS)
        keyed = keywords_of(node, "unique_key")
        key = keyed[0][0].unique_key if keyed else None  # st.lists takes one key: the first keyword's
        if key is not None:
            strategy = st.lists(items, min_size=low, max_size=high, unique_by=key(keyed[0][1]))
        elif node.unique_items:
            strategy = st.lists(items, min_size=low, max_size=high, unique_by=canonical)
        else:
            strategy = st.lists(items, min_size=low, max_size=high)
        arrangements = self.arrangements(node, "array", {})
        if not arrangements:
            return strategy

        @st.composite
        def draw_array(draw: Any) -> list[Any]:
            result: list[Any] = draw(strategy)
            for arrange in arrangements:
                arrange(draw, result)
            return result

        return draw_array()

    # -- values -------------------------------------------------------------------------------

    def string(self, node: Node) -> st.SearchStrategy[str]:
        # A custom keyword that shapes the text (a phone number, say) knows it best.
        strategy = _keyword_values(node, "string")
        if strategy is None:
            strategy = _standard_texts(node)
        low, high = node.min_length, node.max_length
        patterns = [compile_pattern(p) for p in node.patterns]
        if node.patterns or low or high is not None:
            strategy = strategy.filter(
                lambda text: low <= len(text) <= (high if high is not None else len(text))
                and all(p.search(text) for p in patterns)
            )
        return strategy

    def number(self, node: Node, *, integer: bool) -> st.SearchStrategy[Any]:
        shaped = _keyword_values(node, "integer" if integer else "number")
        if shaped is not None:
            return shaped
        low, high = node.minimum, node.maximum
        if node.exclusive_minimum is not None and (low is None or node.exclusive_minimum >= low):
            low, exclude_low = node.exclusive_minimum, True
        else:
            exclude_low = False
        if node.exclusive_maximum is not None and (high is None or node.exclusive_maximum <= high):
            high, exclude_high = node.exclusive_maximum, True
        else:
            exclude_high = False
        int_low = None if low is None else int(low) + (1 if exclude_low and low == int(low) else 0)
        int_high = None if high is None else int(high) - (1 if exclude_high and high == int(high) else 0)
        if int_low is not None and low > int_low:
            int_low += 1
        integers = st.integers(min_value=int_low, max_value=int_high)
        if integer:
            return integers
        floats = st.floats(
            min_value=low, max_value=high, exclude_min=exclude_low and low is not None,
            exclude_max=exclude_high and high is not None, allow_nan=False, allow_infinity=False,
        )
        return st.one_of(integers, floats)


# -- keyword-level generators -----------------------------------------------------------------------

def _keyword_values(node: Node, type_name: str) -> st.SearchStrategy[Any] | None:
    """The first of the node's custom keywords that shapes values of ``type_name``, or None."""
    for keyword, argument in keywords_of(node, "generate_value"):
        strategy = None if keyword.generate_value is None else keyword.generate_value(argument, node, type_name)
        if strategy is not None:
            return cast("st.SearchStrategy[Any]", strategy)
    return None


def _standard_texts(node: Node) -> st.SearchStrategy[str]:
    """Texts of the node's format, else of its first pattern, else free text of its lengths."""
    if "format" in node.keywords:
        return _FORMATS[node.keywords["format"]]
    if node.patterns:
        return _pattern_texts(node.patterns[0], node.min_length, node.max_length)
    high = node.max_length if node.max_length is not None else node.min_length + _MAX_EXTRA_CHARACTERS
    high = min(high, node.min_length + _MAX_EXTRA_CHARACTERS)
    return st.one_of(_short_texts(_WORDS, node.min_length, high),
                     st.text(_TEXT, min_size=node.min_length, max_size=high))


def _implied_types(node: Node) -> set[str] | None:
    """The types a node without ``type`` implies by its other keywords, or None for any value."""
    implied = {keyword.instance_type for keyword, _ in keywords_of(node, "instance_type")}
    if node.properties or node.required or node.additional is not None or "object" in implied:
        return {"object"}
    if node.items or node.min_items or "array" in implied:
        return {"array"}
    if node.patterns or node.min_length or node.max_length is not None or "string" in implied \
            or "format" in node.keywords:
        return {"string"}
    return None


_CHAR_CLASS = re.compile(r"\^\[((?:[^\]\\]|\\.)+)\](?:\{(\d+)(?:,(\d+))?\}|(\+)|(\*))\$")


def _short_texts(alphabet: str, least: int, most: int) -> st.SearchStrategy[str]:
    """Texts of ``least`` to ``most`` characters of ``alphabet``, each from one integer choice.

    Hypothesis spends a choice per character of ``st.text``; a payload has many short
    strings, so this draws one integer and spells it in the alphabet instead. It
    shrinks to 0: the shortest text, of the alphabet's first character.
    """
    if most - least > 10 or most > 40:
        return st.text(alphabet, min_size=least, max_size=most)
    base, span = len(alphabet), most - least + 1

    def spell(number: int) -> str:
        length = least + number % span
        number //= span
        chars = []
        for _ in range(length):
            number, digit = divmod(number, base)
            chars.append(alphabet[digit])
        return "".join(chars)

    return st.integers(0, span * base ** most - 1).map(spell)


def _pattern_texts(pattern: str, min_length: int, max_length: int | None) -> st.SearchStrategy[str]:
    """Strings matching a pattern: a plain alphabet for ``^[class]{m,n}$``, else Hypothesis's from_regex."""
    simple = _CHAR_CLASS.fullmatch(pattern)
    if simple:
        members, low, high, plus, _ = simple.groups()
        alphabet = _class_members(members)
        if alphabet:
            least = int(low) if low else (1 if plus else 0)
            most = int(high) if high else (int(low) if low and not plus else least + _MAX_EXTRA_CHARACTERS)
            least = max(least, min_length)
            most = min(most, max_length if max_length is not None else most, least + _MAX_EXTRA_CHARACTERS)
            return _short_texts("".join(alphabet), least, max(most, least))
    flags = re.ASCII | (re.IGNORECASE if pattern.startswith("(?i)") else 0)
    body = pattern[4:] if pattern.startswith("(?i)") else pattern
    anchored = body.startswith("^") and body.endswith("$") and not body.endswith("\\$")
    return st.from_regex(re.compile(body, flags), fullmatch=anchored)


def _class_members(members: str) -> list[str] | None:
    """The characters of a simple bracket class (ranges, escapes), or None if it is not simple."""
    chars: list[str] = []
    index = 0
    while index < len(members):
        char = members[index]
        if char == "\\":
            if index + 1 >= len(members) or members[index + 1].isalnum():
                return None  # \d, \w, \s and friends: leave them to from_regex
            chars.append(members[index + 1])
            index += 2
        elif index + 2 < len(members) and members[index + 1] == "-":
            chars.extend(chr(c) for c in range(ord(char), ord(members[index + 2]) + 1))
            index += 3
        elif char == "^" and index == 0:
            return None  # a negated class
        else:
            chars.append(char)
            index += 1
    return sorted(set(chars)) or None


_OFFSETS = st.one_of(
    st.just("Z"),
    st.builds(lambda sign, minutes: f"{sign}{minutes // 60:02d}:{minutes % 60:02d}",
              st.sampled_from("+-"), st.sampled_from(range(0, 14 * 60 + 1, 15))),
)
_EPOCH = _dt.datetime(2000, 1, 1)
_MOMENTS = st.integers(0, 36 * 365 * 86_400_000).map(  # one choice: milliseconds after 2000-01-01
    lambda ms: _EPOCH + _dt.timedelta(milliseconds=ms)
)
_ZONED = st.builds(format_date_time, _MOMENTS, _OFFSETS, st.booleans())
_LOCAL = st.builds(format_date_time, _MOMENTS, st.none(), st.booleans())
_ALNUM = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789")
_LABEL = st.text(_ALNUM, min_size=1, max_size=10)
_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date": st.integers(0, 46 * 365).map(lambda days: (_dt.date(1990, 1, 1) + _dt.timedelta(days=days)).isoformat()),
    "date-time": _ZONED,
    "local-date-time": _LOCAL,
    "date-time-optional-offset": st.one_of(_LOCAL, _ZONED),
    "email": st.builds(
        lambda local, domain, tld: f"{local}@{domain}.{tld}",
        st.builds(lambda a, b: f"{a}.{b}" if b else a, st.text(_ALNUM, min_size=1, max_size=10),
                  st.text(_ALNUM, max_size=8)),
        _LABEL, st.sampled_from(["com", "fr", "de", "io", "co.uk", "se"]),
    ),
    "uri": st.builds(
        lambda host, path: f"https://{host}.example/{path}",
        _LABEL, st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/-"),
                        max_size=20),
    ),
    "uuid": st.uuids().map(str),
}


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) \
        | st.text(_TEXT, max_size=10)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(_TEXT, max_size=8), inner, max_size=3),
        max_leaves=6,
    )

"""Valid payloads by construction: a strategy for each flattened schema node (see ``strategies``).

Each keyword has a generator, and each relational keyword is satisfied by deriving
the dependent value from its source (the later date from the earlier, a reference
from the existing keys, ranks as a permutation). Draws are shaped for Hypothesis's
cost of about 28 microseconds per choice: one integer decides the presence of six
optional fields, short texts and dates are one choice each, IBANs come from a seed.
"""

from __future__ import annotations

import datetime as _dt
import json
import random
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

import phonenumbers
from hypothesis import strategies as st
from schwifty import IBAN

from invoicespec import rules
from invoicespec.catalog.nodes import Node, Sub, choose, flatten
from invoicespec.rules.json_data import copy_json
from invoicespec.keywords.standard import compile_pattern
from invoicespec.rules.canonical import canonical
from invoicespec.rules.pointer import MISSING, parse_pointer, resolve

_MAX_EXTRA_ITEMS = 2  # arrays get at most this many items beyond their minimum
_MAX_EXTRA_CHARACTERS = 8  # free text gets at most this many characters beyond its minimum
_FIELDS_PER_CHOICE = 6  # optional fields whose presence one integer choice decides
_TEXT = st.characters(codec="utf-8", exclude_categories=("Cs",))
# Free text mostly looks like what people type (letters, digits, spaces, accents, a symbol or two).
_WORDS = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.,'#/éèàüöøåçñß€£"
_IBAN_COUNTRIES = ("FR", "DE", "GB", "ES", "NL", "BE", "IT", "SE", "NO", "FI", "AT", "CH", "PL", "PT", "IE", "DK")


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
        checker = self.inner.evolve(schema=schema, _resolver=resolver)
        return lambda value: not checker.is_valid(value)

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

    def object(self, node: Node, depth: int = 0) -> st.SearchStrategy[dict]:
        fields = {
            name: subs for name, subs in node.properties.items()
            if not (self.request and flatten(subs).read_only) and (node.allowed is None or name in node.allowed)
        }
        strategies = {name: self.build(subs, depth=depth + 1) for name, subs in fields.items()}
        extra = self.build(node.additional, depth=depth + 1) if isinstance(node.additional, list) else _json_values()
        for name in node.required:
            strategies.setdefault(name, extra)
        required = [name for name in strategies if name in node.required]
        any_of = [name for name in node.keywords.get("x-required-any-of", []) if name in strategies]
        free_form = not fields and node.additional is None
        pick_any_of = st.sampled_from(any_of) if any_of else None
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
        def draw_object(draw: Any) -> dict:
            result: dict[str, Any] = {}
            wanted = set(optional) if self.rich else {
                name for bits, chunk in zip(draw(presence), chunks)
                for place, name in enumerate(chunk) if bits >> (width * place) & mask == mask
            }
            for name, strategy in strategies.items():
                if name in required or name in wanted:
                    result[name] = draw(strategy)
            if pick_any_of is not None and not any(name in result for name in any_of):
                pick = draw(pick_any_of)
                result[pick] = draw(strategies[pick])
            if loose is not None:
                result.update(draw(loose))
            self.fix_object(draw, node, result)
            return result

        return draw_object()

    def fix_object(self, draw: Any, node: Node, value: dict) -> None:
        """Make the object's relational keywords hold, deriving each dependent value from its source."""
        cost = node.keywords.get("x-destination-cost")
        if cost is not None:
            phone = rules.check_phone(_get(value, cost["phone"]), cost.get("defaultRegion"))
            tier = rules.destination_tier(phone.region, cost["tiers"]) if phone and phone.e164 else None
            if tier is not None and tier["expensive"]:
                _set(value, cost["acceptedBy"], True)
        pairs = node.keywords.get("x-date-order", [])
        for _ in range(len(pairs) + 1):  # later dates only ever move later: a few rounds settle a chain
            for pair in pairs:
                earlier, later = _get(value, pair["earlier"]), _get(value, pair["later"])
                order = rules.compare_temporal(earlier, later)
                strict = pair.get("relation", "<=") == "<"
                if order is not None and (order > 0 or (order == 0 and strict)):
                    delta = draw(st.integers(1 if strict else 0, 400))
                    _set(value, pair["later"], _shift(earlier, delta, like=later))
        for link in node.keywords.get("x-references", []):
            sources, targets = _get(value, link["items"]), _get(value, link["target"])
            keys = [key for key in (_get(t, link["key"]) for t in targets if isinstance(targets, list))
                    if key is not MISSING and key is not None] if isinstance(targets, list) else []
            for item in sources if isinstance(sources, list) else ():
                if _get(item, link["field"]) in (MISSING, None):
                    continue
                if keys:
                    _set(item, link["field"], draw(st.sampled_from(keys)))
                else:
                    _delete(item, link["field"])

    def array(self, node: Node, depth: int = 0) -> st.SearchStrategy[list]:
        items = self.build(node.items, depth=depth + 1) if node.items else _json_values()
        low = max(node.min_items, 1) if self.rich and node.max_items != 0 else node.min_items
        high = low + _MAX_EXTRA_ITEMS if node.max_items is None else min(node.max_items, low + _MAX_EXTRA_ITEMS)
        unique_by = node.keywords.get("x-unique-by")
        if unique_by:
            keys = [parse_pointer(pointer) for pointer in unique_by]

            def key(item: Any) -> Any:
                values = [resolve(item, k)[0] for k in keys]
                if any(v is MISSING or v is None for v in values):
                    return object()  # items without the key never collide
                return tuple(canonical(v) for v in values)

            strategy = st.lists(items, min_size=low, max_size=high, unique_by=key)
        elif node.unique_items:
            strategy = st.lists(items, min_size=low, max_size=high, unique_by=canonical)
        else:
            strategy = st.lists(items, min_size=low, max_size=high)
        contiguous = node.keywords.get("x-contiguous")
        equal = node.keywords.get("x-equal-across", [])
        if not contiguous and not equal:
            return strategy

        @st.composite
        def draw_array(draw: Any) -> list:
            result = draw(strategy)
            if contiguous:
                start = contiguous.get("start", 1)
                numbers = draw(st.permutations(list(range(start, start + len(result)))))
                for item, number in zip(result, numbers):
                    if isinstance(item, dict):
                        _set(item, contiguous["field"], number)
            for pointer in equal:
                present = [item for item in result if _get(item, pointer) not in (MISSING, None)]
                for item in present[1:]:
                    _set(item, pointer, copy_json(_get(present[0], pointer)))
            return result

        return draw_array()

    # -- values -------------------------------------------------------------------------------

    def string(self, node: Node) -> st.SearchStrategy[str]:
        keywords = node.keywords
        if "x-phone" in keywords:
            strategy = _phones(keywords["x-phone"].get("defaultRegion"))
        elif keywords.get("x-iban") is True:
            strategy = _ibans()
        elif "x-digits" in keywords:
            strategy = _decimal_texts(keywords["x-digits"], node, negative=_may_be_negative(node))
        elif "format" in keywords:
            strategy = _FORMATS[keywords["format"]]
        elif node.patterns:
            strategy = _pattern_texts(node.patterns[0], node.min_length, node.max_length)
        else:
            high = node.max_length if node.max_length is not None else node.min_length + _MAX_EXTRA_CHARACTERS
            high = min(high, node.min_length + _MAX_EXTRA_CHARACTERS)
            strategy = st.one_of(_short_texts(_WORDS, node.min_length, high),
                                 st.text(_TEXT, min_size=node.min_length, max_size=high))
        low, high = node.min_length, node.max_length
        patterns = [compile_pattern(p) for p in node.patterns]
        if node.patterns or low or high is not None:
            strategy = strategy.filter(
                lambda text: low <= len(text) <= (high if high is not None else len(text))
                and all(p.search(text) for p in patterns)
            )
        return strategy

    def number(self, node: Node, *, integer: bool) -> st.SearchStrategy[Any]:
        digits = node.keywords.get("x-digits")
        if digits is not None:
            texts = _decimal_texts(
                {"integer": digits["integer"], "fraction": 0 if integer else digits["fraction"]},
                node, negative=_may_be_negative(node), float_safe=True,
            )
            return texts.map(lambda text: int(text) if "." not in text else float(text))
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

def _implied_types(node: Node) -> set[str] | None:
    """The types a node without ``type`` implies by its other keywords, or None for any value."""
    if node.properties or node.required or node.additional is not None or node.keywords.get("x-required-any-of"):
        return {"object"}
    if node.items or node.min_items or node.keywords.get("x-unique-by") or node.keywords.get("x-contiguous"):
        return {"array"}
    if node.patterns or node.min_length or node.max_length is not None or any(
        k in node.keywords for k in ("x-phone", "x-iban", "format")
    ):
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


def _may_be_negative(node: Node) -> bool:
    floor = [b for b in (node.minimum, node.exclusive_minimum) if b is not None]
    return not floor or min(floor) < 0


def _decimal_texts(limits: dict, node: Node, *, negative: bool, float_safe: bool = False) -> st.SearchStrategy[str]:
    """Decimal numbers as text within the digit limits, often exactly at them."""
    most_integral, most_fractional = limits["integer"], limits["fraction"]

    # Five choices: how many fractional and integral digits (Hypothesis favours the bounds, so the
    # limits themselves come up often), the digits of each part, and the sign.
    parts = st.tuples(
        st.integers(0, most_fractional), st.integers(0, most_integral),
        st.integers(0, 10 ** most_integral - 1), st.integers(0, 10 ** most_fractional - 1), st.booleans(),
    )

    def spell(drawn: tuple) -> str:
        fractional, integral, whole, tail, minus = drawn
        if float_safe and fractional:
            integral = max(0, min(integral, 15 - fractional))  # a float keeps 15 significant digits
        whole_text = str(whole % 10 ** integral).rjust(integral, "0") if integral else "0"
        if integral:
            whole_text = str(max(int(whole_text), 10 ** (integral - 1)))  # exactly `integral` digits
        tail_text = str(tail).rjust(most_fractional, "0")[:fractional]
        if tail_text and float_safe and tail_text.endswith("0"):
            tail_text = tail_text[:-1] + "5"  # no trailing zero for a float's repr to drop
        sign = "-" if negative and minus else ""
        return sign + whole_text + ("." + tail_text if tail_text else "")

    def in_bounds(text: str) -> bool:
        value = Decimal(text)
        return not (
            (node.minimum is not None and value < Decimal(str(node.minimum)))
            or (node.maximum is not None and value > Decimal(str(node.maximum)))
            or (node.exclusive_minimum is not None and value <= Decimal(str(node.exclusive_minimum)))
            or (node.exclusive_maximum is not None and value >= Decimal(str(node.exclusive_maximum)))
        )

    return parts.map(spell).filter(in_bounds)


@lru_cache(maxsize=None)
def _example_numbers() -> tuple[tuple[str, phonenumbers.PhoneNumber], ...]:
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None and phonenumbers.is_valid_number(number):
                found.append((region, number))
    return tuple(found)


@lru_cache(maxsize=None)
def _phones(default_region: str | None) -> st.SearchStrategy[str]:
    """Real numbers of many regions (the default region's first, so examples shrink to them)."""
    every = _example_numbers()
    home = [pair for pair in every if pair[0] == default_region]
    # People mostly type numbers of the default region (and only those may be written nationally).
    numbers = st.one_of(st.sampled_from(home), st.sampled_from(every)) if home else st.sampled_from(every)
    endings = st.integers(0, 99)
    forms_of = st.integers(0, 3)

    @st.composite
    def draw_phone(draw: Any) -> str:
        region, number = draw(numbers)
        varied = phonenumbers.PhoneNumber(
            country_code=number.country_code,
            national_number=number.national_number // 100 * 100 + draw(endings),
            italian_leading_zero=number.italian_leading_zero,
        )
        if phonenumbers.is_valid_number(varied) and phonenumbers.region_code_for_number(varied) == region:
            number = varied
        forms = [
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        ]
        if region == default_region:  # national forms only mean this region
            forms.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
            forms.append(phonenumbers.national_significant_number(number))
        text = forms[draw(forms_of) % len(forms)]
        result = rules.check_phone(text, default_region)
        return text if result is not None and result.problem is None else forms[0]

    return draw_phone()


@lru_cache(maxsize=None)
def _ibans() -> st.SearchStrategy[str]:
    """Valid IBANs of several countries, compact or spaced, upper or lower case."""

    countries = st.sampled_from(_IBAN_COUNTRIES)
    seeds = st.integers(0, 2 ** 32 - 1)  # one choice, where st.randoms() would draw one per call
    forms = st.sampled_from([str, _spaced, str.lower, lambda text: _spaced(text).lower()])

    @st.composite
    def draw_iban(draw: Any) -> str:
        compact = str(IBAN.random(country_code=draw(countries), random=random.Random(draw(seeds))))
        return draw(forms)(compact)

    return draw_iban()


def _spaced(compact: str) -> str:
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def _render_datetime(moment: _dt.datetime, offset: str | None, fraction: bool) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction and moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + (offset or "")


_OFFSETS = st.one_of(
    st.just("Z"),
    st.builds(lambda sign, minutes: f"{sign}{minutes // 60:02d}:{minutes % 60:02d}",
              st.sampled_from("+-"), st.sampled_from(range(0, 14 * 60 + 1, 15))),
)
_EPOCH = _dt.datetime(2000, 1, 1)
_MOMENTS = st.integers(0, 36 * 365 * 86_400_000).map(  # one choice: milliseconds after 2000-01-01
    lambda ms: _EPOCH + _dt.timedelta(milliseconds=ms)
)
_ZONED = st.builds(_render_datetime, _MOMENTS, _OFFSETS, st.booleans())
_LOCAL = st.builds(_render_datetime, _MOMENTS, st.none(), st.booleans())
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


def _shift(earlier: str, delta: int, *, like: str) -> str:
    """``earlier`` moved ``delta`` days (dates) or minutes (date-times) later, written the way ``like`` is."""
    start = rules.parse_temporal(earlier)
    shape = rules.parse_temporal(like)
    if start.kind == "date":
        return (start.value + _dt.timedelta(days=delta)).isoformat()
    moment = start.value + _dt.timedelta(minutes=delta)
    if shape.kind == "local":
        return _render_datetime(moment, None, True)
    offset = shape.value.utcoffset()
    moment = moment.astimezone(_dt.timezone(offset))
    if like.endswith(("Z", "z")):
        suffix = "Z"
    else:
        minutes = int(offset.total_seconds() // 60)
        suffix = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return _render_datetime(moment.replace(tzinfo=None), suffix, True)


def _get(document: Any, pointer: str) -> Any:
    return resolve(document, parse_pointer(pointer))[0]


def _set(document: Any, pointer: str, value: Any) -> None:
    *parents, last = parse_pointer(pointer)
    target, _ = resolve(document, tuple(parents))
    if isinstance(target, dict):
        target[last] = value
    elif isinstance(target, list) and last.isdigit() and int(last) < len(target):
        target[int(last)] = value


def _delete(document: Any, pointer: str) -> None:
    *parents, last = parse_pointer(pointer)
    target, _ = resolve(document, tuple(parents))
    if isinstance(target, dict):
        target.pop(last, None)

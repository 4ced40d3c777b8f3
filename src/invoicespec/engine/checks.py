"""The checks after the engine: the Python keywords run on the payload itself, after the compiled engine.

jsonschema-rs runs a schema with Python keywords in a slower mode (measured: about
1.5 times the time of the same schema without them, even where no Python keyword
is reached) and rebuilds a Python copy of every value it hands to one. So the
fast path compiles the standard keywords alone, and runs every Python keyword
afterwards, in Python, on the caller's own objects.

Where a keyword applies is decided by the instance's path alone when it is reached
through ``$ref``, ``allOf``, ``properties``, ``prefixItems``, ``items`` and
``additionalProperties``: such a check is *sure*, and its failure makes the payload
invalid. Under ``anyOf``, ``oneOf``, ``not``, ``if``/``then``/``else``,
``dependentSchemas``, ``contains``, ``patternProperties`` and ``unevaluated*``,
whether it applies depends on other outcomes, so the check is run wherever it
might apply (over-approximated: every branch, every member): if it holds there, it
holds wherever it actually applies, and the compiled engine's verdict (which took
the keyword as true) is exact; if it fails there, the verdict is
:class:`Uncertain` and the caller asks an engine that runs the keyword in place.

:func:`plan_checks` builds one part's checks as a tree of locations, and
:func:`compile_checks` turns the tree into one generated Python function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import FunctionType
from typing import TYPE_CHECKING, Any, Protocol, cast

from invoicespec.catalog.load import SCHEMA_LISTS, SCHEMA_MAPS
from invoicespec.engine.guards import MEMBERS
from invoicespec.rules.json_data import plain_copy

if TYPE_CHECKING:
    from invoicespec.catalog.load import Schema
    from invoicespec.catalog.nodes import Sub

__all__ = [
    "MEMBERS", "Bail", "Location", "Uncertain", "compile_checks", "deciding", "plan_checks", "verdict_around",
]

#: Keywords whose subschemas apply depending on the value, or on another subschema's outcome.
CONDITIONAL = frozenset({"anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"})
_MAX_DEPTH = 50  # deeper than any payload the schemas describe
_MAX_INDENT = 40  # levels of indentation in one generated function
_MAX_LOOPS = 10  # loops nested in one generated function (Python allows 20 nested blocks, a `try` among them)

Check = Callable[[Any], None]  # raises ValueError when the value breaks the rule
Verdict = Callable[[Any], bool | None]  # True, False, or None when only the full path can tell


class Rule(Protocol):
    """A check as :func:`compile_checks` takes it: ``validate`` raises ValueError when the value breaks the
    rule, and never for ``None`` (JSON null: a rule about a string or an object has nothing to check
    there, and the generated walk does not even look); an optional ``inline(value, me)`` gives the same
    as lines of Python source, reading the value from the variable ``value`` and reaching the rule
    itself as ``me``; or an optional ``inline_object(value, me)``, the same for a rule that only ever
    looks at objects, written where the value is known to be a ``dict`` (no test of its own)."""

    def validate(self, instance: Any) -> None: ...


class CompiledChecks(Protocol):
    """What :func:`compile_checks` returns: a :data:`Check` (with ``verdict=``, a :data:`Verdict`) that keeps
    the ``location`` and ``helpers`` it was generated from, to be generated again with a verdict."""

    location: Location
    helpers: dict[str, Any]

    def __call__(self, instance: Any, /) -> None: ...


class Bail(Exception):
    """The part cannot be hoisted (a ``$dynamicRef``, ``propertyNames``, ``contentSchema``, or nesting
    deeper than any payload): it is compiled whole, with its Python keywords in place."""


class Uncertain(Exception):
    """A check failed where it may not apply: only an engine running it in place can tell."""


@dataclass
class Location:
    """What applies at one location of a payload, and below it."""

    #: (subschema id, keyword, rule, sure)
    checks: list[tuple[int, str, Rule, bool]] = field(default_factory=list)
    properties: dict[str, Location] = field(default_factory=dict)
    prefix: dict[int, Location] = field(default_factory=dict)
    items: dict[int, Location] = field(default_factory=dict)  # from this index on
    others: list[tuple[frozenset[str], Location]] = field(default_factory=list)  # members not declared

    def empty(self) -> bool:
        return not (self.checks or self.properties or self.prefix or self.items or self.others)

    def certain(self) -> bool:
        """Whether every check here and below is sure (its failure alone makes a payload invalid)."""
        return all(sure for *_, sure in self.checks) and all(
            below.certain() for below in [*self.properties.values(), *self.prefix.values(), *self.items.values(),
                                          *(below for _, below in self.others)]
        )

    def prune(self) -> bool:
        """Drop the locations below that check nothing; True when nothing is left here either."""
        self.properties = {name: below for name, below in self.properties.items() if not below.prune()}
        self.prefix = {index: below for index, below in self.prefix.items() if not below.prune()}
        self.items = {start: below for start, below in self.items.items() if not below.prune()}
        self.others = [(names, below) for names, below in self.others if not below.prune()]
        return self.empty()


def plan_checks(root: Sub, checks_of: Callable[[Schema], list[tuple[str, Rule, bool]]]) -> Location:
    """Every check of one part at its locations: ``checks_of(subschema)`` gives a subschema's checks as
    (keyword, rule, always sure). Raises :class:`Bail` when the part cannot be hoisted."""
    top = Location()
    stack: list[tuple[Location, Any, Any, int, bool]] = [(top, root[0], root[1], 0, True)]
    visited: set[tuple[int, int, bool]] = set()
    while stack:
        here, schema, resolver, depth, sure = stack.pop()
        if not isinstance(schema, dict) or (id(here), id(schema), sure) in visited:
            continue
        visited.add((id(here), id(schema), sure))
        if depth > _MAX_DEPTH:
            raise Bail("the schema nests deeper than any payload it describes")
        for keyword in ("$dynamicRef", "propertyNames", "contentSchema"):
            if keyword in schema:
                raise Bail(f"{keyword} is not followed here")
        declared = frozenset(schema.get("properties", ()))
        for keyword, check, always in checks_of(schema):
            if keyword == MEMBERS:
                here.others.append((declared, Location(checks=[(id(schema), keyword, check, True)])))
            else:
                here.checks.append((id(schema), keyword, check, sure or always))

        def below(where: Location, sub: Any, deeper: int = depth + 1, certain: bool = sure) -> None:
            stack.append((where, sub, resolver, deeper, certain))

        if isinstance(schema.get("$ref"), str):
            resolved = resolver.lookup(schema["$ref"])
            stack.append((here, resolved.contents, resolved.resolver, depth, sure))
        for sub in schema.get("allOf", ()):
            below(here, sub, depth)
        for keyword in CONDITIONAL & schema.keys():
            value = schema[keyword]
            subs: Iterable[Any]
            if keyword in SCHEMA_LISTS:
                subs = value if isinstance(value, list) else ()
            elif keyword in SCHEMA_MAPS:
                subs = value.values() if isinstance(value, dict) else ()
            else:
                subs = [value]
            for sub in subs:
                below(here, sub, depth, False)
        for name, sub in schema.get("properties", {}).items():
            below(here.properties.setdefault(name, Location()), sub)
        prefix = schema.get("prefixItems", ())
        for index, sub in enumerate(prefix):
            below(here.prefix.setdefault(index, Location()), sub)
        if "items" in schema:
            below(here.items.setdefault(len(prefix), Location()), schema["items"])
        for keyword in ("contains", "unevaluatedItems"):  # over-approximated: every item
            if keyword in schema:
                below(here.items.setdefault(0, Location()), schema[keyword], certain=False)
        patterns = schema.get("patternProperties", {})
        for sub in patterns.values():  # over-approximated: every member
            others = Location()
            here.others.append((frozenset(), others))
            below(others, sub, certain=False)
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if keyword in schema:
                others = Location()
                exact = keyword == "additionalProperties" and not patterns
                here.others.append((declared if exact else frozenset(), others))
                below(others, schema[keyword], certain=sure and exact)
    top.prune()
    return top


#: The verdict :func:`compile_checks` writes around the checks (``verdict=``): the engine first, then the
#: checks in the same function (a call fewer per payload: about 0.1 us, a twentieth of a small payload's time).
_VERDICT = """\
def verdict(v0):
    try:
        valid = is_valid(v0)
    except Exception:  # a value jsonschema-rs cannot read: a subclass of a JSON type is read as its base
        plain = plain_copy(v0)
        found = None if plain is None else verdict(plain)
        return undecided(v0) if found is None else found
    if not valid and refused is not None:
        found = refused(v0)
        return undecided(v0) if found is None else found
    try:
{body}
    except Uncertain:
        found = whole(v0)
        return undecided(v0) if found is None else found
    except ValueError:
        return undecided(v0) if uncertain() else False
    except Exception:  # a rule that cannot read the value: the full path decides
        return undecided(v0)
    return valid
"""


def _undecided(instance: Any) -> None:
    """Where the verdict cannot tell: None (see :func:`deciding` for a verdict that always tells)."""
    return None


def deciding(verdict: Verdict, undecided: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A verdict of ``compile_checks(..., verdict=)`` or :func:`verdict_around` that asks ``undecided``
    (the full path) where it would answer None: the same code, run with that one name changed, so that
    it needs no call around it to tell."""
    namespace = {**verdict.__globals__, "undecided": undecided}
    return FunctionType(verdict.__code__, namespace, verdict.__name__)


def compile_checks(
    location: Location, helpers: dict[str, Any] | None = None, verdict: dict[str, Any] | None = None,
) -> CompiledChecks:
    """One function that runs every check of ``location`` and below on a payload (raises ValueError,
    or :class:`Uncertain` when a check fails where it may not apply).

    The function is generated as Python source: the walk down to the checked
    locations is a few dictionary lookups and loops, and rules that can (``inline``)
    are written into it, with no call at all; ``helpers`` are names their source may use.
    The function keeps its ``location`` and ``helpers``, to be compiled again with a ``verdict``.

    ``verdict``: instead, a function giving True, False or None, that asks an engine first and runs
    the checks where it accepts (``_VERDICT``); it names ``is_valid`` (the engine), ``refused`` (the
    verdict where the engine refuses; None: the checks run all the same, and passing leaves the engine's
    False), ``whole`` (where a check fails where it may not apply) and ``uncertain`` (whether a guard left
    the answer to the full path).
    """
    helpers = helpers or {}
    namespace: dict[str, Any] = {
        "Uncertain": Uncertain, "undecided": _undecided, "plain_copy": plain_copy, **helpers, **(verdict or {}),
    }
    functions: list[list[str]] = []

    def constant(value: Any) -> str:
        name = f"k{len(namespace)}"
        namespace[name] = value
        return name

    def function(here: Location) -> str:
        name = f"check{len(functions)}"
        lines = [f"def {name}(v0):"]
        functions.append(lines)
        body(here, "v0", 1, lines, [0])
        return name

    def body(here: Location, value: str, depth: int, lines: list[str], count: list[int], loops: int = 0) -> None:
        pad = "    " * depth
        start = len(lines)
        rules: dict[tuple[int, str], tuple[Rule, bool]] = {}
        for key, keyword, rule, sure in here.checks:  # a subschema reached twice here is checked once
            rules[key, keyword] = (rule, sure or rules.get((key, keyword), (None, False))[1])
        on_objects: list[tuple[list[str], bool]] = []
        for rule, sure in rules.values():
            me = constant(rule)
            inline, on_object = getattr(rule, "inline", None), getattr(rule, "inline_object", None)
            if on_object is not None:
                on_objects.append((on_object(value, me), sure))
                continue
            source = inline(value, me) if inline is not None else [f"{me}.validate({value})"]
            guarded(source, sure, pad, lines)
        if here.properties or here.others or on_objects:
            lines.append(f"{pad}if isinstance({value}, dict):")
            for source, sure in on_objects:
                guarded(source, sure, pad + "    ", lines)
            for name, below in here.properties.items():
                count[0] += 1
                member = f"v{count[0]}"
                lines.append(f"{pad}    {member} = {value}.get({name!r})")  # absent or null: nothing to check
                if depth < _MAX_INDENT:
                    lines.append(f"{pad}    if {member} is not None:")
                    body(below, member, depth + 2, lines, count, loops)
                else:  # Python reads at most 100 levels of indentation: go on in a function of its own
                    lines.append(f"{pad}    if {member} is not None: {function(below)}({member})")
            for names, below in here.others:
                count[0] += 1
                member = f"v{count[0]}"
                if names:
                    known = constant(names)
                    lines.append(f"{pad}    if not {value}.keys() <= {known}:")  # all declared: nothing to do
                    lines.append(f"{pad}        for name, {member} in {value}.items():")
                    lines.append(f"{pad}            if name in {known}: continue")
                    loop(below, member, depth + 3, lines, count, loops + 1)
                else:
                    lines.append(f"{pad}    for {member} in {value}.values():")
                    loop(below, member, depth + 2, lines, count, loops + 1)
        if here.prefix or here.items:  # a plain list (nearly always) is told apart fastest by its class
            lines.append(f"{pad}if {value}.__class__ is list or isinstance({value}, (list, tuple)):")
            for index, below in here.prefix.items():
                lines.append(f"{pad}    if len({value}) > {index}: {function(below)}({value}[{index}])")
            for first, below in here.items.items():
                count[0] += 1
                item = f"v{count[0]}"
                lines.append(f"{pad}    for {item} in {f'{value}[{first}:]' if first else value}:")
                loop(below, item, depth + 2, lines, count, loops + 1)
        if len(lines) == start:
            lines.append(f"{pad}pass")

    def guarded(source: list[str], sure: bool, pad: str, lines: list[str]) -> None:
        """A check's source; one that may not apply turns its failure into :class:`Uncertain`."""
        if sure:
            lines.extend(pad + line for line in source)
        else:
            lines.append(f"{pad}try:")
            lines.extend(f"{pad}    {line}" for line in source)
            lines.append(f"{pad}except ValueError as error: raise Uncertain(str(error)) from error")

    def loop(here: Location, value: str, depth: int, lines: list[str], count: list[int], loops: int) -> None:
        """The body of a loop over members or items: written in place (no call per item), unless the loops
        it holds would nest deeper than one function may, then a call to a function of its own."""
        if _loops(here) and (loops >= _MAX_LOOPS or depth >= _MAX_INDENT):
            lines.append(f"{'    ' * depth}{function(here)}({value})")
        else:
            body(here, value, depth, lines, count, loops)

    entry = function(location)
    if verdict is not None:  # the entry's body, inside the verdict's `try`
        functions[0] = _verdict_source(functions[0][1:])
        entry = "verdict"
    exec(compile("\n".join(line for lines in functions for line in lines), "<invoicespec checks>", "exec"), namespace)
    check: CompiledChecks = namespace[entry]
    check.location, check.helpers = location, helpers
    return check


def _verdict_source(body: list[str]) -> list[str]:
    return _VERDICT.format(body="\n".join("    " + line for line in body)).splitlines()


def verdict_around(check: Check | None, names: dict[str, Any]) -> Verdict:
    """The verdict of ``compile_checks(..., verdict=names)`` around checks that were not generated (a
    plain function, or None: nothing to check)."""
    namespace: dict[str, Any] = {
        "Uncertain": Uncertain, "undecided": _undecided, "plain_copy": plain_copy, **names, "check": check,
    }
    body = ["    pass" if check is None else "    check(v0)"]
    exec(compile("\n".join(_verdict_source(body)), "<invoicespec verdict>", "exec"), namespace)
    return cast("Verdict", namespace["verdict"])


def _loops(here: Location) -> bool:
    return bool(here.items or here.others) or any(_loops(below) for below in [*here.properties.values(), *here.prefix.values()])

"""The fast path: each part compiled by jsonschema-rs, for verdicts.

``is_valid`` (and ``errors`` on valid payloads) ask a jsonschema-rs validator
compiled from the same schema documents, rewritten so that the compiled engine
means exactly what the jsonschema path means (:mod:`rewrite`). The custom keywords
that do not run natively, and check_json's other rules (no tuple where arrays are
allowed, JSON data in every value the schema leaves open: :mod:`guards`), are Python:
each keyword's ``check`` from the registry (``keywords.registry``), the hottest calling
the same rules as the keyword's jsonschema function, with their arguments read once and
no message built; the others wrap the jsonschema function itself.

Each shipped part is compiled twice over. Its **lean** engine holds the standard
keywords alone (jsonschema-rs runs markedly slower once given Python keywords),
and the Python keywords run after it, on the caller's objects, from one function
generated per part (:mod:`checks`). Where a keyword may or may not apply (under
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
from collections.abc import Callable, Mapping
from urllib.parse import unquote, urljoin
from typing import TYPE_CHECKING, Any, cast

import jsonschema_rs

from invoicespec.catalog.load import BASE_URI, META_FOLDER, Catalog, reachable, subschemas
from invoicespec.engine.checks import MEMBERS, Bail, Check, compile_checks, deciding, plan_checks, verdict_around
from invoicespec.engine.guards import (
    ARRAY, GUARDS, OPEN, NoPlace, OpenValue, negated_subschemas, place_guards, types_of, uncertain,
)
from invoicespec.engine.rewrite import PYTHON_KEYWORDS, rewrite
from invoicespec.keywords.registry import REGISTRY, derived
from invoicespec.rules.pointer import MISSING, format_pointer, parse_pointer, resolve

if TYPE_CHECKING:
    from jsonschema_rs import KeywordValidator

    from invoicespec.catalog.load import Schema
    from invoicespec.catalog.nodes import Sub
    from invoicespec.engine.checks import CompiledChecks, Rule, Verdict
    from invoicespec.keywords.keyword import KeywordFunction

__all__ = ["FastPath", "Pruner", "compile_fast", "derive", "enable_pruning"]


# -- Python keywords ------------------------------------------------------------------------------


def _rule(check: KeywordFunction, name: str) -> type[KeywordValidator]:
    """A jsonschema-rs keyword class around one keyword function of the full path."""

    class Rule:
        __slots__ = ("value", "schema")

        def __init__(self, parent_schema: Schema, value: Any, schema_path: list[str | int]) -> None:
            self.value = value
            self.schema = parent_schema

        def validate(self, instance: Any) -> None:
            for error in check(None, self.value, instance, self.schema):
                raise ValueError(error.message)

    Rule.__name__ = Rule.__qualname__ = name
    return Rule


#: Each Python keyword of a whole engine -> its check: every custom keyword's, and the guards'.
KEYWORDS: dict[str, type[KeywordValidator]] = {}

#: How :meth:`_Plan.checks_of` checks what a lean engine leaves out, where it differs from ``KEYWORDS``.
LEAN_CHECKS: dict[str, type[KeywordValidator]] = {}
#: The custom keywords a lean engine runs in part, whose checks after it do the rest.
_LEAN_CHECKED: set[str] = set()
#: The names the checks' generated source uses (:func:`compile_checks`' helpers).
HELPERS: dict[str, Any] = {}


@derived
def _checks() -> None:
    KEYWORDS.clear()
    KEYWORDS.update({
        **{name: keyword.check or _rule(keyword.validate, f"Rule[{name}]") for name, keyword in REGISTRY.items()},
        **GUARDS,
    })
    lean = {name: keyword.lean_check for name, keyword in REGISTRY.items() if keyword.lean_check is not None}
    LEAN_CHECKS.clear()
    LEAN_CHECKS.update({**lean, OPEN: OpenValue, MEMBERS: OpenValue})
    _LEAN_CHECKED.clear()
    _LEAN_CHECKED.update(lean)
    HELPERS.clear()
    HELPERS.update(
        (name, function) for keyword in REGISTRY.values() for name, function in (keyword.helpers or {}).items()
    )


# -- compiling ------------------------------------------------------------------------------------


def _refuses(instance: Any) -> bool:
    return False


def _verdict(compiled: Any, instance: Any) -> bool | None:
    """True or False, or None when jsonschema-rs cannot read the value (a set, a subclass of a JSON type, a lone
    surrogate ...) or a guard left it to the full path."""
    try:
        if compiled.is_valid(instance):
            return True
    except Exception:
        return None
    return None if uncertain() else False


class FastPath:
    """A compiled part: :attr:`verdict` answers True, False, or None when only the full path can tell.

    ``check`` runs the Python keywords a lean engine left out (:mod:`checks`); when one fails where it
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

    def _decide(
        self, is_valid: Callable[[Any], bool], check: Check | None, certain: bool, otherwise: Verdict | None = None,
    ) -> Verdict:
        """The verdict of one engine and its checks (the hot path reads no attribute); where the engine
        refuses, ``otherwise``'s verdict, if given (after a strict engine).

        The verdict is generated (``compile_checks(..., verdict=)``): the engine's call, then the checks
        in the same function (written in place where they were generated, else a call).
        """
        location = getattr(check, "location", None)

        def generated(engine: Callable[[Any], bool], refused: Verdict | None) -> Verdict:
            names = {"is_valid": engine, "refused": refused, "whole": self._ask_whole, "uncertain": uncertain}
            if location is not None:
                # ``location`` is only found on what compile_checks generated
                return cast("Verdict", compile_checks(location, cast("CompiledChecks", check).helpers, verdict=names))
            return verdict_around(check, names)

        checks_alone: list[Verdict] = []  # the checks' verdict after a refusal, generated on first need

        def refused(instance: Any) -> bool | None:
            """The verdict where the engine refuses."""
            if otherwise is not None:
                return otherwise(instance)
            if uncertain():
                return None
            if certain:
                return False
            if not checks_alone:  # unsure checks may still fail where they may not apply: the whole engine decides
                checks_alone.append(generated(_refuses, None))
            return checks_alone[0](instance)

        return generated(is_valid, refused)

    def deciding(self, undecided: Callable[[Any], bool]) -> Callable[[Any], bool]:
        """:attr:`verdict` asking ``undecided`` (the full path) where it would answer None: a verdict that
        always tells, in one call (:func:`checks.deciding`)."""
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

    def __init__(self, documents: Mapping[str, Any], base: str, contents: Any = None) -> None:
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
    negated = negated_subschemas(list(roots.values()))
    guards: dict[int, set[str]] = {}
    unplaced = []
    for uri, root in roots.items():
        try:
            place_guards([root], negated, guards)
        except NoPlace:
            unplaced.append(uri)
    places: dict[str, list[list[str]]] = {}
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
            self._negated = negated_subschemas(list(_roots(self.catalog).values()))
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
        """A part's checks after its lean engine (:mod:`checks`; None when there is nothing to check) and
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

    def checks_of(self, schema: Schema, request: bool, strict: bool = False) -> list[tuple[str, Rule, bool]]:
        """What a lean :func:`rewrite` leaves out of one subschema, as checks: (keyword, check, always
        sure). The JSON-data guards are always sure: check_json holds for every value of a payload; after
        a ``strict`` engine there are none."""
        if request and schema.get("readOnly") is True:
            return []  # refused by the engine wherever it applies
        checks = [(keyword, schema[keyword], False) for keyword in schema if keyword in PYTHON_KEYWORDS]
        checks += [(keyword, schema[keyword], False) for keyword in schema if keyword in _LEAN_CHECKED]
        if "array" in types_of(schema):
            checks.append((ARRAY, True, True))
        for keyword in sorted(() if strict else self.guards.get(id(schema), ())):
            checks.append((keyword, True, True))
        # every keyword checked here has a check (the registry's, a guard's)
        return [(keyword, cast("type[KeywordValidator]", LEAN_CHECKS.get(keyword, KEYWORDS.get(keyword)))(
                    schema, value, []), sure)
                for keyword, value, sure in checks]

    def guards_for(self, schema: Schema, uri: str) -> dict[int, set[str]] | None:
        """Guards for a schema outside the catalog, or None when they would have to change shipped documents."""
        root = (schema, self.catalog.registry.resolver(base_uri=uri))
        negated = negated_subschemas([root])
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
        ``$ref`` and the conditions of ``if`` (see ``keywords.standard.PRUNERS``), never about the others.
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
    from invoicespec.keywords.standard import PRUNERS  # the full path's: not needed by verdicts alone

    plan = _plan(catalog)
    with _lock:
        for request in (True, False):
            if PRUNERS.get(request) is None:
                PRUNERS[request] = Pruner(plan, request)


_lock = threading.RLock()
_plans: dict[int, _Plan] = {}


def _plan(catalog: Catalog) -> _Plan:
    with _lock:
        plan = _plans.get(id(catalog))
        if plan is None or plan.catalog is not catalog:
            plan = _plans[id(catalog)] = _Plan(catalog)
        return plan


def compile_fast(catalog: Catalog, schema: Schema, request: bool) -> FastPath | None:
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

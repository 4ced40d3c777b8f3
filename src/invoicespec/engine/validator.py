"""Operation + part -> compiled validator.

Data flow: YAML -> registry (``_catalog``) -> a jsonschema validator class built
by composition (``validators.extend``, never subclassing) with the vocabulary's
keywords, the library's own format checker and type checker -> :class:`Validator`,
which adds what the part's kind needs (case-insensitive header names, typed path
parameters), the JSON-data guard, the public error records and normalization.
Verdicts come first from the part's fast path (:mod:`fast`: jsonschema-rs); the
jsonschema validator decides only when that cannot tell, and writes error reports.
Each is compiled on first need.
"""

from __future__ import annotations

import re
import threading
from decimal import Decimal
from functools import lru_cache
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from invoicespec.catalog.load import Catalog
from invoicespec.engine.fast import FastPath, compile_fast, enable_pruning
from invoicespec.keywords.formats import format_checker
from invoicespec.rules.json_data import check_json, copy_json
from invoicespec.keywords.registry import derived
from invoicespec.rules.pointer import format_pointer, parse_pointer
from invoicespec._errors import Error, InvalidPayload

if TYPE_CHECKING:
    from invoicespec.report.normalize import Normalizer
    from invoicespec.report.variants import Declared
    from jsonschema import TypeChecker
    from jsonschema.protocols import Validator as JSONSchemaValidator
    from referencing import Registry

__all__ = ["Validator", "compile_schema"]


def _is_integer(checker: TypeChecker, instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, int):
        return True
    if isinstance(instance, float):
        return instance.is_integer()
    return isinstance(instance, Decimal) and instance.is_finite() and instance == instance.to_integral_value()


@lru_cache(maxsize=None)
def _reporting() -> Callable[..., Iterator[Error]]:
    """The full path's error report, loaded on first need (verdicts alone never use it; looked up once, as an
    import statement inside a method costs each call more than the lookup)."""
    from invoicespec.report.messages import report

    return report


@lru_cache(maxsize=None)
def _jsonschema_classes() -> tuple[Any, Any, Any]:
    """The request and response validator classes and the format checker, built on first need
    (importing jsonschema is a third of a cold start, and the fast path does without it)."""
    from jsonschema import Draft202012Validator, validators

    from invoicespec.engine.descend import install
    from invoicespec.keywords.standard import REQUEST_KEYWORDS, RESPONSE_KEYWORDS

    types = Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
    # types-jsonschema leaves validators.extend unannotated.
    request = install(validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, REQUEST_KEYWORDS, type_checker=types))
    response = install(validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, RESPONSE_KEYWORDS, type_checker=types))
    return request, response, format_checker()


# A keyword registered later is in the classes compiled after it.
derived(_jsonschema_classes.cache_clear)


Kind = Literal["body", "headers", "path"]
_KINDS: dict[str, Kind] = {"request.headers": "headers", "request.path": "path"}
_NO_FAST_PATH: Any = object()  # compiled, and there is none
_INTEGER_TEXT = re.compile(r"-?[0-9]{1,3000}")  # well below Python's int-from-text limit
_NUMBER_TEXT = re.compile(r"-?[0-9]{1,300}(\.[0-9]{1,300})?")


def kind_of(part: str) -> Kind:
    """What a part's instance is: a body, a mapping of headers, or path parameters."""
    return _KINDS.get(part, "body")


class Validator:
    """Validates and normalizes one part of one operation. Get one from :func:`invoicespec.validator`.

    A validator is immutable and thread-safe: share it freely. No method ever
    changes its input. ``errors`` and ``is_valid`` never raise for any JSON value;
    values that are not JSON data (NaN, a ``set``, a non-string key) and nesting
    deeper than 100 levels are reported as errors.
    """

    __slots__ = (
        "operation", "part", "media_type", "_kind", "_schema", "_registry", "_catalog", "_rebuild",
        "_full", "_fast", "_normalizer", "_lock",
        "__dict__",  # only for is_valid, once compiled (see _fast_path)
    )

    def __init__(
        self,
        schema: dict[str, Any],
        registry: Registry[Any] | None,
        *,
        operation: str = "",
        part: str = "request",
        media_type: str = "application/json",
        rebuild: tuple[Any, tuple[Any, ...]] | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        self.operation = operation
        self.part = part
        self.media_type = media_type
        self._kind = kind_of(part)
        self._schema = schema
        self._registry = registry
        self._catalog = catalog
        self._rebuild = rebuild
        # the jsonschema validator and the variants' fields
        self._full: tuple[JSONSchemaValidator, Declared] | None = None
        self._fast: FastPath | None = None
        self._normalizer: Normalizer | None = None
        self._lock = threading.Lock()

    def _full_path(self) -> tuple[JSONSchemaValidator, Declared]:
        """The jsonschema validator (exact error reports), compiled on first need."""
        full = self._full
        if full is None:
            with self._lock:
                full = self._full
                if full is None:
                    if self._catalog is not None:
                        enable_pruning(self._catalog)
                    request, response, formats = _jsonschema_classes()
                    cls = request if self.part.startswith("request") else response
                    registry = self._documents()
                    # The full path's modules load with it: verdicts alone (a cold start) never need them.
                    from invoicespec.engine.descend import compile_root, resolver_of
                    from invoicespec.report.variants import declared_fields

                    compiled = compile_root(cls, self._schema, registry, formats)
                    full = self._full = (compiled, declared_fields(self._schema, resolver_of(compiled)))
        return full

    def _documents(self) -> Registry[Any]:
        """The registry the part's schema refers into."""
        if self._registry is not None:
            return self._registry
        if self._catalog is None:
            raise TypeError("a Validator needs a registry or a catalog")
        return self._catalog.registry

    def _normalize(self) -> Normalizer:
        """The part's normalizer, made on first need."""
        normalize = self._normalizer
        if normalize is None:
            from referencing.jsonschema import DRAFT202012

            from invoicespec.engine.descend import holds
            from invoicespec.report.normalize import normalizer

            def full_holds() -> Callable[[Any, Any, Any], bool]:
                compiled = self._full_path()[0]
                return lambda instance, schema, resolver: holds(compiled, instance, schema, resolver)

            resolver = self._documents().resolver_with_root(DRAFT202012.create_resource(self._schema))
            made = normalizer(self._schema, resolver, full_holds)
            with self._lock:
                normalize = self._normalizer = self._normalizer or made
        return normalize

    @property
    def _jsonschema(self) -> Any:
        """The jsonschema validator behind error reports (strategies and docs walk it)."""
        return self._full_path()[0]

    def _fast_path(self) -> FastPath | None:
        """The jsonschema-rs validator (verdicts), compiled on first need; None without a catalog."""
        fast = self._fast
        if fast is None and self._catalog is not None:
            with self._lock:
                fast = self._fast
                if fast is None:
                    request = self.part.startswith("request")
                    fast = self._fast = compile_fast(self._catalog, self._schema, request) or _NO_FAST_PATH
                    if fast is not _NO_FAST_PATH and self._kind == "body":
                        # is_valid itself, from now on (where the payload is its own instance): the verdict,
                        # asking the full path where it would answer None; one Python call fewer per payload
                        # than the method (0.1 us)
                        hot = fast.deciding(self._full_is_valid)
                        hot.__doc__, hot.__qualname__ = Validator.is_valid.__doc__, Validator.is_valid.__qualname__
                        self.__dict__["is_valid"] = hot
        return None if fast is _NO_FAST_PATH else fast

    def __repr__(self) -> str:
        return f"<invoicespec.Validator {self.operation or '(ad hoc)'} {self.part}>"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if self._rebuild is None:
            raise TypeError("this validator was not built by name and cannot be pickled")
        return self._rebuild

    @property
    def schema(self) -> dict[str, Any]:
        """The part's schema document (a copy: changing it changes nothing)."""
        schema: dict[str, Any] = copy_json(self._schema)
        return schema

    @property
    def examples(self) -> tuple[Any, ...]:
        """The examples the schema declares (copies), all of them valid."""
        return tuple(copy_json(example) for example in self._schema.get("examples", ()))

    def errors(self, instance: Any) -> list[Error]:
        """Every problem in ``instance``, in document order; an empty list when it is valid."""
        if self._verdict(instance) is True:
            return []
        problems = check_json(instance)
        if problems:
            return problems
        target, names, problems = self._prepare(instance)
        compiled, declared = self._full_path()
        report = _reporting()
        found = [error for raw in compiled.iter_errors(target) for error in report(raw, declared)]
        if names:  # errors name headers as the caller wrote them
            found = [self._restore(error, names) for error in found]
        return problems + found

    def is_valid(self, instance: Any) -> bool:
        """Whether ``instance`` has no problem at all (stops at the first one)."""
        verdict = self._verdict(instance)  # until compiled: body parts then use the instance's own is_valid
        return self._full_is_valid(instance) if verdict is None else verdict

    def _full_is_valid(self, instance: Any) -> bool:
        """The full path's verdict (the reference the fast path is held to)."""
        if check_json(instance):
            return False
        target, _, problems = self._prepare(instance)
        return not problems and self._full_path()[0].is_valid(target)

    def _verdict(self, instance: Any) -> bool | None:
        """The fast path's verdict, or None when it cannot tell (then the full path decides)."""
        fast = self._fast_path()
        if fast is None:
            return None
        if self._kind == "body":
            verdict: bool | None = fast.verdict(instance)
            return verdict
        target, _, problems = self._prepare(instance)
        return False if problems else fast.verdict(target)

    def normalize(self, instance: Any) -> Any:
        """A new, normalized copy of a valid ``instance``.

        Phone numbers become E.164, IBANs compact and upper case, path parameters
        the types their schema declares. Raises :class:`~invoicespec.InvalidPayload`
        (a ``ValueError``) carrying every error when ``instance`` is not valid.
        """
        problems = self.errors(instance)
        if problems:
            raise InvalidPayload(problems, operation=self.operation, part=self.part)
        target, names, _ = self._prepare(instance)
        result = self._normalize()(target)
        if names:
            result = {names.get(key, key): value for key, value in result.items()}
        return result

    # -- what the part's kind needs -------------------------------------------------------------

    def _prepare(self, instance: Any) -> tuple[Any, dict[str, str], list[Error]]:
        """The instance as the schema sees it, the original header names, and problems found here."""
        if self._kind == "headers" and isinstance(instance, dict):
            folded: dict[str, Any] = {}
            names: dict[str, str] = {}
            problems: list[Error] = []
            for name, value in instance.items():
                key = name.lower() if isinstance(name, str) else name  # check_json reports non-string keys
                if key in folded:
                    problems.append(Error(
                        format_pointer([name]), "x-headers",
                        f"the header {names[key]!r} is given twice (header names are case-insensitive)",
                    ))
                    continue
                folded[key] = value
                names[key] = name
            return folded, names, problems
        if self._kind == "path" and isinstance(instance, dict):
            return self._typed_path(instance), {}, []
        return instance, {}, []

    def _restore(self, error: Error, names: dict[str, str]) -> Error:
        parts = parse_pointer(error.path)
        if not parts or parts[0] not in names:
            return error
        return Error(format_pointer([names[parts[0]], *parts[1:]]), error.keyword, error.message)

    def _typed_path(self, instance: dict[str, Any]) -> dict[str, Any]:
        """Path parameters arrive as text: read each as the type its schema declares, when it can be."""
        declared = self._schema.get("properties", {})
        typed = dict(instance)
        for name, text in instance.items():
            wanted = declared.get(name, {}).get("type") if isinstance(declared.get(name), dict) else None
            if not isinstance(text, str) or wanted not in ("integer", "number", "boolean"):
                continue
            if wanted == "integer" and _INTEGER_TEXT.fullmatch(text):
                typed[name] = int(text)
            elif wanted == "number" and _NUMBER_TEXT.fullmatch(text):
                typed[name] = float(text) if "." in text else int(text)
            elif wanted == "boolean" and text in ("true", "false"):
                typed[name] = text == "true"
        return typed


def compile_schema(schema: dict[str, Any], part: str = "request") -> Validator:
    """A validator for a schema that is not one of the shipped parts (tests, keyword suites).

    The schema passes the same checks as shipped ones and may ``$ref`` them
    (``https://schemas.invoicespec.dev/_common/date.yaml``); raises SchemaError.
    """
    from invoicespec.catalog.load import check_schema, shipped

    catalog = shipped()
    check_schema(catalog, schema)
    return Validator(schema, catalog.registry, part=part, catalog=catalog)

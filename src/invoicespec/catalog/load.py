"""Schemas -> one ``referencing.Registry``, loaded once, offline, and checked as it loads.

A schema folder holds ``_common/`` (shared definitions and the vocabulary's
meta-schemas) and one folder per API, with one folder per operation holding an
``operation.yaml`` manifest and one schema file per part. Loading fails with a
:class:`~invoicespec.SchemaError` naming the file when:

- a file is not valid YAML, or its ``$id`` does not mirror its path;
- a schema breaks the dialect (an unknown keyword, a bad ``x-`` argument, an
  unknown ``format``), or a manifest breaks the manifest schema;
- a ``$ref`` leads outside the shipped schemas (nothing is ever retrieved);
- a ``pattern`` does not compile with RE2 or uses a construct engines read
  differently (``\\b``, ``[\\S]``), a region is unknown to phonenumbers,
  or a relational keyword names a field its object does not declare.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

from invoicespec.rules.pointer import format_pointer, parse_pointer
from invoicespec.keywords.registry import REGISTRY, derived
from invoicespec._errors import SchemaError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

# Loading and checking from YAML needs jsonschema, referencing, PyYAML and phonenumbers; they are
# imported there, not here: the compiled catalog needs none of them (a cold start's largest cost).

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # Python 3.10
    from importlib.abc import Traversable

__all__ = [
    "BASE_URI", "DIALECT", "MAX_SCHEMA_DEPTH", "ONE_SCHEMA", "SCHEMA_LISTS", "SCHEMA_MAPS", "Catalog", "Operation",
    "PartSpec",
    "check_schema", "load_catalog", "reachable", "shipped", "subschemas",
]

BASE_URI = "https://schemas.invoicespec.dev/"
DIALECT = BASE_URI + "_common/meta/dialect.yaml"
VOCABULARY = BASE_URI + "_common/meta/vocabulary.yaml"
MANIFEST_SCHEMA = BASE_URI + "_common/meta/operation.yaml"
META_FOLDER = "_common/meta/"
MANIFEST_NAME = "operation.yaml"
#: The deepest a schema document may nest objects and arrays (the shipped ones reach 16). The checks, the
#: compilers and the error reports recurse once or more per level of subschemas, and would end in
#: RecursionError somewhere past 70.
MAX_SCHEMA_DEPTH = 50
# Where draft 2020-12 keeps subschemas: under one keyword, in a list, or in a map of names; every other
# keyword (examples, enum, const, default, the x- vocabulary's arguments...) holds data.
ONE_SCHEMA = frozenset({
    "additionalProperties", "items", "contains", "not", "if", "then", "else", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "contentSchema",
})
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
#: Keywords that only annotate: they never make a value invalid.
ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$comment", "deprecated", "writeOnly"})

#: A schema object as loaded from YAML or JSON: its values are JSON data (hence ``Any``).
Schema = dict[str, Any]
#: Where a subschema sits in its document: the keys and indexes from the document's root.
Location = tuple[str | int, ...]


@dataclass(frozen=True)
class PartSpec:
    """One part of an operation: its name, schema, description and media type."""

    name: str
    schema_uri: str
    description: str
    media_type: str = "application/json"


@dataclass(frozen=True)
class Operation:
    """One API operation, as its ``operation.yaml`` manifest describes it."""

    id: str
    vendor: str
    method: str
    path: str
    summary: str
    docs: tuple[str, ...]
    parts: Mapping[str, PartSpec]
    description: str = ""
    security: str = ""
    server: str = ""


@dataclass(frozen=True)
class Catalog:
    """Every schema document and operation of one schema folder."""

    documents: Mapping[str, Schema]
    operations: Mapping[str, Operation]
    files: Mapping[str, str] = field(default_factory=dict)  # $id -> path relative to the folder
    #: What the fast path derives from the documents (``_fast.derive``), when the catalog comes
    #: from the compiled catalog; None when it was loaded from YAML.
    derived: Mapping[str, Any] | None = None

    @cached_property
    def registry(self) -> Registry:
        """The documents as a ``referencing.Registry`` (built on first need: the fast path has none)."""
        return _registry(self.documents)


def _refuse(uri: str) -> Resource:
    from referencing.exceptions import NoSuchResource

    # referencing declares its attrs classes' __init__ through a private __dataclass_transform__ that mypy
    # does not read, so mypy sees KeyError's constructor.
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def _walk(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if not entry.name.startswith((".", "__")):
                yield from _walk(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".yaml"):
            yield prefix + entry.name, entry


def _read(relative: str, entry: Traversable) -> Any:
    from invoicespec.io.yaml_loader import YAMLError, load_trusted

    try:
        return load_trusted(entry.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as error:
        raise SchemaError(f"{relative}: {error}") from None


def load_catalog(root: Traversable) -> Catalog:
    """Load and check every schema and manifest below ``root``."""
    documents: dict[str, Schema] = {}
    relative_of: dict[str, str] = {}
    manifests: dict[str, Any] = {}
    for relative, entry in _walk(root):
        content = _read(relative, entry)
        _check_shape(content, relative)
        if relative.endswith("/" + MANIFEST_NAME) and not relative.startswith("_common/"):
            manifests[relative] = content
            continue
        expected = BASE_URI + relative
        if not isinstance(content, dict) or content.get("$id") != expected:
            found = content.get("$id") if isinstance(content, dict) else None
            raise SchemaError(f"{relative}: $id must be {expected!r} (mirroring the file's path), not {found!r}")
        documents[expected] = content
        relative_of[expected] = relative

    from jsonschema import Draft202012Validator

    registry = _registry(documents)
    if DIALECT not in documents or MANIFEST_SCHEMA not in documents:
        raise SchemaError(f"{root}: the folder lacks _common/meta/ (the dialect and manifest meta-schemas)")
    dialect = Draft202012Validator(documents[DIALECT], registry=registry)
    for uri, document in documents.items():
        relative = relative_of[uri]
        if relative.startswith(META_FOLDER):
            _check(Draft202012Validator(Draft202012Validator.META_SCHEMA), document, relative)
            continue
        if document.get("$schema") != DIALECT:
            raise SchemaError(f"{relative}: $schema must be {DIALECT!r}")
        _check(dialect, document, relative)
        _check_references(registry, uri, document, relative)
        _check_semantics(document, relative)

    manifest_validator = Draft202012Validator(documents[MANIFEST_SCHEMA], registry=registry)
    operations: dict[str, Operation] = {}
    for relative, manifest in manifests.items():
        _check(manifest_validator, manifest, relative)
        operation = _operation(relative, manifest, documents)
        operations[operation.id] = operation

    catalog = Catalog(
        documents=MappingProxyType(documents),
        operations=MappingProxyType(dict(sorted(operations.items()))),
        files=MappingProxyType(relative_of),
    )
    catalog.__dict__["registry"] = registry  # already built: cached_property's slot
    return catalog


# The dialect extended with registered keywords, per catalog: (the catalog, the dialect, its registry). Built
# once, and again after the registry changes.
_EXTENDED: dict[int, tuple[Catalog, Schema, Registry]] = {}
derived(_EXTENDED.clear)


def _dialect_checker(catalog: Catalog) -> Draft202012Validator:
    """The dialect as a validator: the shipped one, or, when keywords were registered that the shipped
    vocabulary does not define, one that also knows their names and their arguments' schemas."""
    from jsonschema import Draft202012Validator

    vocabulary = catalog.documents[VOCABULARY]
    known = vocabulary.get("properties", {})
    added = {name: keyword for name, keyword in REGISTRY.items() if name not in known}
    if not added:
        return Draft202012Validator(catalog.documents[DIALECT], registry=catalog.registry)
    found = _EXTENDED.get(id(catalog))
    if found is None or found[0] is not catalog:
        from invoicespec.rules.json_data import copy_json  # copies: the shipped documents stay as they are

        dialect = copy_json(catalog.documents[DIALECT])
        dialect["propertyNames"]["enum"] += list(added)
        vocabulary = copy_json(vocabulary)
        vocabulary["properties"].update({name: dict(kw.argument_schema or {}) for name, kw in added.items()})
        documents = {**catalog.documents, DIALECT: dialect, VOCABULARY: vocabulary}
        found = _EXTENDED[id(catalog)] = (catalog, dialect, _registry(documents))
    return Draft202012Validator(found[1], registry=found[2])


def _registry(documents: Mapping[str, Schema]) -> Registry:
    import jsonschema_specifications
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    # Registry's attrs __init__ (retrieve= is its field _retrieve's alias) is unseen by mypy, as in _refuse.
    registry: Registry = Registry(retrieve=_refuse)  # type: ignore[call-arg]
    registry = registry.with_resources(jsonschema_specifications.REGISTRY.items())  # the 2020-12 meta-schemas
    return registry.with_resources(
        (uri, DRAFT202012.create_resource(document)) for uri, document in documents.items()
    ).crawl()


def check_schema(catalog: Catalog, schema: Any, name: str = "(schema)") -> None:
    """Apply the load-time checks to a schema that is not in the folder (raises SchemaError)."""
    if not isinstance(schema, dict):
        raise SchemaError(f"{name}: a schema must be an object")
    _check_shape(schema, name)
    if "$schema" in schema and schema["$schema"] != DIALECT:
        from invoicespec.rules import short

        raise SchemaError(f"{name}: $schema must be {DIALECT!r} (or absent), not {short(schema['$schema'])}")
    _check(_dialect_checker(catalog), schema, name)
    _check_references(catalog.registry, schema.get("$id", BASE_URI), schema, name)
    _check_semantics(schema, name)


def _check_shape(document: Any, relative: str) -> None:
    """JSON data, nested no deeper than :data:`MAX_SCHEMA_DEPTH`: what every recursive check after this needs."""
    from invoicespec.rules.json_data import check_json

    problems = check_json(document, MAX_SCHEMA_DEPTH)
    if problems:
        raise SchemaError(f"{relative}: at {problems[0].path or '(root)'}: {problems[0].message}")


def _check(validator: Draft202012Validator, document: Any, relative: str) -> None:
    error = next(iter(sorted(validator.iter_errors(document), key=lambda e: e.path)), None)
    if error is None:
        return
    where = format_pointer(error.absolute_path) or "(root)"
    message = error.message[:300]
    if "propertyNames" in error.schema_path and isinstance(error.instance, str):
        close = difflib.get_close_matches(error.instance, error.validator_value or [], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        message = f"unknown keyword {error.instance!r}{hint}"
    raise SchemaError(f"{relative}: at {where}: {message}")


def _operation(
    relative: str, manifest: Mapping[str, Any], documents: Mapping[str, Schema],
    uris: Mapping[str, str] | None = None, shown: str | None = None,
) -> Operation:
    """The operation a manifest describes; ``uris`` maps the paths of a folder of one's own to their ``$id``s
    (the shipped ones are ``BASE_URI`` + path), and ``shown`` names the manifest in messages."""
    shown = shown or relative
    folders = relative.split("/")
    if len(folders) != 3:
        raise SchemaError(f"{shown}: a manifest must sit at <api>/<operation>/{MANIFEST_NAME}")
    api, name = folders[0], folders[1]
    parts: dict[str, PartSpec] = {}
    for part_name, spec in manifest["parts"].items():
        path = f"{api}/{name}/{spec['schema']}"
        uri = BASE_URI + path if uris is None else uris.get(path, "")
        if uri not in documents:
            raise SchemaError(f"{shown}: part {part_name!r} names {spec['schema']!r}, which does not exist")
        parts[part_name] = PartSpec(
            name=part_name,
            schema_uri=uri,
            description=spec["description"],
            media_type=spec.get("mediaType", "application/json"),
        )
    return Operation(
        id=f"{api}.{name}",
        vendor=manifest["vendor"],
        method=manifest["method"],
        path=manifest["path"],
        summary=manifest["summary"],
        docs=tuple(manifest.get("docs", ())),
        parts=MappingProxyType(dict(sorted(parts.items(), key=lambda item: part_order(item[0])))),
        description=manifest.get("description", ""),
        security=manifest.get("security", ""),
        server=manifest.get("server", ""),
    )


def part_order(name: str) -> tuple[int, str]:
    """Sort key: request parts first, then responses by status."""
    return ({"request": 0, "request.headers": 1, "request.path": 2}.get(name, 3), name)


def subschemas(schema: Any, pointer: Location = ()) -> Iterator[tuple[Location, Schema]]:
    """Every schema object inside ``schema`` (itself included), with its location."""
    stack: list[tuple[Location, Any]] = [(pointer, schema)]
    while stack:
        where, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield where, node
        for key, value in node.items():
            if key in SCHEMA_MAPS and isinstance(value, dict):
                stack.extend(((*where, key, name), sub) for name, sub in value.items())
            elif key in SCHEMA_LISTS and isinstance(value, list):
                stack.extend(((*where, key, index), sub) for index, sub in enumerate(value))
            elif key in ONE_SCHEMA:
                stack.append(((*where, key), value))


def reachable(roots: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Schema, Any]]:
    """Every schema object below ``roots`` (schema, resolver pairs), each once, following ``$ref``;
    each comes with the resolver in force where it sits (for its own relative references)."""
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        schema, resolver = stack.pop()
        if not isinstance(schema, dict) or id(schema) in seen:
            continue
        seen.add(id(schema))
        yield schema, resolver
        if isinstance(schema.get("$ref"), str):
            resolved = resolver.lookup(schema["$ref"])
            stack.append((resolved.contents, resolved.resolver))
        for key, item in schema.items():
            if key in SCHEMA_MAPS and isinstance(item, dict):
                stack.extend((sub, resolver) for sub in item.values())
            elif key in SCHEMA_LISTS and isinstance(item, list):
                stack.extend((sub, resolver) for sub in item)
            elif key in ONE_SCHEMA:
                stack.append((item, resolver))


def _check_references(registry: Registry, uri: str, document: Schema, relative: str) -> None:
    from referencing.exceptions import Unresolvable

    resolver = registry.resolver(base_uri=uri)
    for where, node in subschemas(document):
        for keyword in ("$ref", "$dynamicRef"):
            ref = node.get(keyword)
            if not isinstance(ref, str):
                continue
            try:
                resolver.lookup(ref)
            except Unresolvable:
                raise SchemaError(
                    f"{relative}: at {format_pointer(where) or '(root)'}: {keyword} {ref!r} does not lead to a "
                    "shipped schema or a file of the loaded folders (nothing else is ever retrieved)"
                ) from None


def _check_semantics(document: Schema, relative: str) -> None:
    def fail(where: Location, message: str) -> NoReturn:
        raise SchemaError(f"{relative}: at {format_pointer(where) or '(root)'}: {message}")

    from invoicespec.rules.ecma import PatternError
    from invoicespec.keywords.standard import compile_pattern

    for where, node in subschemas(document):
        patterns = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        patterns += list(node.get("patternProperties", {}))
        for pattern in patterns:
            try:
                compile_pattern(pattern)
            except PatternError as error:
                fail(where, f"pattern {pattern!r} is not portable: {error}")
            except Exception as error:  # re2.error derives from Exception only
                reason = error.args[0] if error.args else error
                if isinstance(reason, bytes):
                    reason = reason.decode("utf-8", "replace")
                fail(where, f"pattern {pattern!r} does not compile with RE2: {reason}")
        declared = node.get("properties")
        items = node.get("items")
        item_fields = items.get("properties") if isinstance(items, dict) else None
        pointers: list[str] = []
        item_pointers: list[str] = []
        for keyword in REGISTRY.values():
            if keyword.name not in node:
                continue
            argument = node[keyword.name]
            for problem in keyword.argument_problems(argument, node) if keyword.argument_problems else ():
                fail(where, f"{keyword.name}: {problem}")
            if keyword.object_pointers:
                pointers += keyword.object_pointers(argument)
            if keyword.item_pointers:
                item_pointers += keyword.item_pointers(argument)
        _check_declared(where, pointers, declared, fail)
        _check_declared(where, item_pointers, item_fields, fail)


def _check_declared(
    where: Location, pointers: list[str], declared: Any, fail: Callable[[Location, str], NoReturn],
) -> None:
    """Each pointer's first field is declared (when the schema declares its fields in place)."""
    if not isinstance(declared, dict):
        return
    for pointer in pointers:
        head = parse_pointer(pointer)[0]
        if head not in declared:
            fail(where, f"{pointer!r} names the field {head!r}, which this object does not declare")


# -- the compiled catalog -------------------------------------------------------------------------
#
# Reading 70 YAML files and checking each against the dialect takes most of a second. The
# package therefore ships ``compiled-catalog.json``: the documents as loaded, the manifests,
# and what the fast path derives from them, stamped with a digest of every schema file. It is
# used only when the digest matches the files (an edited schema is loaded and checked from
# YAML, as before). ``python3 tools/compile_catalog.py`` writes it after a full check, and a
# test fails while it is stale.

COMPILED_NAME = "compiled-catalog.json"
COMPILED_FORMAT = 1


def digest(root: Traversable) -> str:
    """A SHA-256 of every schema file's relative path and bytes."""
    hasher = hashlib.sha256()
    for relative, entry in _walk(root):
        data = entry.read_bytes()
        hasher.update(f"{relative}\0{len(data)}\0".encode())
        hasher.update(data)
    return hasher.hexdigest()


def compiled(root: Traversable, derive: Callable[[Catalog], dict[str, Any]]) -> dict[str, Any]:
    """The compiled catalog of ``root`` as JSON data: loaded and checked in full here, plus
    ``derive(catalog)`` (what the fast path works out from the documents)."""
    catalog = load_catalog(root)
    return {
        "format": COMPILED_FORMAT,
        "digest": digest(root),
        "documents": dict(catalog.documents),
        "files": dict(catalog.files),
        "manifests": {relative: _read(relative, entry) for relative, entry in _walk(root)
                      if relative.endswith("/" + MANIFEST_NAME) and not relative.startswith("_common/")},
        "derived": derive(catalog),
    }


def _from_compiled(data: dict[str, Any]) -> Catalog:
    documents = data["documents"]
    operations: dict[str, Operation] = {}
    for relative, manifest in data["manifests"].items():
        operation = _operation(relative, manifest, documents)
        operations[operation.id] = operation
    return Catalog(
        documents=MappingProxyType(documents),
        operations=MappingProxyType(dict(sorted(operations.items()))),
        files=MappingProxyType(data["files"]),
        derived=MappingProxyType(data["derived"]),
    )


def _read_compiled(root: Traversable, package: Traversable) -> Catalog | None:
    entry = package / COMPILED_NAME
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != COMPILED_FORMAT or data.get("digest") != digest(root):
        return None
    return _from_compiled(data)


@lru_cache(maxsize=1)
def shipped() -> Catalog:
    """The catalog of the schemas that ship with the library (loaded on first use).

    From the compiled catalog when it matches the schema files, else loaded and checked from YAML.
    """
    package = files("invoicespec")
    return _read_compiled(package / "schemas", package) or load_catalog(package / "schemas")

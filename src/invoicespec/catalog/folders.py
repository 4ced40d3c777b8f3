"""Contract folders of one's own -> one catalog with the shipped documents, checked like ``schemas/``.

A folder is laid out like ``schemas/``: ``<api>/<operation>/operation.yaml`` and one YAML file per part, plus any
shared files anywhere in it. Every problem is collected with its file (as the folder was named, then the path in
it) and its JSON Pointer; :func:`load_folders` raises the first as a :class:`~invoicespec.SchemaError`, and
``invoicespec lint`` prints them all.

A document keeps its own absolute ``$id`` (any base URI) or gets its file's ``file:`` URI, so relative ``$ref``
between the files of a folder resolve as paths do. The shipped documents are always there to ``$ref`` (by their
``https://schemas.invoicespec.dev/...`` ids); nothing else is ever retrieved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from invoicespec._errors import SchemaError
from invoicespec.catalog.load import (
    BASE_URI, DIALECT, MANIFEST_NAME, MANIFEST_SCHEMA, Catalog, Operation, _check, _check_references, _check_shape,
    _check_semantics, _dialect_checker, _operation, _registry, _walk, shipped,
)

__all__ = ["DRAFT_2020_12", "Loaded", "load_folders"]

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_SCHEMAS = (DIALECT, DRAFT_2020_12)


@dataclass
class Loaded:
    """What loading contract folders gave: the catalog (None when a problem stopped it) and every problem."""

    catalog: Catalog | None
    problems: list[str] = field(default_factory=list)


def _read(shown: str, path: Path) -> Any:
    from invoicespec.io.yaml_loader import YAMLError, load_untrusted

    try:
        return load_untrusted(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as error:  # depth and aliases are bounded there
        raise SchemaError(f"{shown}: {error}") from None


def _own_id(shown: str, document: dict[str, Any], path: Path) -> str:
    """The document's ``$id``: its own when it has one (absolute), else its file's URI."""
    given = document.get("$id")
    if given is None:
        return path.resolve().as_uri()
    if not isinstance(given, str) or not urlsplit(given).scheme or "#" in given:
        raise SchemaError(f"{shown}: at /$id: {given!r} is not an absolute URI without a fragment (leave $id out "
                          "and the file's path gives one)")
    if given.startswith(BASE_URI):
        raise SchemaError(f"{shown}: at /$id: {given!r} lies under {BASE_URI}, which is the shipped schemas' "
                          "(use a base URI of your own, or leave $id out)")
    return given


def _check_dialect_name(shown: str, document: dict[str, Any]) -> None:
    declared = document.get("$schema", DIALECT)
    if declared not in _SCHEMAS:
        raise SchemaError(f"{shown}: at /$schema: {declared!r} is not a dialect invoicespec reads: use {DIALECT!r} "
                          f"(or {DRAFT_2020_12!r}; either way the document is checked against the invoicespec dialect)")


def _relaxed_manifest_schema(documents: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest meta-schema with ``docs`` optional (a user's operation need not cite public pages)."""
    schema = dict(documents[MANIFEST_SCHEMA])
    schema["required"] = [name for name in schema["required"] if name != "docs"]
    return schema


def load_folders(folders: Iterable[str | Path], *, with_shipped_operations: bool = True) -> Loaded:
    """Load and check the contract folders, on top of the shipped documents (and operations, unless told not)."""
    from jsonschema import Draft202012Validator

    base = shipped()
    loaded = Loaded(None)
    documents: dict[str, dict[str, Any]] = {}
    shown_of: dict[str, str] = {}  # $id -> the file as named to the user
    uri_of: dict[tuple[int, str], str] = {}  # (folder index, path in the folder) -> $id
    relative_of: dict[str, str] = {}  # $id -> path in its folder (docs and OpenAPI component names)
    manifests: list[tuple[int, str, str, Any]] = []  # folder index, relative path, shown file, manifest
    refused: set[tuple[int, str]] = set()  # files already reported: a manifest naming one adds no problem
    roots = [Path(folder) for folder in folders]
    for index, root in enumerate(roots):
        if not root.is_dir():
            loaded.problems.append(f"{root}: not a folder of contracts")
            continue
        for relative, entry in _walk(root):
            shown = str(root / relative)
            try:
                content = _read(shown, Path(str(entry)))
                if relative.endswith("/" + MANIFEST_NAME) or relative == MANIFEST_NAME:
                    manifests.append((index, relative, shown, content))
                    continue
                if not isinstance(content, dict):
                    raise SchemaError(f"{shown}: a schema document must be an object, not {type(content).__name__}")
                _check_shape(content, shown)
                _check_dialect_name(shown, content)
                uri = _own_id(shown, content, Path(str(entry)))
                if uri in documents:
                    raise SchemaError(f"{shown}: $id {uri!r} is already the $id of {shown_of[uri]}")
            except SchemaError as error:
                loaded.problems.append(str(error))
                refused.add((index, relative))
                continue
            documents[uri] = {**content, "$id": uri}
            shown_of[uri] = shown
            uri_of[(index, relative)] = uri
            relative_of[uri] = relative
    all_documents = {**base.documents, **documents}
    catalog = Catalog(documents=MappingProxyType(all_documents), operations=MappingProxyType({}))
    catalog.__dict__["registry"] = _registry(all_documents)  # cached_property's slot
    dialect = _dialect_checker(catalog)
    for uri, document in documents.items():
        shown = shown_of[uri]
        try:  # the first problem of each file: the later checks assume the earlier passed
            _check(dialect, document, shown)
            _check_references(catalog.registry, uri, document, shown)
            _check_semantics(document, shown)
        except SchemaError as error:
            loaded.problems.append(str(error))

    manifest_checker = Draft202012Validator(_relaxed_manifest_schema(all_documents), registry=catalog.registry)
    operations: dict[str, Operation] = dict(base.operations) if with_shipped_operations else {}
    defined_in = {operation: f"the shipped schemas ({operation.replace('.', '/')}/{MANIFEST_NAME})"
                  for operation in operations}
    for index, relative, shown, manifest in manifests:
        try:
            _check(manifest_checker, manifest, shown)
            folder_of = relative.rpartition("/")[0]
            if any((index, f"{folder_of}/{spec['schema']}") in refused for spec in manifest["parts"].values()):
                continue
            uris = {path: uri for (folder, path), uri in uri_of.items() if folder == index}
            operation = _operation(relative, manifest, all_documents, uris=uris, shown=shown)
            if operation.id in defined_in:
                raise SchemaError(f"{shown}: the operation {operation.id!r} is already defined by "
                                  f"{defined_in[operation.id]}")
        except SchemaError as error:
            loaded.problems.append(str(error))
            continue
        operations[operation.id] = operation
        defined_in[operation.id] = shown
    if loaded.problems:
        return loaded
    loaded.catalog = Catalog(
        documents=MappingProxyType(all_documents),
        operations=MappingProxyType(dict(sorted(operations.items()))),
        files=MappingProxyType({**base.files, **relative_of}),
    )
    loaded.catalog.__dict__["registry"] = catalog.registry
    return loaded


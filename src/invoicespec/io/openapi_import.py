"""An OpenAPI 3.0 or 3.1 operation -> a contract folder to start from (``invoicespec import-openapi``).

The folder holds ``operation.yaml`` and one schema per part: the body, the headers, the path parameters and every
response. Component ``$ref``s (``#/components/schemas/Name``) become local ``$defs`` of each part that reaches them;
keywords the invoicespec dialect does not know (OpenAPI's ``nullable``, ``discriminator``, ``example``, vendors'
``x-`` extensions) are turned into their draft 2020-12 form where there is one and dropped otherwise, each noted.
What OpenAPI keeps outside the schemas is rebuilt as headers: a bearer security scheme as ``authorization``, the
request body's media type as ``content-type``. Rules only prose states cannot be imported: write them in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from invoicespec._errors import SchemaError
from invoicespec.catalog.load import DIALECT, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS, shipped
from invoicespec.rules.pointer import format_pointer

__all__ = ["import_operation", "read_openapi"]

_COMPONENT = "#/components/schemas/"
_BEARER_PATTERN = "^Bearer [A-Za-z0-9\\-._~+/]+=*$"  # RFC 6750 token characters
_METHODS = ("get", "put", "post", "delete", "patch")


def read_openapi(path: Path) -> dict[str, Any]:
    """An OpenAPI document from a JSON or YAML file; SchemaError when it is neither, or not OpenAPI 3."""
    from invoicespec.io.yaml_loader import YAMLError, load_untrusted

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SchemaError(f"{path}: cannot be read: {error}") from None
    try:
        document = json.loads(text) if text.lstrip().startswith("{") else load_untrusted(text)
    except (ValueError, YAMLError) as error:
        raise SchemaError(f"{path}: neither JSON nor YAML: {error}") from None
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise SchemaError(f"{path}: not an OpenAPI 3.0 or 3.1 document (no `openapi: 3.x`)")
    return document


def _known_keywords() -> set[str]:
    from invoicespec.keywords.registry import REGISTRY

    return set(shipped().documents[DIALECT]["propertyNames"]["enum"]) | set(REGISTRY)


class _Converter:
    """OpenAPI schemas -> dialect schemas, collecting the components they reach and what was changed."""

    def __init__(self, document: Mapping[str, Any], openapi_30: bool) -> None:
        self.components: Mapping[str, Any] = document.get("components", {}).get("schemas", {})
        self.openapi_30 = openapi_30
        self.known = _known_keywords()
        self.notes: dict[str, None] = {}  # ordered, once each

    def part(self, schema: Any, title: str, description: str) -> dict[str, Any]:
        names: set[str] = set()
        body = self.convert(schema, names)
        reached: dict[str, Any] = {}
        pending = sorted(names)
        while pending:  # the components the part reaches, through one another, once each
            name = pending.pop()
            if name in reached:
                continue
            if name not in self.components:
                raise SchemaError(f"$ref {_COMPONENT}{name} names no component")
            more: set[str] = set()
            reached[name] = self.convert(self.components[name], more)
            pending.extend(more - set(reached))
        document: dict[str, Any] = {"$schema": DIALECT, "title": title, "description": description or title}
        document.update(body if isinstance(body, dict) else {"allOf": [body]})
        if reached:
            document["$defs"] = {**document.get("$defs", {}), **dict(sorted(reached.items()))}
        return document

    def convert(self, schema: Any, reached: set[str], where: tuple[str | int, ...] = ()) -> Any:
        if not isinstance(schema, dict):
            return schema
        result: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                if not value.startswith(_COMPONENT):
                    raise SchemaError(f"at {format_pointer(where) or '(root)'}: $ref {value!r}: only "
                                      f"{_COMPONENT}... references can be imported")
                name, _, rest = value[len(_COMPONENT):].partition("/")
                reached.add(name)
                result["$ref"] = "#/$defs/" + name + ("/" + rest if rest else "")
            elif key in SCHEMA_MAPS and isinstance(value, dict):
                result[key] = {name: self.convert(sub, reached, (*where, key, name)) for name, sub in value.items()}
            elif key in SCHEMA_LISTS and isinstance(value, list):
                result[key] = [self.convert(sub, reached, (*where, key, index)) for index, sub in enumerate(value)]
            elif key in ONE_SCHEMA:
                result[key] = self.convert(value, reached, (*where, key))
            elif key == "example":
                result.setdefault("examples", [value])
            elif key == "nullable" and self.openapi_30:
                continue  # below, with type
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if value and bound in schema:
                    result[key] = schema[bound]
                    self.notes["OpenAPI 3.0's boolean exclusiveMinimum/Maximum became draft 2020-12 bounds"] = None
            elif key in ("minimum", "maximum") and schema.get("exclusive" + key.capitalize()) is True:
                continue
            elif key in self.known:
                result[key] = value
            else:
                self.notes[f"dropped `{key}`, which the invoicespec dialect does not know"] = None
        if self.openapi_30 and schema.get("nullable") is True:
            if isinstance(result.get("type"), str):
                result["type"] = [result["type"], "null"]
            elif "enum" in result and None not in result["enum"]:
                result["enum"] = [*result["enum"], None]
        return result


def _resolve(document: Mapping[str, Any], item: Any) -> Any:
    """A parameter, request body or response object, its ``$ref`` to ``#/components/...`` followed."""
    seen = 0
    while isinstance(item, dict) and isinstance(item.get("$ref"), str) and seen < 20:
        pieces = item["$ref"].removeprefix("#/").split("/")
        found: Any = document
        for piece in pieces:
            found = found.get(piece.replace("~1", "/").replace("~0", "~")) if isinstance(found, dict) else None
        item, seen = found, seen + 1
    return item


def _find(document: Mapping[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    known = []
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict):
                known.append(str(operation.get("operationId")))
                if operation.get("operationId") == operation_id:
                    return path, method, item, operation
    raise SchemaError(f"no operation has the operationId {operation_id!r}: the document has {', '.join(known)}")


def _media(content: Mapping[str, Any]) -> tuple[str, Any]:
    for media_type in ("application/json", "text/plain"):
        if media_type in content:
            return media_type, content[media_type].get("schema", {})
    for media_type, value in content.items():
        if media_type.endswith("+json"):
            return "application/json", value.get("schema", {})
    return "application/json", {}


def import_operation(document: Mapping[str, Any], operation_id: str) -> tuple[dict[str, Any], dict[str, Any],
                                                                             list[str]]:
    """The manifest, the part documents by file name, and notes on what could not be carried over."""
    path, method, item, operation = _find(document, operation_id)
    converter = _Converter(document, str(document["openapi"]).startswith("3.0"))
    summary = operation.get("summary") or operation_id
    manifest: dict[str, Any] = {
        "vendor": document.get("info", {}).get("title", "the vendor"),
        "method": method.upper(),
        "path": path,
        "summary": summary,
    }
    servers = operation.get("servers") or item.get("servers") or document.get("servers") or []
    if servers and isinstance(servers[0], dict) and servers[0].get("url"):
        manifest["server"] = servers[0]["url"]
    if operation.get("description"):
        manifest["description"] = operation["description"]
    if isinstance(operation.get("externalDocs"), dict) and operation["externalDocs"].get("url"):
        manifest["docs"] = [operation["externalDocs"]["url"]]
    parts: dict[str, dict[str, Any]] = {}
    files: dict[str, Any] = {}

    def add(part: str, schema: Any, description: str, media_type: str = "application/json") -> None:
        name = f"{part}.yaml"
        files[name] = converter.part(schema, f"{summary} — {part}", description)
        parts[part] = {"schema": name, "description": description or part}
        if media_type != "application/json":
            parts[part]["mediaType"] = media_type

    body = _resolve(document, operation.get("requestBody"))
    body_media = None
    if isinstance(body, dict):
        body_media, schema = _media(body.get("content", {}))
        add("request", schema, body.get("description", "The request body."), body_media)

    parameters = [_resolve(document, p) for p in [*item.get("parameters", []), *operation.get("parameters", [])]]
    by_place: dict[str, dict[str, Any]] = {"header": {}, "path": {}}
    required: dict[str, list[str]] = {"header": [], "path": []}
    for parameter in parameters:
        if not isinstance(parameter, dict) or parameter.get("in") not in by_place:
            continue
        place = parameter["in"]
        name = parameter["name"].lower() if place == "header" else parameter["name"]
        schema = dict(parameter.get("schema", {}))
        target = _resolve(document, schema)
        if place == "path" and "type" not in schema and isinstance(target, dict) and "type" in target:
            schema["type"] = target["type"]  # path text is read as the declared type: declared here, not behind $ref
        by_place[place][name] = {**({"description": parameter["description"]} if parameter.get("description")
                                    else {}), **schema}
        if parameter.get("required") or place == "path":
            required[place].append(name)
    security = operation.get("security", document.get("security", []))
    schemes = document.get("components", {}).get("securitySchemes", {})
    bearer = [name for requirement in security for name in requirement
              if _resolve(document, schemes.get(name, {})).get("scheme", "").lower() == "bearer"]
    if bearer:
        by_place["header"]["authorization"] = {"description": "`Bearer ` and the token.", "type": "string",
                                               "pattern": _BEARER_PATTERN}
        if {} not in security:
            required["header"].append("authorization")
    if body_media is not None:
        by_place["header"]["content-type"] = {"description": f"`{body_media}`, optionally with parameters.",
                                              "type": "string", "pattern": f"(?i)^{re.escape(body_media)}[ \\t]*(;.*)?$"}
        if body.get("required"):
            required["header"].append("content-type")
    if by_place["header"]:
        add("request.headers", {"type": "object", "required": sorted(set(required["header"])),
                                "properties": dict(sorted(by_place["header"].items())),
                                "additionalProperties": {"type": "string"}},
            "The headers (names in lower case; matched case-insensitively).")
    if by_place["path"]:
        add("request.path", {"type": "object", "required": sorted(set(required["path"])),
                             "properties": by_place["path"], "additionalProperties": False},
            "The path parameters.")
    for status, response in operation.get("responses", {}).items():
        response = _resolve(document, response)
        status = str(status).upper()
        if not re.fullmatch(r"[1-5]([0-9][0-9]|XX)", status) or not isinstance(response, dict):
            converter.notes[f"response {status!r} skipped: only statuses and status classes are parts"] = None
            continue
        media_type, schema = _media(response.get("content", {}))
        add(f"response.{status}", schema, response.get("description", ""), media_type)
    manifest["parts"] = parts
    notes = list(converter.notes)
    notes.append("rules stated only in descriptions are not imported: add them as x- keywords")
    return manifest, files, notes


def write_operation(folder: Path, manifest: Mapping[str, Any], files: Mapping[str, Any]) -> list[Path]:
    """Write the manifest and the part files into ``folder`` (created); refuses to overwrite a manifest."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "operation.yaml").exists():
        raise SchemaError(f"{folder / 'operation.yaml'} exists: import into a new folder")
    written = []
    for name, content in {"operation.yaml": manifest, **files}.items():
        target = folder / name
        target.write_text(yaml.safe_dump(dict(content), sort_keys=False, allow_unicode=True, width=110),
                          encoding="utf-8")
        written.append(target)
    return written

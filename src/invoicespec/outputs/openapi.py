"""One OpenAPI 3.1 document for every shipped operation, built from the schemas.

Every shipped schema document (the meta-schemas of ``_common/meta/`` aside) goes
under ``components/schemas`` with a name taken from its path
(``getbill/create_debt/request.yaml`` is ``getbill.create_debt.request``), its
``$schema`` and ``$id`` dropped and every ``$ref`` rewritten to
``#/components/schemas/<name>`` plus the reference's JSON Pointer fragment, so that
references resolve inside the one document and standard tools need nothing else.

The library's own keywords stay as they are (OpenAPI 3.1 allows ``x-`` extensions
in schemas) and are *lowered*: where standard JSON Schema can say the same thing
(a digit limit on strings, the character shape of a phone number or an IBAN, "one
of these fields is required") the equivalent standard keywords are added; where it
cannot (date order, unique keys, checksums), the rule is spelt out in the schema's
``description``. A lowering never refuses a value the library accepts: it is the
rule itself or a necessary condition of it, and the description says which. Each
keyword's lowering lives in its own module (``Keyword.openapi_lower``); this module
applies them, in the registry's order, and lowers the non-standard formats.

The document is deterministic (built in sorted order, no timestamps), so the
committed ``docs/openapi.json`` can be compared with a fresh render.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, overload
from urllib.parse import urldefrag, urljoin

from invoicespec.catalog.load import META_FOLDER, ONE_SCHEMA, SCHEMA_LISTS, SCHEMA_MAPS, Catalog, Operation, shipped
from invoicespec._errors import SchemaError
from invoicespec.keywords import registry
from invoicespec.rules.pointer import format_pointer, parse_pointer

if TYPE_CHECKING:
    from invoicespec._contracts import Catalog as PublicCatalog
    from invoicespec.catalog.load import Schema

__all__ = [
    "OPENAPI_VERSION",
    "component_name",
    "lower_format",
    "lower_schema",
    "may_be",
    "openapi_document",
    "shown_field",
    "shown_fields",
    "with_constraint",
    "with_note",
]

OPENAPI_VERSION = "3.1.0"
JSON_SCHEMA_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
TITLE = "invoicespec: five receivables APIs"
COMPONENTS = "#/components/schemas/"

# Header parameters with these names are ignored by OpenAPI ("SHALL be ignored"): the
# information lives in the security scheme, the request body's and the responses' media types.
_IGNORED_HEADERS = frozenset({"authorization", "content-type", "accept"})
_BEARER = "^Bearer "


# -- the formats' lowering -----------------------------------------------------------------------------

_DATE_TIME = (
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,9})?"
)
_OFFSET = r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
#: The invoicespec formats that are not standard, as patterns of their shape (the calendar aside).
FORMAT_PATTERNS = {
    "local-date-time": f"^{_DATE_TIME}$",
    "date-time-optional-offset": f"^{_DATE_TIME}{_OFFSET}?$",
}
_FORMAT_WORDS = {
    "local-date-time": "a date-time without an offset, `YYYY-MM-DDTHH:MM:SS[.fffffffff]` (such as "
                       "`2024-01-31T09:30:00`)",
    "date-time-optional-offset": "a date-time `YYYY-MM-DDTHH:MM:SS[.fffffffff]`, optionally followed by `Z` or "
                                 "`±HH:MM` (such as `2024-01-31T09:30:00` or `2024-01-31T09:30:00+01:00`)",
}


# -- the edits a lowering is made of ------------------------------------------------------------------
#
# Each keyword's module holds its own lowering (``Keyword.openapi_lower``) and imports these when it runs,
# so that the registry stays light to import and every lowering speaks the same way.


def with_note(schema: Schema, note: str) -> Schema:
    """``schema`` with ``note`` appended to its description (as a new paragraph)."""
    result = dict(schema)
    current = result.get("description")
    result["description"] = f"{current}\n\n{note}" if current else note
    return result


def with_constraint(schema: Schema, key: str, value: Any) -> Schema:
    """``schema`` with one more standard constraint; an existing one of the same keyword is kept.

    Bounds keep the tighter of the two; any other keyword already present is joined
    through ``allOf``, so both apply (one object cannot hold two ``pattern``\\ s).
    """
    result = dict(schema)
    if key not in result:
        result[key] = value
    elif key in ("maxLength", "exclusiveMaximum", "maximum"):
        result[key] = min(result[key], value)
    elif key in ("minLength", "exclusiveMinimum", "minimum"):
        result[key] = max(result[key], value)
    elif result[key] != value:
        result["allOf"] = [*result.get("allOf", []), {key: value}]
    return result


def may_be(schema: Schema, json_type: str) -> bool:
    """Whether ``schema``'s own ``type`` lets a value of ``json_type`` through (no ``type``: yes)."""
    declared = schema.get("type")
    if declared is None:
        return True
    types = {declared} if isinstance(declared, str) else set(declared)
    if json_type == "number":
        return bool(types & {"number", "integer"})
    return json_type in types


def shown_field(pointer: str) -> str:
    """A relative JSON Pointer as people read it: ``/taxLocation/country`` is `taxLocation/country`."""
    return "`" + "/".join(parse_pointer(pointer)) + "`"


def shown_fields(pointers: list[str]) -> str:
    labels = [shown_field(p) for p in pointers]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


# -- the lowerings ----------------------------------------------------------------------------------


def lower_format(schema: Schema) -> Schema:
    """A non-standard ``format`` -> a ``pattern`` of its shape and a description; standard ones stay as they are."""
    name = schema.get("format")
    if name not in FORMAT_PATTERNS:
        return schema
    result = with_constraint(dict(schema), "pattern", FORMAT_PATTERNS[name])
    return with_note(result, (
        f"Format `{name}` (an invoicespec format, not a standard one): {_FORMAT_WORDS[name]}. The `pattern` checks "
        "the shape; invoicespec also checks that the date is a real calendar date."
    ))


def lower_schema(schema: Schema) -> Schema:
    """Apply every lowering that applies to one schema object (not to its subschemas).

    Keywords are lowered in the registry's order (their notes join the description in that order), read at
    each call so that a keyword registered at run time is lowered too.
    """
    for keyword in registry.REGISTRY.values():
        if keyword.openapi_lower is not None and keyword.name in schema:
            schema = keyword.openapi_lower(schema)
    return lower_format(schema)


# -- components ---------------------------------------------------------------------------------------


def component_name(relative: str) -> str:
    """The component name of a schema file: ``_common/currency.yaml`` is ``_common.currency``."""
    return relative.removesuffix(".yaml").replace("/", ".")


@overload
def _map_schema(schema: Schema, change: Callable[[Schema], Schema]) -> Schema: ...
@overload
def _map_schema(schema: bool, change: Callable[[Schema], Schema]) -> bool: ...


def _map_schema(schema: Schema | bool, change: Callable[[Schema], Schema]) -> Schema | bool:
    """A copy of ``schema`` with ``change`` applied to every schema object, innermost first."""
    if not isinstance(schema, dict):
        return schema  # a boolean schema
    result: Schema = {}
    for key, value in schema.items():
        if key in ONE_SCHEMA:
            result[key] = _map_schema(value, change)
        elif key in SCHEMA_LISTS:
            result[key] = [_map_schema(item, change) for item in value]
        elif key in SCHEMA_MAPS:
            result[key] = {name: _map_schema(item, change) for name, item in value.items()}
        else:
            result[key] = value
    return change(result)


def _component_ref(ref: str, base: str, names: Mapping[str, str]) -> str:
    target, fragment = urldefrag(urljoin(base, ref))
    if target not in names:
        raise SchemaError(f"{base}: $ref {ref!r} leads to {target!r}, which is not a schema component")
    if fragment and not fragment.startswith("/"):
        raise SchemaError(f"{base}: $ref {ref!r} uses an anchor, which the OpenAPI export cannot rewrite")
    return COMPONENTS + names[target] + fragment


def _component(uri: str, document: Schema, names: Mapping[str, str]) -> Schema:
    def change(node: Schema) -> Schema:
        if isinstance(node.get("$ref"), str):
            node = {**node, "$ref": _component_ref(node["$ref"], uri, names)}
        return lower_schema(node)

    # $id would make the rewritten refs resolve against the vendor-neutral schema URL, and
    # $schema names a dialect that standard tools do not know: both go.
    body = {key: value for key, value in document.items() if key not in ("$schema", "$id")}
    return _map_schema(body, change)


def _components(catalog: Catalog) -> tuple[dict[str, Schema], dict[str, str]]:
    names: dict[str, str] = {}
    for uri, relative in sorted(catalog.files.items(), key=lambda item: item[1]):
        if relative.startswith(META_FOLDER):
            continue  # the meta-schemas describe schemas and manifests, not payloads
        name = component_name(relative)
        if name in names.values():
            raise SchemaError(f"{relative}: two schema files share the component name {name!r}")
        names[uri] = name
    schemas = {names[uri]: _component(uri, catalog.documents[uri], names) for uri in names}
    return dict(sorted(schemas.items())), names


# -- operations ---------------------------------------------------------------------------------------


def _part_ref(names: Mapping[str, str], operation: Operation, part: str, *pointer: str) -> str:
    return COMPONENTS + names[operation.parts[part].schema_uri] + format_pointer(pointer)


def _header_spellings(document: Schema) -> dict[str, str]:
    """Lower-case header name -> its spelling in the schema's first example that has it (the vendor's)."""
    spellings: dict[str, str] = {}
    for example in document.get("examples", []):
        if isinstance(example, dict):
            for name in example:
                spellings.setdefault(name.lower(), name)
    return spellings


def _object_fields(operation: Operation, part: str, document: Schema) -> tuple[dict[str, Any], list[str]]:
    properties = document.get("properties")
    if not isinstance(properties, dict):
        raise SchemaError(f"{operation.id}: part {part!r} must declare its fields in a top-level `properties`")
    return properties, list(document.get("required", []))


def _bearer_scheme(operation: Operation, headers: Schema | None) -> bool:
    if headers is None:
        return False
    authorization = headers.get("properties", {}).get("authorization", {})
    return str(authorization.get("pattern", "")).startswith(_BEARER)


def _parameters(operation: Operation, catalog: Catalog, names: Mapping[str, str]) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    if "request.headers" in operation.parts:
        document = catalog.documents[operation.parts["request.headers"].schema_uri]
        properties, required = _object_fields(operation, "request.headers", document)
        spellings = _header_spellings(document)
        for name in sorted(properties):
            if name in _IGNORED_HEADERS:
                continue
            spelling = spellings.get(name, "-".join(word.capitalize() for word in name.split("-")))
            parameters.append({
                "name": spelling,
                "in": "header",
                "required": name in required,
                "description": properties[name].get("description", ""),
                "schema": {"$ref": _part_ref(names, operation, "request.headers", "properties", name)},
            })
    declared = set(re.findall(r"\{([^{}]+)\}", operation.path))
    if "request.path" in operation.parts:
        document = catalog.documents[operation.parts["request.path"].schema_uri]
        properties, _ = _object_fields(operation, "request.path", document)
        if set(properties) != declared:
            raise SchemaError(f"{operation.id}: the path {operation.path!r} names {sorted(declared)}, but "
                              f"request.path declares {sorted(properties)}")
        for name in sorted(properties):
            parameters.append({
                "name": name,
                "in": "path",
                "required": True,
                "description": properties[name].get("description", ""),
                "schema": {"$ref": _part_ref(names, operation, "request.path", "properties", name)},
            })
    elif declared:
        raise SchemaError(f"{operation.id}: the path {operation.path!r} has parameters but no request.path part")
    return parameters


def _headers_note(operation: Operation, catalog: Catalog, names: Mapping[str, str], bearer: bool) -> str:
    if "request.headers" not in operation.parts:
        return ""
    document = catalog.documents[operation.parts["request.headers"].schema_uri]
    properties, _ = _object_fields(operation, "request.headers", document)
    said = []
    if bearer:
        said.append("`Authorization` is the bearer security scheme")
    if "content-type" in properties:
        said.append("`Content-Type` is the request body's media type")
    if "accept" in properties:
        said.append("`Accept` is the responses' media types")
    if not said:
        return ""
    return (
        "Headers: " + ", ".join(said) + " (OpenAPI ignores header parameters named `Authorization`, "
        "`Content-Type` or `Accept`); the other headers of the contract are listed as parameters. Header names "
        "match case-insensitively, other headers are allowed, and every header value is a string. The full "
        "header rules are the schema "
        f"`{names[operation.parts['request.headers'].schema_uri]}`."
    )


def _description(operation: Operation, catalog: Catalog, names: Mapping[str, str], bearer: bool) -> str:
    paragraphs = [operation.description] if operation.description else []
    if operation.security:
        paragraphs.append(f"Authentication: {operation.security}")
    note = _headers_note(operation, catalog, names, bearer)
    if note:
        paragraphs.append(note)
    if operation.docs:  # optional in a manifest of one's own
        paragraphs.append("Sources: " + ", ".join(operation.docs) + ".")
    return "\n\n".join(paragraphs)


def _operation(
    operation: Operation, catalog: Catalog, names: Mapping[str, str],
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The operation object and the security schemes it needs."""
    headers = (catalog.documents[operation.parts["request.headers"].schema_uri]
               if "request.headers" in operation.parts else None)
    bearer = _bearer_scheme(operation, headers)
    result: dict[str, Any] = {
        "operationId": operation.id,
        "summary": operation.summary,
        "description": _description(operation, catalog, names, bearer),
        "tags": [operation.id.split(".")[0]],
    }
    if operation.docs:  # optional in a manifest of one's own
        result["externalDocs"] = {"description": "The vendor's reference page", "url": operation.docs[0]}
    parameters = _parameters(operation, catalog, names)
    if parameters:
        result["parameters"] = parameters
    if "request" in operation.parts:
        spec = operation.parts["request"]
        result["requestBody"] = {
            "description": spec.description,
            "required": True,
            "content": {spec.media_type: {"schema": {"$ref": _part_ref(names, operation, "request")}}},
        }
    responses: dict[str, Any] = {}
    for part, spec in operation.parts.items():
        if part.startswith("response."):
            responses[part.removeprefix("response.")] = {
                "description": spec.description,
                "content": {spec.media_type: {"schema": {"$ref": _part_ref(names, operation, part)}}},
            }
    result["responses"] = responses
    schemes: dict[str, dict[str, Any]] = {}
    if bearer:
        scheme = f"{operation.id}.bearer"
        schemes[scheme] = {
            "type": "http",
            "scheme": "bearer",
            "description": (operation.security or "A bearer token.")
            + " The token is made of RFC 6750 token characters (the contract's `authorization` pattern).",
        }
        required = "authorization" in (headers or {}).get("required", [])
        result["security"] = [{scheme: []}] if required else [{scheme: []}, {}]
    return result, schemes


def openapi_document(catalog: Catalog | PublicCatalog | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every operation (of the shipped schemas by default, or of the catalog
    :func:`invoicespec.load_catalog` gave).

    Deterministic: the same schemas always give the same document, key order included.
    Raises :class:`~invoicespec.SchemaError` when two operations share a path, or a
    ``$ref`` or a path parameter cannot be expressed in the document.
    """
    if catalog is None:
        catalog = shipped()
    elif not isinstance(catalog, Catalog):  # the public Catalog: its checked documents and manifests
        catalog = catalog.loaded
    schemas, names = _components(catalog)
    paths: dict[str, dict[str, Any]] = {}
    owners: dict[str, str] = {}  # path -> operation id
    schemes: dict[str, dict[str, Any]] = {}
    tags: dict[str, str] = {}
    for operation in sorted(catalog.operations.values(), key=lambda op: op.id):
        if operation.path in owners:
            # Path items could hold several methods, but each has its own vendor server: refuse rather than merge.
            raise SchemaError(f"{owners[operation.path]} and {operation.id} share the path {operation.path!r}: the "
                              "OpenAPI export keeps one operation per path")
        owners[operation.path] = operation.id
        item, needed = _operation(operation, catalog, names)
        path_item: dict[str, Any] = {}
        if operation.server:
            path_item["servers"] = [{"url": operation.server, "description": operation.vendor}]
        path_item[operation.method.lower()] = item
        paths[operation.path] = path_item
        schemes.update(needed)
        tags.setdefault(operation.id.split(".")[0], operation.vendor)
    components: dict[str, Any] = {"schemas": schemas}
    if schemes:
        components["securitySchemes"] = dict(sorted(schemes.items()))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": TITLE,
            "version": version("invoicespec"),
            "summary": "The request and response contracts of five invoicing and debt-collection APIs.",
            "description": _info_description(),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": JSON_SCHEMA_DIALECT,
        "tags": [{"name": name, "description": vendor} for name, vendor in sorted(tags.items())],
        "paths": dict(sorted(paths.items())),
        "components": components,
    }


def _lowered_keywords() -> str:
    """The keywords that have standard equivalents, as the info description lists them.

    Each keyword sums its lowering up as a subject and a verb phrase; subjects that share
    a verb phrase are joined ("phone numbers and IBANs get a `pattern`").
    """
    summaries = sorted(keyword.openapi_summary for keyword in registry.REGISTRY.values()
                       if keyword.openapi_summary)
    subjects: dict[str, list[str]] = {}
    for _, subject, verb in summaries:
        subjects.setdefault(verb, []).append(subject)
    return ", ".join(f"{_and(said)} {verb}" for verb, said in subjects.items())


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _info_description() -> str:
    return (
        "One operation of each of five vendors' APIs (GetBill, Nitrobox, Pennylane, Pigello, Riverty), as the "
        "invoicespec library validates them. Generated from the library's JSON Schemas (draft 2020-12) by "
        "`invoicespec openapi`; do not edit by hand.\n\n"
        "Each operation has its own vendor server (`servers` on its path item). Every schema file is a component "
        "named after its path (`getbill.create_debt.request`, `_common.currency`).\n\n"
        "The library's own keywords are kept as `x-` extensions and lowered to standard JSON Schema where an "
        f"equivalent exists: {_lowered_keywords()}, and the formats `local-date-time` and "
        "`date-time-optional-offset` get a `pattern`. "
        "A lowering never refuses what the library accepts. Rules that JSON Schema cannot express (date order, "
        "unique keys, fields equal across items, references between arrays, contiguous ranks, destination cost, "
        "IBAN checksums, phone-number validity, fractional digits of numbers) are described in the schema's "
        "`description`; only the library checks them.\n\n"
        "Headers: `Authorization: Bearer` is a security scheme and `Content-Type` the request body's media type, "
        "since OpenAPI ignores header parameters named `Authorization`, `Content-Type` or `Accept`; the other "
        "headers of each contract are parameters. Header names match case-insensitively."
    )

"""invoicespec import-openapi: an OpenAPI operation -> a contract folder. Round trip: the project's own OpenAPI
export, imported back operation by operation, gives the same verdicts as the shipped contracts on every example
(the schemas' own and every file of tests/examples); an OpenAPI 3.0 document's own keywords are translated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import invoicespec
from invoicespec.cli import main
from invoicespec.io.files import read_payload
from invoicespec.io.openapi_import import import_operation, write_operation
from invoicespec.outputs.openapi import openapi_document

EXAMPLES = Path(__file__).parent / "examples"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> invoicespec.Catalog:
    document = openapi_document()
    root = tmp_path_factory.mktemp("imported")
    for operation in invoicespec.operations():
        manifest, files, _ = import_operation(document, operation)
        api, name = operation.split(".")
        write_operation(root / api / name, manifest, files)
    return invoicespec.load_catalog(root, shipped=False)


def _samples(operation: str, part: str) -> list:
    validator = invoicespec.validator(operation, part)
    samples = list(validator.examples)
    folder = EXAMPLES / operation / part
    files = sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
    samples += [read_payload(str(path), as_text=validator.media_type == "text/plain") for path in files]
    return samples


@pytest.mark.parametrize("operation", invoicespec.operations())
def test_the_export_imported_back_gives_the_same_verdicts_on_every_example(imported, operation):
    assert imported.parts(operation) == invoicespec.parts(operation)
    info, again = invoicespec.operation_info(operation), imported.operation_info(operation)
    assert (again.method, again.path, again.server, again.docs[:1]) == (info.method, info.path, info.server,
                                                                          info.docs[:1])
    checked = 0
    for part in invoicespec.parts(operation):
        for sample in _samples(operation, part):
            assert imported.is_valid(operation, sample, part) == invoicespec.is_valid(operation, sample, part), (
                part, sample)
            checked += 1
    assert checked > 20


OPENAPI_30 = {
    "openapi": "3.0.3",
    "info": {"title": "Shop API", "version": "1"},
    "servers": [{"url": "https://shop.example"}],
    "paths": {"/shops/{shopId}/orders": {"post": {
        "operationId": "createOrder",
        "summary": "Create an order.",
        "externalDocs": {"url": "https://shop.example/docs"},
        "security": [{"token": []}],
        "parameters": [{"name": "shopId", "in": "path", "required": True, "schema": {"type": "integer"}},
                       {"name": "X-Request-Id", "in": "header", "schema": {"type": "string", "maxLength": 36}}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Order"}}}},
        "responses": {"201": {"description": "Created.", "content": {"application/json": {
                          "schema": {"$ref": "#/components/schemas/Order"}}}},
                      "4XX": {"description": "Refused."},
                      "default": {"description": "Anything else."}},
    }}},
    "components": {
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Order": {"type": "object", "required": ["quantity"], "x-vendor-hint": "ignored",
                      "properties": {"quantity": {"type": "integer", "minimum": 0, "exclusiveMinimum": True,
                                                  "example": 2},
                                     "note": {"type": "string", "nullable": True},
                                     "line": {"$ref": "#/components/schemas/Line"}}},
            "Line": {"type": "object", "properties": {"sku": {"type": "string", "pattern": "^[A-Z]+$"}}},
        },
    },
}


def test_an_openapi_30_operation_from_the_command_line(tmp_path, capsys):
    source = tmp_path / "shop.yaml"
    source.write_text(yaml.safe_dump(OPENAPI_30))
    out = tmp_path / "contracts/shop/create_order"
    assert main(["import-openapi", str(source), "--operation", "createOrder", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"wrote 6 files to {out}\n")
    assert "note: dropped `x-vendor-hint`, which the invoicespec dialect does not know" in said
    assert "note: response 'DEFAULT' skipped" in said
    catalog = invoicespec.load_catalog(tmp_path / "contracts", shipped=False)
    op = "shop.create_order"
    assert catalog.parts(op) == ("request", "request.headers", "request.path", "response.201", "response.4XX")
    info = catalog.operation_info(op)
    assert (info.method, info.path, info.server, info.docs) == ("POST", "/shops/{shopId}/orders",
                                                                "https://shop.example", ("https://shop.example/docs",))
    assert catalog.is_valid(op, {"quantity": 1, "note": None, "line": {"sku": "AB"}})
    assert [e.keyword for e in catalog.errors(op, {"quantity": 0})] == ["exclusiveMinimum"]
    assert [e.path for e in catalog.errors(op, {"quantity": 1, "line": {"sku": "ab"}})] == ["/line/sku"]
    order = catalog.validator(op).schema["$defs"]["Order"]  # a component, carried over as a local $defs
    assert order["properties"]["quantity"]["examples"] == [2]
    headers = {"Authorization": "Bearer t0k", "Content-Type": "application/json", "X-Request-Id": "r1"}
    assert catalog.is_valid(op, headers, "request.headers")
    assert [e.path for e in catalog.errors(op, {"Content-Type": "application/json"}, "request.headers")] == [
        "/authorization"]
    assert catalog.normalize(op, {"shopId": "7"}, "request.path") == {"shopId": 7}
    assert main(["import-openapi", str(source), "--operation", "createOrder", "--out", str(out)]) == 2
    assert "exists: import into a new folder" in capsys.readouterr().err


def test_an_unknown_operation_id_or_a_document_that_is_not_openapi(tmp_path, capsys):
    source = tmp_path / "shop.json"
    source.write_text(json.dumps(OPENAPI_30))
    assert main(["import-openapi", str(source), "--operation", "nope", "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err == ("invoicespec: error: no operation has the operationId 'nope': the document "
                                       "has createOrder\n")
    source.write_text('{"swagger": "2.0"}')
    assert main(["import-openapi", str(source), "--operation", "x", "--out", str(tmp_path / "x")]) == 2
    assert "not an OpenAPI 3.0 or 3.1 document" in capsys.readouterr().err

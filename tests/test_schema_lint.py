"""Every shipped schema file reads well and is self-consistent.

Each file has ``$schema``, an ``$id`` that mirrors its path, a ``title``, a
``description``, a description on every property and valid ``examples``; every
``$defs`` entry is used; only known keywords appear (the dialect enforces that at
load; this test says so explicitly).
"""

from __future__ import annotations

import re

import pytest

import invoicespec
from invoicespec.catalog.load import BASE_URI, DIALECT, META_FOLDER, shipped, subschemas
from invoicespec.rules.pointer import format_pointer
from invoicespec.engine.validator import compile_schema

CATALOG = shipped()
SCHEMAS = [(uri, doc) for uri, doc in CATALOG.documents.items() if not CATALOG.files[uri].startswith(META_FOLDER)]
IDS = [CATALOG.files[uri] for uri, _ in SCHEMAS]


@pytest.mark.parametrize(("uri", "document"), SCHEMAS, ids=IDS)
def test_header_fields(uri, document):
    assert document["$schema"] == DIALECT
    assert document["$id"] == BASE_URI + CATALOG.files[uri]
    assert document.get("title"), "a title"
    assert len(document.get("description", "")) >= 20, "a description that says something"
    assert document.get("examples"), "at least one example"


@pytest.mark.parametrize(("uri", "document"), SCHEMAS, ids=IDS)
def test_every_property_has_a_description(uri, document):
    missing = []
    for where, node in subschemas(document):
        for name, subschema in node.get("properties", {}).items():
            if not (isinstance(subschema, dict) and subschema.get("description")):
                missing.append(format_pointer((*where, "properties", name)))
    assert missing == []


@pytest.mark.parametrize(("uri", "document"), SCHEMAS, ids=IDS)
def test_examples_are_valid(uri, document):
    stem = uri.rsplit("/", 1)[-1].removesuffix(".yaml")
    part = stem if stem.startswith(("request", "response")) else "response"  # shared definitions: no readOnly
    validator = compile_schema(document, part=part)
    for example in document["examples"]:
        assert validator.errors(example) == [], example


def test_no_unused_defs():
    references = set()
    for uri, document in CATALOG.documents.items():
        for _, node in subschemas(document):
            for keyword in ("$ref", "$dynamicRef"):
                if isinstance(node.get(keyword), str):
                    references.add(node[keyword].rsplit("#", 1)[-1])
    unused = []
    for uri, document in CATALOG.documents.items():
        for name in document.get("$defs", {}):
            if f"/$defs/{name}" not in references:
                unused.append(f"{CATALOG.files[uri]}#/$defs/{name}")
    assert unused == []


def test_only_known_custom_keywords():
    known = set(CATALOG.documents[DIALECT]["propertyNames"]["enum"])
    for uri, document in SCHEMAS:
        for where, node in subschemas(document):
            unknown = {key for key in node if key.startswith("x-")} - known
            assert not unknown, (CATALOG.files[uri], format_pointer(where), unknown)


def test_every_schema_file_is_used():
    """Each schema outside _common/ is a part of an operation, or referenced by one."""
    used = {spec.schema_uri for op in CATALOG.operations.values() for spec in op.parts.values()}
    for uri, document in CATALOG.documents.items():
        for _, node in subschemas(document):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                used.add(re.sub(r"#.*$", "", _join(uri, ref)))
    orphans = [CATALOG.files[uri] for uri, _ in SCHEMAS
               if uri not in used and not CATALOG.files[uri].startswith("_common/")]
    assert orphans == []


def _join(base: str, ref: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, ref)


@pytest.mark.parametrize(("operation", "part"), [(op, part) for op in invoicespec.operations()
                                                  for part in invoicespec.parts(op)])
def test_examples_per_part(operation, part):
    """At least two examples per request part, at least one per response."""
    assert len(invoicespec.validator(operation, part).examples) >= (2 if part.startswith("request") else 1)


@pytest.mark.parametrize("operation", invoicespec.operations())
def test_request_parts_have_a_minimal_and_a_full_example(operation):
    """At least two examples per request body: one minimal, one using every optional field."""
    validator = invoicespec.validator(operation, "request")
    examples = validator.examples
    assert len(examples) >= 2
    declared = set(validator.schema.get("properties", {}))
    read_only = {name for name, sub in validator.schema["properties"].items() if sub.get("readOnly")}
    assert any(set(example) == declared - read_only for example in examples), "an example with every field"
    required = set(validator.schema.get("required", []))
    assert any(len(set(example) - required) <= 1 for example in examples), "a minimal example"

"""The OpenAPI export: a valid OpenAPI 3.1 document, complete, self-contained, fresh, and usable by tools.

The lowerings of the custom keywords are tested on small cases and against the library's own validator:
a lowering may refuse nothing the library accepts (``x-digits`` on strings: exactly what it accepts).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections import Counter
from functools import lru_cache
from importlib.metadata import version
from importlib.resources import files

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings, strategies as st
from hypothesis.errors import NoSuchExample
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import invoicespec
from invoicespec.catalog.load import META_FOLDER, load_catalog, shipped
from invoicespec._errors import SchemaError
from invoicespec.io.files import read_payload
from invoicespec.keywords.contiguous import lower as lower_contiguous
from invoicespec.keywords.date_order import lower as lower_date_order
from invoicespec.keywords.destination_cost import lower as lower_destination_cost
from invoicespec.keywords.digits import digits_pattern, lower as lower_digits
from invoicespec.keywords.equal_across import lower as lower_equal_across
from invoicespec.keywords.iban import IBAN_PATTERN, lower as lower_iban
from invoicespec.keywords.phone import PHONE_PATTERN, lower as lower_phone
from invoicespec.keywords.references import lower as lower_references
from invoicespec.keywords.required_any_of import lower as lower_required_any_of
from invoicespec.keywords.unique_by import lower as lower_unique_by
from invoicespec.outputs.openapi import (
    FORMAT_PATTERNS,
    component_name,
    lower_format,
    lower_schema,
    openapi_document,
)
from invoicespec.engine.validator import compile_schema
from invoicespec.cli import main

from conftest import EXAMPLES, ROOT

COMMITTED = ROOT / "docs" / "openapi.json"
REGENERATE = "python3 -m invoicespec openapi --out docs/openapi.json"
IGNORED_HEADERS = {"authorization", "content-type", "accept"}
# Values of these keywords are data, never schemas: a "$ref" key inside them is not a reference.
DATA_KEYWORDS = {"examples", "example", "enum", "const", "default"}


@pytest.fixture(scope="module")
def doc() -> dict:
    return openapi_document()


def _render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _refs(node, where=""):
    """Every ``$ref`` in the document outside data keywords, with where it sits."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            elif key not in DATA_KEYWORDS:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{where}/{index}")


def _resolve(document: dict, ref: str):
    node = document
    for token in ref.removeprefix("#/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


# -- the document -------------------------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1(doc):
    validate_openapi(doc)
    assert doc["openapi"].startswith("3.1.")
    assert doc["jsonSchemaDialect"] == "https://spec.openapis.org/oas/3.1/dialect/base"
    assert doc["info"]["title"] == "invoicespec: five receivables APIs"
    assert doc["info"]["version"] == version("invoicespec")


def test_every_ref_resolves_inside_the_document(doc):
    refs = list(_refs(doc))
    assert len(refs) > 100
    for where, ref in refs:
        assert ref.startswith("#/components/schemas/"), f"{where}: {ref} leaves the document"
        try:
            _resolve(doc, ref)
        except (KeyError, IndexError, ValueError):
            pytest.fail(f"{where}: {ref} does not resolve")


def test_every_schema_file_is_a_component_without_id_or_schema(doc):
    components = doc["components"]["schemas"]
    expected = {component_name(relative) for relative in shipped().files.values()
                if not relative.startswith(META_FOLDER)}
    assert set(components) == expected
    assert {"_common.currency", "getbill.create_debt.request", "pennylane.create_customer_invoice.response.429"} \
        <= set(components)
    assert list(components) == sorted(components)
    for name, schema in components.items():
        assert "$schema" not in schema and "$id" not in schema, name


def test_every_operation_part_is_in_the_document(doc):
    documents = shipped().documents
    assert {op["operationId"] for item in doc["paths"].values() for key, op in item.items() if key != "servers"} \
        == set(invoicespec.operations())
    for op_id in invoicespec.operations():
        info = invoicespec.operation_info(op_id)
        item = doc["paths"][info.path]
        operation = item[info.method.lower()]
        assert operation["operationId"] == op_id
        assert operation["summary"] == info.summary
        assert operation["externalDocs"]["url"] == info.docs[0]
        if info.server:
            assert item["servers"] == [{"url": info.server, "description": info.vendor}]
        else:
            assert "servers" not in item
        # header names match case-insensitively (the contract writes them in lower case); path names do not
        parameters = {(p["in"], p["name"].lower() if p["in"] == "header" else p["name"]): p
                      for p in operation.get("parameters", [])}
        expected_parameters = set()
        for part, spec in info.parts.items():
            schema = documents[spec.schema_uri]
            ref = {"$ref": f"#/components/schemas/{component_name(shipped().files[spec.schema_uri])}"}
            if part == "request":
                assert operation["requestBody"]["content"] == {spec.media_type: {"schema": ref}}
                assert operation["requestBody"]["required"] is True
            elif part == "request.headers":
                for name in schema["properties"]:
                    if name == "authorization":
                        (scheme,) = operation["security"][0]
                        assert doc["components"]["securitySchemes"][scheme]["scheme"] == "bearer"
                    elif name not in IGNORED_HEADERS:
                        parameter = parameters[("header", name)]
                        assert parameter["required"] is (name in schema.get("required", []))
                        expected_parameters.add(("header", name))
            elif part == "request.path":
                for name in schema["properties"]:
                    assert parameters[("path", name)]["required"] is True
                    assert f"{{{name}}}" in info.path
                    expected_parameters.add(("path", name))
            else:
                response = operation["responses"][part.removeprefix("response.")]
                assert response["description"] == spec.description
                assert response["content"] == {spec.media_type: {"schema": ref}}
        assert set(parameters) == expected_parameters
        assert len(operation["responses"]) == sum(part.startswith("response.") for part in info.parts)
    pennylane = doc["paths"]["/customer_invoices"]["post"]
    assert list(pennylane["responses"]["429"]["content"]) == ["text/plain"]
    assert "4XX" in doc["paths"]["/v1/clients/{clientId}/receivables"]["post"]["responses"]
    pigello = doc["paths"]["/accounting/debt/debtinvoice/"]["post"]
    assert "security" not in pigello  # its seven API keys are header parameters
    assert "X-PIGELLO-CLIENT-SECRET" in {p["name"] for p in pigello["parameters"]}


def test_header_parameters_point_at_the_contracts_header_schemas(doc):
    operation = doc["paths"]["/customer_invoices"]["post"]
    (source,) = [p for p in operation["parameters"] if p["name"] == "X-Source-Software"]
    target = _resolve(doc, source["schema"]["$ref"])
    assert "PENNYLANE" in target["enum"]
    assert "Content-Type" in operation["description"] and "Authorization" in operation["description"]


def test_two_operations_on_one_path_fail_loudly():
    catalog = shipped()
    operations = dict(catalog.operations)
    operations["pigello.create_debt_invoice"] = dataclasses.replace(
        operations["pigello.create_debt_invoice"], path=operations["getbill.create_debt"].path
    )
    with pytest.raises(SchemaError, match="share the path '/external-api/v1/debts'"):
        openapi_document(dataclasses.replace(catalog, operations=operations))


def test_the_document_is_deterministic(doc):
    fresh = openapi_document(load_catalog(files("invoicespec") / "schemas"))
    assert _render(fresh) == _render(doc)


def test_the_committed_document_is_fresh(doc):
    assert COMMITTED.exists(), f"docs/openapi.json is missing: generate it with `{REGENERATE}`"
    assert COMMITTED.read_text(encoding="utf-8") == _render(doc), (
        f"docs/openapi.json is stale (the schemas changed since it was generated): regenerate it with "
        f"`{REGENERATE}`"
    )


def test_the_cli_prints_and_writes_the_document(capsys, tmp_path, doc):
    assert main(["openapi"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == doc and out == _render(doc) and err == ""
    target = tmp_path / "openapi.json"
    assert main(["openapi", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8") == _render(doc)


# -- the lowered schemas accept whatever the library accepts --------------------------------------------


def _openapi_validator(doc: dict, op_id: str, part: str) -> Draft202012Validator:
    """A plain JSON Schema validator of one part, reading the schema from the OpenAPI document."""
    uri = "urn:invoicespec:openapi"
    registry = Registry().with_resource(uri, DRAFT202012.create_resource(doc))
    name = component_name(shipped().files[invoicespec.operation_info(op_id).parts[part].schema_uri])
    return Draft202012Validator({"$ref": f"{uri}#/components/schemas/{name}"}, registry=registry)


def _valid_payloads(op_id: str, part: str, samples) -> list:
    spec = invoicespec.operation_info(op_id).parts[part]
    found = list(invoicespec.validator(op_id, part).examples)
    folder = EXAMPLES / op_id / part / "valid"
    if folder.is_dir():
        found += [read_payload(str(path), as_text=spec.media_type == "text/plain") for path in sorted(folder.iterdir())]
    return found + samples(op_id, part, count=15)


@pytest.mark.parametrize("op_id", ["getbill.create_debt", "nitrobox.create_deposit_invoice",
                                   "pennylane.create_customer_invoice", "pigello.create_debt_invoice",
                                   "riverty.create_receivable"])
def test_lowered_schemas_accept_every_valid_payload(doc, op_id, invoicespec_samples):
    """Examples, example files and drawn payloads that the library accepts pass the exported schemas too."""
    checked = 0
    for part in invoicespec.parts(op_id):
        if part == "request.path":
            continue  # URL text, read as integers by the library: the schemathesis test covers it
        validator = _openapi_validator(doc, op_id, part)
        for payload in _valid_payloads(op_id, part, invoicespec_samples):
            assert invoicespec.is_valid(op_id, payload, part=part)
            if part == "request.headers":  # names match case-insensitively; the schema spells them in lower case
                payload = {name.lower(): value for name, value in payload.items()}
            errors = [error.message for error in validator.iter_errors(payload)]
            assert not errors, f"{op_id} {part}: the exported schema refuses {payload!r}: {errors}"
            checked += 1
    assert checked > 50


# -- each lowering on small cases -------------------------------------------------------------------------


def _engine(schema: dict):
    """The library's own validator of an ad-hoc schema (RE2 patterns: `$` is the end of the string)."""
    return compile_schema(schema)


def _standard(lowered: dict):
    """The library's validator of a lowered schema without its extensions: the standard keywords alone."""
    return _engine({key: value for key, value in lowered.items() if not key.startswith("x-")})


@lru_cache(maxsize=None)
def _digits_pair(integer: int, fraction: int):
    """(the x-digits rule, its lowering) as validators."""
    schema = {"type": "string", "x-digits": {"integer": integer, "fraction": fraction}}
    return _engine(schema), _standard(lower_digits(schema))


DIGITS_CASES = [
    "0", "-0", "00", "0.0", "-0.0000", "000000000000000000000000", "0000000000000000000001",
    "123456789012345", "123456789012345.1234", "-123456789012345.1234", "123456789012345.12340000",
    "1234567890123456", "1234567890123456.0", "0123456789012345", "00123456789012345.1",
    "0.1234", "0.12345", "0.12340", "1.00000", "0.00001", "1.10000001",
    "1.", ".5", "-", "", "+1", "1e5", "1,5", "1.2.3", " 1", "1 ", "1\n", "--1", "-.5", "0x10", "１２", "١٢", "∞",
]


@pytest.mark.parametrize("value", DIGITS_CASES)
def test_the_digits_pattern_accepts_exactly_what_x_digits_accepts(value):
    rule, standard = _digits_pair(15, 4)
    assert standard.is_valid(value) is rule.is_valid(value), value


def test_the_digits_pattern_boundaries():
    pattern = re.compile(digits_pattern(15, 4).removesuffix("$") + r"\Z")  # Python's `$` also matches before \n
    assert pattern.match("9" * 15 + "." + "9" * 4)
    assert not pattern.match("9" * 16)
    assert not pattern.match("1." + "1" * 5)
    assert pattern.match("0" * 50 + "1" * 15 + ".1" + "0" * 50)
    no_fraction = re.compile(digits_pattern(3, 0).removesuffix("$") + r"\Z")
    assert [bool(no_fraction.match(v)) for v in ("123", "123.000", "123.5", "1234", "0.0", "1.")] == \
        [True, True, False, False, True, False]


def test_the_digits_pattern_respects_the_length_limit():
    rule, standard = _digits_pair(2, 2)
    for value in ("0" * 999 + "1", "0" * 1000 + "1", "1." + "0" * 997, "1." + "0" * 998):
        assert standard.is_valid(value) is rule.is_valid(value), len(value)


@given(st.from_regex(r"-?0{0,3}[0-9]{0,5}(\.[0-9]{0,4}0{0,3})?", fullmatch=True)
       | st.text(alphabet="-.0123456789", max_size=10))
@settings(max_examples=300)
def test_the_digits_pattern_agrees_with_x_digits_on_decimal_like_strings(value):
    for integer, fraction in ((3, 2), (1, 0)):
        rule, standard = _digits_pair(integer, fraction)
        assert standard.is_valid(value) is rule.is_valid(value), (integer, fraction)


def test_lower_digits_on_strings_numbers_and_both():
    string = {"type": "string", "description": "An amount.", "x-digits": {"integer": 15, "fraction": 2}}
    before = copy.deepcopy(string)
    lowered = lower_digits(string)
    assert string == before  # pure: the input is untouched
    assert lowered["pattern"] == r"^-?0*[0-9]{1,15}(\.[0-9]{1,2}0*)?$"
    assert lowered["maxLength"] == 1000
    assert lowered["x-digits"] == {"integer": 15, "fraction": 2}
    assert lowered["description"].startswith("An amount.\n\nAt most 15 integral and 2 fractional digits")
    assert "exclusiveMaximum" not in lowered

    number = lower_digits({"type": "number", "minimum": 0, "x-digits": {"integer": 3, "fraction": 4}})
    assert "pattern" not in number
    assert number["exclusiveMaximum"] == 1000 and "exclusiveMinimum" not in number  # minimum 0 is tighter
    assert "multipleOf" in number["description"] and "no JSON Schema equivalent" in number["description"]

    both = lower_digits({"type": ["string", "number"], "pattern": "^1", "x-digits": {"integer": 1, "fraction": 0}})
    assert both["pattern"] == "^1" and both["allOf"] == [{"pattern": r"^-?0*[0-9]{1,1}(\.0+)?$"}]
    assert (both["exclusiveMinimum"], both["exclusiveMaximum"]) == (-10, 10)


def test_lower_digits_number_bounds_match_the_integral_limit():
    schema = {"type": "number", "x-digits": {"integer": 3, "fraction": 20}}
    rule, standard = _engine(schema), _standard(lower_digits(schema))
    for value in (999, 999.999, 1000, 1000.0, -999.5, -1000, 0, 0.001, 12345):
        assert standard.is_valid(value) is rule.is_valid(value), value


PHONES_VALID = ["06 12 34 56 78", "0612345678", "612345678", "+33 6 12 34 56 78", "+33 (0)6.12.34.56.78",
                "+262 692 12 34 56", "06-12-34-56-78", "06/12/34/56/78"]
PHONES_REFUSED_BY_PATTERN = ["", "+", "abc", "06 12 34 56 78 ext 5", "++33612345678", "0612345678+",
                             "06\u200b12345678", "06\t12345678", "０６１２３４５６７８"]


def test_lower_phone_without_a_pattern_adds_the_character_rule():
    schema = {"type": "string", "description": "The phone.", "x-phone": {"defaultRegion": "FR"}}
    lowered = lower_phone(schema)
    assert lowered["pattern"] == PHONE_PATTERN and lowered["maxLength"] == 64
    assert lowered["x-phone"] == {"defaultRegion": "FR"}
    assert "default region FR" in lowered["description"] and "phone number too short" in lowered["description"]
    assert "pattern" not in schema
    rule = _engine(schema)
    standard = _standard(lowered)
    for phone in PHONES_VALID:
        assert rule.is_valid(phone) and standard.is_valid(phone), phone
    for phone in PHONES_REFUSED_BY_PATTERN + ["1" * 65]:
        assert not standard.is_valid(phone) and not rule.is_valid(phone), phone  # a necessary condition


def test_lower_phone_keeps_an_e164_pattern():
    lowered = lower_phone({"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$", "x-phone": {}})
    assert lowered["pattern"] == r"^\+[1-9][0-9]{1,14}$" and "allOf" not in lowered and "maxLength" not in lowered
    assert "libphonenumber" in lowered["description"]


def test_lower_iban_pattern_is_a_necessary_condition():
    schema = {"type": "string", "x-iban": True}
    lowered = lower_iban(schema)
    assert lowered["pattern"] == IBAN_PATTERN and lowered["x-iban"] is True
    assert "mod-97" in lowered["description"]
    rule = _engine(schema)
    standard = _standard(lowered)
    for iban in ("FR1420041010050500013M02606", "fr14 2004 1010 0505 0001 3m02 606", "DE89 3704 0044 0532 0130 00",
                 "NO9386011117947", " GB82 WEST 1234 5698 7654 32 ", "MT84MALT011000012345MTLCAST001S"):
        assert rule.is_valid(iban) and standard.is_valid(iban), iban
    for iban in ("FR14-2004-1010-0505-0001-3M02-606", "F1420041010050500013M02606", "FRAB20041010050500013M02606",
                 "NO938601111794", "FR14" + "1" * 31, "FR14 2004\t1010 0505", ""):
        assert not standard.is_valid(iban) and not rule.is_valid(iban), iban


def test_lower_required_any_of():
    lowered = lower_required_any_of({"type": "object", "x-required-any-of": ["phone", "email"]})
    assert lowered["anyOf"] == [{"required": ["phone"]}, {"required": ["email"]}]
    assert "`phone` or `email`" in lowered["description"]
    standard = _standard(lowered)
    assert [standard.is_valid(v) for v in ({}, {"phone": 1}, {"email": 1}, {"other": 1})] == [False, True, True, False]
    variants = [{"required": ["a"]}, {"required": ["b"]}]
    both = lower_required_any_of({"anyOf": variants, "x-required-any-of": ["c", "d"]})
    assert both["anyOf"] == variants  # the object's own variants stay; the new rule joins through allOf
    assert both["allOf"] == [{"anyOf": [{"required": ["c"]}, {"required": ["d"]}]}]


def test_lower_formats():
    local = lower_format({"type": "string", "format": "local-date-time"})
    optional = lower_format({"type": "string", "format": "date-time-optional-offset"})
    assert local["format"] == "local-date-time" and local["pattern"] == FORMAT_PATTERNS["local-date-time"]
    assert "calendar" in local["description"]
    cases = {
        "2024-01-31T09:30:00": (True, True), "2024-01-31t09:30:00.123456789": (True, True),
        "2024-01-31T09:30:00Z": (False, True), "2024-01-31T09:30:00+01:00": (False, True),
        "2024-01-31T09:30:00-23:59": (False, True), "2024-01-31T09:30:00+0100": (False, False),
        "2024-01-31 09:30:00": (False, False), "2024-13-01T09:30:00": (False, False),
        "2024-01-31T24:00:00": (False, False), "2024-01-31T09:30:60": (False, False),
        "2024-01-31": (False, False), "2024-01-31T09:30:00+24:00": (False, False),
    }
    for name, lowered, index in (("local-date-time", local, 0), ("date-time-optional-offset", optional, 1)):
        rule = _engine({"type": "string", "format": name})
        standard = _engine({"type": "string", "pattern": lowered["pattern"]})
        for value, expected in cases.items():
            assert standard.is_valid(value) is expected[index], (name, value)
            assert rule.is_valid(value) is expected[index], (name, value)
    # the calendar is beyond a pattern, and the description says so
    assert _engine({"type": "string", "pattern": local["pattern"]}).is_valid("2023-02-30T00:00:00")
    for standard_format in ("date", "date-time", "email", "uri", "uuid"):
        schema = {"type": "string", "format": standard_format}
        assert lower_format(schema) == schema


def test_descriptive_lowerings_name_their_fields():
    order = lower_date_order({"x-date-order": [{"earlier": "/invoice_date", "later": "/due_date"},
                                               {"earlier": "/a/start", "later": "/a/end", "relation": "<"}]})
    assert "`due_date` must not be before `invoice_date`" in order["description"]
    assert "`a/end` must be after `a/start`" in order["description"]
    unique = lower_unique_by({"description": "Items.", "x-unique-by": ["/ident"]})
    assert unique["description"].startswith("Items.\n\nUnique key") and "same `ident`" in unique["description"]
    assert "combination of `a` and `b`" in lower_unique_by({"x-unique-by": ["/a", "/b"]})["description"]
    equal = lower_equal_across({"x-equal-across": ["/taxLocation/country", "/taxLocation/region"]})
    assert "`taxLocation/country` and `taxLocation/region` must each be the same" in equal["description"]
    references = lower_references({"x-references": [{"items": "/invoice_lines", "field": "/section_rank",
                                                     "target": "/invoice_line_sections", "key": "/rank"}]})
    assert ("every `section_rank` of an item of `invoice_lines` must be the `rank` of an item of "
            "`invoice_line_sections`") in references["description"]
    contiguous = lower_contiguous({"x-contiguous": {"field": "/rank", "start": 1}})
    assert "`rank` values of the items must be 1, 2, 3, ..." in contiguous["description"]
    cost = lower_destination_cost({"x-destination-cost": {
        "phone": "/phone", "acceptedBy": "/ok", "tiers": [
            {"name": "Far", "regions": ["RE", "YT"], "creditsPerCall": 100, "multiplier": 4.0, "expensive": True}]}})
    assert "unless `ok` is true" in cost["description"] and "Far (RE, YT): 100 credits per call, x4.0, expensive" \
        in cost["description"]
    for lowered in (order, unique, equal, references, contiguous, cost):
        assert not {"pattern", "anyOf", "allOf"} & set(lowered)  # nothing standard can say these


def test_lower_schema_leaves_plain_schemas_alone_and_keeps_every_extension(doc):
    plain = {"type": "string", "minLength": 1, "description": "A name."}
    assert lower_schema(plain) == plain
    request = doc["components"]["schemas"]["getbill.create_debt.request"]
    for keyword in ("x-required-any-of", "x-date-order", "x-destination-cost"):
        assert keyword in request
    assert request["anyOf"] == [{"required": ["phone"]}, {"required": ["email"]}]
    assert request["properties"]["phone"]["pattern"] == PHONE_PATTERN
    assert doc["components"]["schemas"]["_common.iban"]["pattern"] == IBAN_PATTERN
    assert doc["components"]["schemas"]["getbill.debt"]["properties"]["amount_text"]["pattern"] == \
        digits_pattern(15, 2)


# -- schemathesis -----------------------------------------------------------------------------------------


def _without_examples(node):
    if isinstance(node, dict):
        return {key: _without_examples(value) for key, value in node.items() if key not in ("examples", "example")}
    if isinstance(node, list):
        return [_without_examples(value) for value in node]
    return node


@pytest.fixture(scope="module")
def loaded_schema(doc):
    schemathesis = pytest.importorskip("schemathesis")
    # Without the examples, every generated request owes its validity to the constraints alone.
    return schemathesis.openapi.from_dict(_without_examples(doc))


@pytest.mark.parametrize("op_id", ["getbill.create_debt", "nitrobox.create_deposit_invoice",
                                   "pennylane.create_customer_invoice", "pigello.create_debt_invoice",
                                   "riverty.create_receivable"])
def test_schemathesis_generates_requests_the_library_accepts(loaded_schema, op_id):
    """Offline: schemathesis draws requests from the document; at least one is valid by our own rules."""
    info = invoicespec.operation_info(op_id)
    operation = loaded_schema[info.path][info.method]
    # A real client sends its own token: the security scheme cannot say which characters a token has.
    strategy = operation.as_strategy(headers={"Authorization": "Bearer t0ken"})
    tried: list[str] = []

    def accepted(case) -> bool:
        headers = {"Content-Type": case.media_type, **(case.headers or {})}
        path = {name: str(value) for name, value in (case.path_parameters or {}).items()}
        verdicts = {
            "request": invoicespec.is_valid(op_id, case.body),
            "request.headers": invoicespec.is_valid(op_id, headers, part="request.headers"),
            "request.path": "request.path" not in info.parts or invoicespec.is_valid(op_id, path, part="request.path"),
        }
        tried.append(",".join(part for part, ok in verdicts.items() if not ok))
        return all(verdicts.values())

    try:
        found = find(strategy, accepted, settings=settings(
            max_examples=200, derandomize=True, database=None, deadline=None,
            phases=[Phase.generate], suppress_health_check=list(HealthCheck),
        ))
    except NoSuchExample:
        pytest.fail(f"{op_id}: none of {len(tried)} generated requests was valid; refused parts: {Counter(tried)}")
    assert invoicespec.is_valid(op_id, found.body)
    assert found.body and isinstance(found.body, dict)
    if "request.path" in info.parts:
        assert set(found.path_parameters) == {"clientId"}
    assert tried, "no request was generated"

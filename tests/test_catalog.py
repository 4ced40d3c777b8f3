"""Schemas load once, offline, and every mistake in them fails at load with the file's name."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from invoicespec import SchemaError
from invoicespec.catalog.load import BASE_URI, COMPILED_NAME, DIALECT, _read_compiled, load_catalog, shipped
from invoicespec.io.yaml_loader import YAMLError, load_trusted, load_untrusted

from conftest import ROOT

SCHEMAS = ROOT / "schemas"


@pytest.fixture()
def folder(tmp_path):
    """A schema folder with the shipped _common/ and one operation to break."""
    shutil.copytree(SCHEMAS / "_common", tmp_path / "_common")
    op = tmp_path / "acme" / "pay"
    op.mkdir(parents=True)
    (op / "operation.yaml").write_text(
        "vendor: Acme\nmethod: POST\npath: /pay\nsummary: Pay.\ndocs: [https://acme.example/docs]\n"
        "parts:\n  request:\n    schema: request.yaml\n    description: The body.\n"
    )
    return tmp_path


def write_request(folder: Path, body: str) -> None:
    header = f"$schema: {DIALECT}\n$id: {BASE_URI}acme/pay/request.yaml\ntitle: Pay\n"
    (folder / "acme" / "pay" / "request.yaml").write_text(header + body)


def test_a_good_folder_loads(folder):
    write_request(folder, "type: object\nproperties:\n  when:\n    $ref: ../../_common/date.yaml\n")
    catalog = load_catalog(folder)
    assert list(catalog.operations) == ["acme.pay"]
    assert list(catalog.operations["acme.pay"].parts) == ["request"]


@pytest.mark.parametrize(("body", "complaint"), [
    ("type: object\nrequried: [a]\n", "unknown keyword 'requried' (did you mean 'required'?)"),
    ("properties:\n  a:\n    x-phnoe: {}\n", "unknown keyword 'x-phnoe' (did you mean 'x-phone'?)"),
    ("properties:\n  a:\n    x-digits: {integer: 3}\n", "'fraction' is a required property"),
    ("properties:\n  a:\n    x-digits: {integer: 3, fraction: -1}\n", "-1 is less than the minimum of 0"),
    ("x-date-order: [{earlier: start, later: /end}]\n", "does not match"),
    ("x-date-order: [{earlier: /start, later: /end, relation: '>'}]\n", "is not one of"),
    ("properties:\n  a:\n    x-iban: yes\n", "True was expected"),
    ("properties:\n  a:\n    format: iban\n", "'iban' is not one of"),
    ("properties:\n  a:\n    multipleOf: 0.01\n", "unknown keyword 'multipleOf'"),
    ("properties:\n  a:\n    x-phone: {defaultRegion: ZZ}\n", "phonenumbers has no region 'ZZ'"),
    ("properties:\n  a:\n    pattern: '(?<=x)y'\n", "does not compile with RE2"),
    ("properties:\n  a: {}\nx-date-order: [{earlier: /a, later: /b}]\n",
     "'/b' names the field 'b', which this object does not declare"),
    ("properties:\n  a: {}\nx-required-any-of: [a, c]\n", "names the field 'c'"),
    ("properties:\n  p:\n    x-phone: {defaultRegion: FR}\n  ok: {}\nx-destination-cost:\n  phone: /p\n"
     "  acceptedBy: /ok\n  defaultRegion: BE\n  tiers: [{name: x, regions: [FR], creditsPerCall: 1, "
     "multiplier: 1, expensive: true}]\n", "defaultRegion 'BE' differs from the phone field's"),
    ("$ref: https://example.com/schema.json\n", "does not lead to a shipped schema"),
    ("$ref: file:///etc/passwd\n", "does not lead to a shipped schema"),
    ("$ref: ../../_common/nothing.yaml\n", "does not lead to a shipped schema"),
    ("properties:\n  a:\n    $ref: ../../_common/date.yaml#/$defs/nope\n", "does not lead to a shipped schema"),
])
def test_mistakes_fail_at_load(folder, body, complaint):
    write_request(folder, body)
    with pytest.raises(SchemaError) as raised:
        load_catalog(folder)
    assert "acme/pay/request.yaml" in str(raised.value)
    assert complaint in str(raised.value)


def test_an_id_must_mirror_the_path(folder):
    (folder / "acme" / "pay" / "request.yaml").write_text(
        f"$schema: {DIALECT}\n$id: urn:acme:pay\ntitle: Pay\n"
    )
    with pytest.raises(SchemaError, match="must be 'https://schemas.invoicespec.dev/acme/pay/request.yaml'"):
        load_catalog(folder)


def test_the_dialect_is_required(folder):
    (folder / "acme" / "pay" / "request.yaml").write_text(
        f"$schema: https://json-schema.org/draft/2020-12/schema\n$id: {BASE_URI}acme/pay/request.yaml\n"
    )
    with pytest.raises(SchemaError, match=r"\$schema must be"):
        load_catalog(folder)


def test_a_manifest_naming_a_missing_file(folder):
    write_request(folder, "type: object\n")
    manifest = folder / "acme" / "pay" / "operation.yaml"
    manifest.write_text(manifest.read_text() + "  response.200:\n    schema: nope.yaml\n    description: OK.\n")
    with pytest.raises(SchemaError, match="'nope.yaml', which does not exist"):
        load_catalog(folder)


def test_a_bad_manifest(folder):
    write_request(folder, "type: object\n")
    (folder / "acme" / "pay" / "operation.yaml").write_text("vendor: Acme\nmethod: FETCH\n")
    with pytest.raises(SchemaError, match="operation.yaml"):
        load_catalog(folder)


def test_broken_yaml_names_the_file(folder):
    (folder / "acme" / "pay" / "request.yaml").write_text("a: [1, 2\n")
    with pytest.raises(SchemaError, match="acme/pay/request.yaml: not valid YAML"):
        load_catalog(folder)


def test_the_shipped_catalog_is_loaded_once():
    assert shipped() is shipped()
    assert all(uri.startswith(BASE_URI) for uri in shipped().files)


# -- the YAML loader --------------------------------------------------------------------------------

@pytest.mark.parametrize("load", [load_trusted, load_untrusted])
def test_yaml_fits_the_json_data_model(load):
    data = load("country: NO\nanswer: yes\nwhen: 2024-01-01\nphone: 0612345678\n"
                "n: 12\nf: 1.5\ne: 1e3\nt: true\nz: null\nempty:\n200: ok\ninf: .inf\n")
    assert data == {"country": "NO", "answer": "yes", "when": "2024-01-01", "phone": "0612345678",
                    "n": 12, "f": 1.5, "e": 1000.0, "t": True, "z": None, "empty": None, "200": "ok",
                    "inf": ".inf"}


@pytest.mark.parametrize(("text", "complaint"), [
    ("a: 1\na: 2\n", "duplicate key 'a'"),
    ("!!python/object/apply:os.system [echo]\n", "has no JSON equivalent"),
    ("a: !!binary aGk=\n", "has no JSON equivalent"),
    ("a: !!timestamp 2024-01-01\n", "has no JSON equivalent"),
    ("? [a, b]\n: 1\n", "keys must be plain scalars"),
    ("a: [1, 2\n", "not valid YAML"),
])
def test_yaml_refuses(text, complaint):
    with pytest.raises(YAMLError, match=complaint.replace("[", r"\[")):
        load_untrusted(text)


def test_yaml_and_json_bound_depth_alike():
    from invoicespec.io.files import PayloadFileError, parse_json

    hundred = "[" * 100 + "1" + "]" * 100
    assert load_untrusted(hundred) == parse_json(hundred)
    for reader, error in ((load_untrusted, YAMLError), (parse_json, PayloadFileError)):
        with pytest.raises(error, match="nested more than 100 levels"):
            reader("[" * 101 + "1" + "]" * 101)


def test_untrusted_yaml_is_bounded():
    with pytest.raises(YAMLError, match="nested more than"):
        load_untrusted("[" * 30_000 + "]" * 30_000)
    with pytest.raises(YAMLError, match="nested more than"):
        load_untrusted("{" * 40_000)
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")
    )
    with pytest.raises(YAMLError, match="expands to more than"):
        load_untrusted(laughs)
    assert load_untrusted("a: &x [1]\nb: *x\n") == {"a": [1], "b": [1]}


# -- the compiled catalog -------------------------------------------------------------------------


def test_the_compiled_catalog_is_fresh():
    """Fails after a schema change until `python3 tools/compile_catalog.py` is run."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("compile_catalog", ROOT / "tools" / "compile_catalog.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    shipped_text = (ROOT / "src" / "invoicespec" / COMPILED_NAME).read_text(encoding="utf-8")
    assert shipped_text == tool.render(), "the compiled catalog is stale: run python3 tools/compile_catalog.py"


def test_the_shipped_catalog_comes_from_the_compiled_one_and_equals_a_full_load():
    catalog = shipped()
    assert catalog.derived is not None
    full = load_catalog(SCHEMAS)
    assert dict(catalog.documents) == dict(full.documents)
    assert dict(catalog.operations) == dict(full.operations)
    assert dict(catalog.files) == dict(full.files)


def test_an_edited_schema_is_loaded_and_checked_from_yaml(tmp_path):
    package = tmp_path / "package"
    shutil.copytree(SCHEMAS, package / "schemas")
    shutil.copy(ROOT / "src" / "invoicespec" / COMPILED_NAME, package / COMPILED_NAME)
    assert _read_compiled(package / "schemas", package) is not None  # untouched: the digest matches
    date = package / "schemas" / "_common" / "date.yaml"
    date.write_text(date.read_text(encoding="utf-8").replace("format: date", "format: dat"), encoding="utf-8")
    assert _read_compiled(package / "schemas", package) is None  # edited: the compiled catalog is not used
    with pytest.raises(SchemaError, match="date.yaml"):
        load_catalog(package / "schemas")  # ... and the full load finds the mistake
    (package / COMPILED_NAME).write_text("{not json", encoding="utf-8")
    assert _read_compiled(SCHEMAS, package) is None


def test_a_cold_start_imports_neither_jsonschema_nor_yaml():
    code = (
        "import sys, invoicespec\n"
        "assert invoicespec.is_valid('riverty.create_receivable', invoicespec.validator('riverty.create_receivable')"
        ".examples[0])\n"
        "print(sorted(m for m in ('jsonschema', 'referencing', 'yaml', 'phonenumbers', 'schwifty') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

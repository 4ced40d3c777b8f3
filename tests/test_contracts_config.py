"""The sixth API and the house contract (tests/contracts) through every route that names contract folders: the
command line's --schemas, INVOICESPEC_SCHEMAS, [tool.invoicespec] schemas in pyproject.toml, and the pytest plugin
(its fixtures and its fixture files); docs and OpenAPI from the command line; --jobs on a catalog of one's own."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import invoicespec
from invoicespec.cli import main

CONTRACTS = Path(__file__).parent / "contracts"
ACME = "acme.create_invoice"
HOUSE = "house.pennylane_invoice"


@pytest.fixture(autouse=True)
def _no_configuration(monkeypatch, tmp_path):
    monkeypatch.delenv("INVOICESPEC_SCHEMAS", raising=False)
    monkeypatch.chdir(tmp_path)  # no pyproject.toml above a temporary folder names contracts


@pytest.fixture
def payloads(tmp_path) -> dict[str, Path]:
    [example] = invoicespec.load_catalog(CONTRACTS).validator(ACME).examples
    files = {"valid": tmp_path / "valid.json", "invalid": tmp_path / "invalid.json",
             "house": tmp_path / "house.json"}
    files["valid"].write_text(json.dumps(example))
    files["invalid"].write_text(json.dumps(dict(example, dueDate="2026-01-01")))
    [shipped] = invoicespec.validator("pennylane.create_customer_invoice").examples[:1]
    files["house"].write_text(json.dumps(dict(shipped, external_reference="ACME-000001")))
    return files


def _validate_both(args: list[str], payloads: dict[str, Path], capsys) -> None:
    assert main(["validate", ACME, str(payloads["valid"]), *args]) == 0
    assert main(["validate", ACME, str(payloads["invalid"]), *args]) == 1
    assert "/dueDate: dueDate (2026-01-01) must be on or after issueDate (2026-03-01) [x-date-order]" in (
        capsys.readouterr().out)
    assert main(["validate", HOUSE, str(payloads["house"]), *args]) == 0
    capsys.readouterr()
    assert main(["normalize", ACME, str(payloads["valid"]), *args]) == 0
    assert json.loads(capsys.readouterr().out)["customer"]["phone"] == "+33123456789"


def test_schemas_option(payloads, capsys):
    _validate_both(["--schemas", str(CONTRACTS)], payloads, capsys)
    assert main(["validate", ACME, str(payloads["valid"])]) == 2  # without it: the shipped operations only
    assert "unknown operation 'acme.create_invoice'" in capsys.readouterr().err


def test_the_environment_variable(payloads, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("INVOICESPEC_SCHEMAS", os.pathsep.join([str(CONTRACTS), ""]))
    _validate_both([], payloads, capsys)
    assert main(["list", "--format", "json"]) == 0
    assert {ACME, HOUSE} <= {row["operation"] for row in json.loads(capsys.readouterr().out)}


def test_pyproject_toml_relative_to_it(payloads, capsys, monkeypatch, tmp_path):
    shutil.copytree(CONTRACTS, tmp_path / "project/contracts")
    (tmp_path / "project/pyproject.toml").write_text('[tool.invoicespec]\nschemas = ["contracts"]\n')
    (tmp_path / "project/sub").mkdir()
    monkeypatch.chdir(tmp_path / "project/sub")  # the nearest pyproject.toml above
    _validate_both([], payloads, capsys)


def test_a_bad_pyproject_setting_is_one_line_and_exit_2(capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.invoicespec]\nschemas = "contracts"\n')
    assert main(["list"]) == 2
    assert capsys.readouterr().err == (f"invoicespec: error: {tmp_path / 'pyproject.toml'}: [tool.invoicespec] "
                                       "schemas must be a list of folders, such as [\"contracts\"]\n")


def test_jobs_pickle_the_catalogs_validators(payloads, capsys):
    files = [str(payloads["valid"]), str(payloads["invalid"])]
    assert main(["validate", ACME, *files, "--jobs", "2", "--format", "json", "--schemas", str(CONTRACTS)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [entry["valid"] for entry in report["results"]] == [True, False]
    assert [e["keyword"] for e in report["results"][1]["errors"]] == ["x-date-order"]


def test_docs_and_openapi_cover_the_folders(tmp_path, capsys):
    assert main(["docs", "--out", str(tmp_path / "docs"), "--schemas", str(CONTRACTS)]) == 0
    page = (tmp_path / "docs" / f"{ACME}.md").read_text(encoding="utf-8")
    assert "Acme Billing (API v1)" in page and "`dueDate`" in page
    assert (tmp_path / "docs" / f"{HOUSE}.md").exists()
    assert ACME in (tmp_path / "docs/index.html").read_text(encoding="utf-8")
    assert main(["openapi", "--out", str(tmp_path / "openapi.json"), "--schemas", str(CONTRACTS)]) == 0
    document = json.loads((tmp_path / "openapi.json").read_text(encoding="utf-8"))
    operation = document["paths"]["/v1/accounts/{accountId}/invoices"]["post"]
    assert operation["operationId"] == ACME
    assert set(operation["responses"]) == {"201", "4XX"}
    assert [p["name"] for p in operation["parameters"] if p["in"] == "path"] == ["accountId"]
    assert "acme.create_invoice.request" in document["components"]["schemas"]
    assert "acme.error" in document["components"]["schemas"]


def test_lint_lists_every_problem(tmp_path, capsys):
    broken = tmp_path / "broken"
    shutil.copytree(CONTRACTS, broken)
    request = broken / "acme/create_invoice/request.yaml"
    request.write_text(request.read_text().replace("x-phone:", "x-phon:"))
    manifest = broken / "house/pennylane_invoice/operation.yaml"
    manifest.write_text(manifest.read_text().replace("method: POST", "method: FETCH"))
    assert main(["lint", str(broken)]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{request}: at /properties/customer/properties/phone: unknown keyword 'x-phon' (did you " \
                       "mean 'x-phone'?)"
    assert lines[1].startswith(f"{manifest}: at /method: 'FETCH' is not one of")
    assert lines[2] == f"{broken}: 2 problems"
    assert main(["lint", str(CONTRACTS)]) == 0
    assert capsys.readouterr().out == f"{CONTRACTS}: no problem\n"


PLUGIN_TESTS = '''
import invoicespec

def test_check_and_samples(invoicespec_check, invoicespec_samples, invoicespec_catalog):
    [example] = invoicespec_catalog.validator("acme.create_invoice").examples
    assert invoicespec_check("acme.create_invoice", example)["customer"]["phone"] == "+33123456789"
    for payload in invoicespec_samples("acme.create_invoice", count=5):
        assert invoicespec_catalog.is_valid("acme.create_invoice", payload)
    for payload, path, keyword in invoicespec_samples("house.pennylane_invoice", count=5, faults=True):
        assert path in [e.path for e in invoicespec_catalog.errors("house.pennylane_invoice", payload)]
'''


def test_the_pytest_plugin_fixtures_and_fixture_files(pytester: pytest.Pytester, payloads):
    shutil.copytree(CONTRACTS, pytester.path / "contracts")
    pytester.makepyprojecttoml('''
[tool.invoicespec]
schemas = ["contracts"]

[tool.invoicespec.fixtures]
"payloads/acme/*.json" = "acme.create_invoice"
"payloads/broken/*.json" = "acme.create_invoice:request:invalid"
"payloads/house/*.json" = "house.pennylane_invoice"
''')
    for folder, name in (("acme", "valid"), ("broken", "invalid"), ("house", "house")):
        (pytester.path / "payloads" / folder).mkdir(parents=True)
        shutil.copy(payloads[name], pytester.path / "payloads" / folder / f"{name}.json")
    (pytester.path / "invoicespec-fixtures/acme.create_invoice/response.201").mkdir(parents=True)
    (pytester.path / "invoicespec-fixtures/acme.create_invoice/response.201/created.json").write_text(
        '{"id": "inv_0a1b2c3d", "status": "open"}')
    pytester.makepyfile(test_contracts_plugin=PLUGIN_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=5)

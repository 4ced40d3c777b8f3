"""Contracts of one's own: the sixth API of the README's "Your own contracts" (``tests/contracts/acme``) and a house
contract over the shipped Pennylane one (``tests/contracts/house``), through load_catalog, the strategies, docs and
OpenAPI, and pickling. The command line, the environment variable, pyproject.toml and the pytest plugin are in
test_contracts_config.py; the load-time refusals in test_contracts_refusals.py."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import invoicespec
from invoicespec.strategies import faults, payloads

CONTRACTS = Path(__file__).parent / "contracts"
ACME = "acme.create_invoice"
HOUSE = "house.pennylane_invoice"
USER_PARTS = [(ACME, part) for part in ("request", "request.headers", "request.path", "response.201",
                                        "response.4XX")] + [(HOUSE, part) for part in ("request", "request.headers")]


@pytest.fixture(scope="module")
def catalog() -> invoicespec.Catalog:
    return invoicespec.load_catalog(CONTRACTS)


def test_the_catalog_holds_the_folders_operations_and_the_shipped_ones(catalog):
    assert {ACME, HOUSE} <= set(catalog.operations())
    assert set(invoicespec.operations()) < set(catalog.operations())
    assert catalog.parts(ACME) == ("request", "request.headers", "request.path", "response.201", "response.4XX")
    info = catalog.operation_info(ACME)
    assert (info.vendor, info.method, info.path, info.docs) == (
        "Acme Billing (API v1)", "POST", "/v1/accounts/{accountId}/invoices", ())
    alone = invoicespec.load_catalog(CONTRACTS, shipped=False)
    assert alone.operations() == (ACME, HOUSE)
    assert ACME not in invoicespec.operations()  # the module-level functions keep to the shipped catalog
    with pytest.raises(invoicespec.UnknownOperation, match="acme.create_invoice"):
        alone.validator("getbill.create_debt")


def test_the_sixth_api_checks_every_rule_the_readme_lists(catalog):
    [example] = catalog.validator(ACME).examples
    assert catalog.is_valid(ACME, example)
    broken = copy.deepcopy(example)
    broken["dueDate"] = "2026-02-28"
    broken["customer"]["phone"] = "01 23"
    broken["iban"] = "FR1420041010050500013M02607"
    broken["lines"].append({"sku": "BOOK01", "quantity": 1, "unitPrice": 1.005})
    found = [(error.path, error.keyword) for error in catalog.errors(ACME, broken)]
    assert found == [("/dueDate", "x-date-order"), ("/customer/phone", "x-phone"), ("/iban", "x-iban"),
                     ("/lines/1/sku", "x-unique-by"), ("/lines/1/unitPrice", "x-digits")]
    assert catalog.normalize(ACME, example)["customer"]["phone"] == "+33123456789"
    assert catalog.is_valid(ACME, {"Authorization": "Bearer k", "Content-Type": "application/json"},
                            "request.headers")
    assert catalog.normalize(ACME, {"accountId": "42"}, "request.path") == {"accountId": 42}
    assert [e.keyword for e in catalog.errors(ACME, {"accountId": "0"}, "request.path")] == ["minimum"]
    assert catalog.is_valid(ACME, {"id": "inv_0a1b2c3d", "status": "open"}, "response.201")
    assert catalog.validator(ACME, "response.404") is catalog.validator(ACME, "response.4XX")
    assert [e.path for e in catalog.errors(ACME, {"code": "not_found"}, "response.404")] == ["/message"]


def test_the_house_contract_adds_its_rules_to_the_shipped_ones(catalog):
    [without, *_] = invoicespec.validator("pennylane.create_customer_invoice").examples  # has no reference
    assert [(e.path, e.keyword) for e in catalog.errors(HOUSE, without)] == [("/external_reference", "required")]
    ours = dict(without, external_reference="ACME-000123")
    assert catalog.errors(HOUSE, ours) == []
    assert [e.keyword for e in catalog.errors(HOUSE, dict(ours, external_reference="PO-1"))] == ["pattern"]
    shipped_rule = dict(ours, currency="euros")  # the shipped contract's rules still hold, with its messages
    assert catalog.errors(HOUSE, shipped_rule) == invoicespec.errors("pennylane.create_customer_invoice",
                                                                     shipped_rule) != []
    headers = {"Authorization": "Bearer abc", "Content-Type": "application/json"}
    assert catalog.is_valid(HOUSE, headers, "request.headers")
    assert not invoicespec.is_valid("pennylane.create_customer_invoice", headers, "request.headers")


@pytest.mark.parametrize(("operation", "part"), USER_PARTS)
def test_drawn_payloads_are_valid_and_each_fault_is_reported_where_it_says(catalog, operation, part):
    validator = catalog.validator(operation, part)

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(payloads(operation, part, catalog=catalog), faults(operation, part, catalog=catalog))
    def check(payload, fault):
        assert validator.errors(payload) == []
        broken, path, keyword = fault
        errors = validator.errors(broken)
        assert errors and all(error.path == path for error in errors), (path, keyword, errors)
        assert any(error.keyword == keyword for error in errors), (path, keyword, errors)

    check()


def test_the_strategies_refuse_an_operation_of_another_catalog(catalog):
    with pytest.raises(invoicespec.UnknownOperation):
        payloads(ACME)
    assert payloads(ACME, catalog=catalog) is not None


def test_validators_and_catalogs_pickle_by_folder(catalog):
    validator = catalog.validator(ACME)
    clone = pickle.loads(pickle.dumps(validator))
    assert clone is validator  # the same folders load once per process
    assert pickle.loads(pickle.dumps(catalog)) is catalog
    assert pickle.loads(pickle.dumps(invoicespec.validator("getbill.create_debt"))) is invoicespec.validator(
        "getbill.create_debt")


def test_dask_verdicts_in_worker_processes(catalog, tmp_path):
    dask = pytest.importorskip("dask")
    import json

    import invoicespec.dask as isd

    [example] = catalog.validator(ACME).examples
    lines = [example, dict(example, dueDate="2026-01-01"), {"number": "INV-1"}]
    (tmp_path / "invoices.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    checked = isd.verdicts(tmp_path / "invoices.jsonl", ACME, catalog=catalog)
    with dask.config.set(scheduler="processes", num_workers=2):
        verdicts = checked.compute()
    assert [verdict["valid"] for verdict in verdicts] == [True, False, False]
    assert [e["keyword"] for e in verdicts[1]["errors"]] == ["x-date-order"]
    with pytest.raises(invoicespec.UnknownOperation):
        isd.verdicts(tmp_path / "invoices.jsonl", ACME)


def _readme_blocks() -> list[str]:
    """The YAML blocks of the README's "Your own contracts" section."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own contracts", 1)[1].split("\n## ", 1)[0]
    return [block.split("\n", 1)[1] for block in section.split("```")[1::2] if block.startswith("yaml\n")]


def test_the_readme_alone_writes_a_sixth_api_and_a_house_contract(tmp_path):
    manifest, body, house, *_ = _readme_blocks()
    schema = "$schema: https://schemas.invoicespec.dev/_common/meta/dialect.yaml\n"
    operation = tmp_path / "acme/create_invoice"
    operation.mkdir(parents=True)
    (operation / "operation.yaml").write_text(manifest)
    (operation / "request.yaml").write_text(body)
    # The other parts as the README's prose describes them.
    (operation / "request.headers.yaml").write_text(schema + (
        "title: Headers\ndescription: The token.\ntype: object\nrequired: [authorization]\nproperties:\n"
        '  authorization: {type: string, pattern: "^Bearer [A-Za-z0-9._~+/-]+=*$"}\n'
        "additionalProperties: {type: string}\n"))
    (operation / "request.path.yaml").write_text(schema + (
        "title: Path\ndescription: The account.\ntype: object\nrequired: [accountId]\n"
        "properties:\n  accountId: {type: integer, minimum: 1}\n"))
    (operation / "response.201.yaml").write_text(schema + "title: Created\ndescription: The id.\ntype: object\n"
                                                 "required: [id]\nproperties:\n  id: {type: string}\n")
    (operation / "response.4XX.yaml").write_text(schema + "title: Error\ndescription: Why.\n$ref: ../error.yaml\n")
    (tmp_path / "acme/error.yaml").write_text(schema + "title: Error\ndescription: Why.\ntype: object\n"
                                              "required: [message]\nproperties:\n  message: {type: string}\n")
    (tmp_path / "house/pennylane_invoice").mkdir(parents=True)
    (tmp_path / "house/pennylane_invoice/operation.yaml").write_text(
        "vendor: Pennylane\nmethod: POST\npath: /api/external/v2/customer_invoices\nsummary: House rules.\n"
        "parts:\n  request: {schema: request.yaml, description: The invoice.}\n")
    (tmp_path / "house/pennylane_invoice/request.yaml").write_text(house)

    readme_catalog = invoicespec.load_catalog(tmp_path)
    reference = invoicespec.load_catalog(CONTRACTS)
    [example] = readme_catalog.validator(ACME).examples
    assert example == reference.validator(ACME).examples[0]
    broken = dict(example, dueDate="2026-02-01", iban="FR1420041010050500013M02607")
    assert readme_catalog.errors(ACME, broken) == reference.errors(ACME, broken) != []
    assert readme_catalog.normalize(ACME, {"accountId": "42"}, "request.path") == {"accountId": 42}
    assert [e.path for e in readme_catalog.errors(ACME, {}, "response.404")] == ["/message"]
    [pennylane, *_] = invoicespec.validator("pennylane.create_customer_invoice").examples
    assert [e.path for e in readme_catalog.errors(HOUSE, pennylane)] == ["/external_reference"]
    assert readme_catalog.is_valid(HOUSE, dict(pennylane, external_reference="ACME-000001"))

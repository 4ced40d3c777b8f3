"""The contract mock and the validating clients, over real HTTP on loopback (uvicorn in a thread, or the
command line in a subprocess), with real httpx and requests clients, sync and async."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import requests

import invoicespec
from invoicespec.httpx import AsyncValidatingTransport, ContractWarning, ValidatingTransport
from invoicespec.live.app import MAX_VIOLATIONS_HEADER, running
from invoicespec.live.contract import example_request
from invoicespec.requests import ValidatingAdapter

GETBILL = "/external-api/v1/debts"
TOKEN = {"Authorization": "Bearer gb_test_123"}
DEBT = {"firstname": "Paul", "lastname": "Martin", "phone": "06 12 34 56 78", "amount": 420, "currency": "EUR"}


def violations_of(response):
    return json.loads(response.headers["invoicespec-violations"])


def assert_documented(operation, response):
    part = f"response.{response.status_code}"
    assert invoicespec.errors(operation, response.json(), part) == []


@pytest.fixture(scope="module")
def client(invoicespec_mock):
    with httpx.Client(base_url=invoicespec_mock) as client:
        yield client


# --- the mock ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", invoicespec.operations())
def test_a_valid_request_gets_the_documented_success(client, operation):
    path, headers, body = example_request(operation)
    response = client.post(path, json=body, headers=headers)
    success = min(int(p[9:]) for p in invoicespec.parts(operation) if p.startswith("response.2"))
    assert response.status_code == success
    assert "invoicespec-violations" not in response.headers
    assert_documented(operation, response)


def test_the_same_request_gets_the_same_answer_and_the_seed_picks_it():
    path, headers, body = example_request("pennylane.create_customer_invoice")
    answers = set()
    for seed in range(6):
        with running(seed=seed) as url:
            first = httpx.post(url + path, json=body, headers=headers)
            again = httpx.post(url + path, json=body, headers=headers)
        assert first.content == again.content
        answers.add(first.content)
    assert len(answers) == 2  # the part has two examples, and the seeds reach both


def test_header_names_are_case_insensitive_and_a_server_prefix_is_fine(client):
    response = client.post("/sandbox" + GETBILL, json=DEBT, headers={"AUTHORIZATION": "Bearer x1"})
    assert response.status_code == 201


def test_a_declared_header_sent_twice_is_a_violation(client):
    response = client.post(GETBILL, json=DEBT, headers=[("Authorization", "Bearer a"), ("authorization", "Bearer b")])
    assert response.status_code == 401
    assert [(v["path"], v["keyword"]) for v in violations_of(response)][0] == ("/authorization", "x-headers")


def test_path_parameters_are_read_through_the_path_part(client):
    path, headers, body = example_request("riverty.create_receivable")
    response = client.post("/v1/clients/0/receivables", json=body, headers=headers)
    assert response.status_code == 400
    assert violations_of(response) == [{"part": "request.path", "path": "/clientId", "keyword": "minimum",
                                        "message": "must be at least 1, not 0"}]
    assert_documented("riverty.create_receivable", response)
    assert response.json()["validationFailures"] == [{"name": "/clientId", "reason": "must be at least 1, not 0"}]


@pytest.mark.parametrize("operation", ["getbill.create_debt", "pigello.create_debt_invoice"])
def test_a_missing_credential_gets_401(client, operation):
    path, _, body = example_request(operation)
    response = client.post(path, json=body)
    assert response.status_code == 401
    assert {v["part"] for v in violations_of(response)} == {"request.headers"}
    assert_documented(operation, response)


def test_a_bad_body_gets_the_documented_400_with_every_violation_in_the_vendor_shape(client):
    response = client.post(GETBILL, json={**DEBT, "amount": "x", "currency": "euro"}, headers=TOKEN)
    assert response.status_code == 400
    found = violations_of(response)
    assert {(v["path"], v["keyword"]) for v in found} == {("/amount", "type"), ("/currency", "pattern")} or \
        {v["path"] for v in found} == {"/amount", "/currency"}
    assert response.json()["code"] == 400
    assert set(response.json()["details"]) == {"/amount", "/currency"}
    assert_documented("getbill.create_debt", response)


def test_a_class_part_answers_when_no_400_is_documented(client):
    path, headers, body = example_request("nitrobox.create_deposit_invoice")
    response = client.post(path, json={**body, "currency": 7}, headers=headers)
    assert response.status_code == 400
    assert invoicespec.errors("nitrobox.create_deposit_invoice", response.json(), "response.4XX") == []
    assert response.json()["errors"] == [{"fieldName": v["path"], "error": v["message"]}
                                         for v in violations_of(response)]


def test_an_operation_without_a_documented_client_error_answers_a_problem(client):
    path, headers, body = example_request("pigello.create_debt_invoice")
    response = client.post(path, json={**body, "kind": "nope"}, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["violations"] == violations_of(response)
    assert problem["violations"][0]["path"] == "/kind"


@pytest.mark.parametrize("content, keyword", [
    (b'{"firstname": ', "json"),
    (b"\xff\xfe", "json"),
    (b"", "json"),
    (b'{"amount": NaN}', "json"),
    (b"[" * 100_000 + b"]" * 100_000, "max-depth"),
    (b'{"a":' * 200 + b"1" + b"}" * 200, "max-depth"),
])
def test_a_body_that_is_not_json_data_is_a_400_never_a_500(client, content, keyword):
    response = client.post(GETBILL, content=content, headers={**TOKEN, "content-type": "application/json"})
    assert response.status_code == 400
    assert [(v["part"], v["keyword"]) for v in violations_of(response)] == [("request", keyword)]
    assert_documented("getbill.create_debt", response)


def test_a_huge_body_is_a_413(client):
    response = client.post(GETBILL, content=b" " * (10 * 1024 * 1024 + 1), headers=TOKEN)
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_a_wrong_method_is_a_405_and_an_unknown_route_a_404_listing_the_routes(client):
    wrong = client.get(GETBILL)
    assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    unknown = client.delete("/no/such/route")
    assert unknown.status_code == 404
    assert "POST /external-api/v1/debts (getbill.create_debt)" in unknown.json()["routes"]
    assert len(unknown.json()["routes"]) == len(invoicespec.operations())


def test_the_violations_header_is_capped(client):
    lines = [{"label": 1, "quantity": "x", "unit": 5, "vat_rate": None}] * 200
    path, headers, body = example_request("pennylane.create_customer_invoice")
    response = client.post(path, json={**body, "invoice_lines": lines}, headers=headers)
    assert response.status_code in (400, 422)
    header = response.headers["invoicespec-violations"]
    assert len(header) <= MAX_VIOLATIONS_HEADER and len(json.loads(header)) > 5


def test_the_violations_header_can_be_switched_off():
    with running(violations_header_on=False) as url:
        response = httpx.post(url + GETBILL, json={}, headers=TOKEN)
    assert response.status_code == 400 and "invoicespec-violations" not in response.headers


@pytest.mark.parametrize("prefer, status", [("code=429", 429), ("code=404", 404), ("code=500", 500)])
def test_prefer_code_asks_for_a_documented_answer(client, prefer, status):
    response = client.post(GETBILL, json=DEBT, headers={**TOKEN, "Prefer": prefer})
    assert response.status_code == status
    assert invoicespec.errors("getbill.create_debt", response.json(), f"response.{status}") == []


def test_prefer_example_and_dynamic(client):
    path, headers, body = example_request("pigello.create_debt_invoice")
    examples = invoicespec.validator("pigello.create_debt_invoice", "response.201").examples
    for index, example in enumerate(examples):
        response = client.post(path, json=body, headers={**headers, "Prefer": f"example={index}"})
        assert response.json() == example
    drawn = client.post(path, json=body, headers={**headers, "Prefer": "dynamic=true"})
    assert drawn.status_code == 201
    assert_documented("pigello.create_debt_invoice", drawn)


def test_prefer_an_undocumented_code_is_a_clear_400(client):
    response = client.post(GETBILL, json=DEBT, headers={**TOKEN, "Prefer": "code=302"})
    assert response.status_code == 400 and "documents no response 302" in response.json()["detail"]


def test_one_log_line_per_exchange(client, caplog):
    with caplog.at_level(logging.INFO, logger="invoicespec.mock"):
        client.post(GETBILL, json={}, headers=TOKEN)
        client.get("/nowhere")
    assert [r.getMessage() for r in caplog.records if r.name == "invoicespec.mock"][-2:] == [
        f"POST {GETBILL} 400 violations=5", "GET /nowhere 404 violations=0"]


def test_the_command_line_serves_the_mock():
    process = subprocess.Popen(
        [sys.executable, "-m", "invoicespec", "mock", "--port", "0", "--seed", "3", "--no-violations-header"],
        stderr=subprocess.PIPE, text=True)
    try:
        url = None
        for line in process.stderr:
            found = re.search(r"running on (http://\S+)", line)
            if found:
                url = found.group(1)
                break
        assert url is not None
        response = httpx.post(url + GETBILL, json={}, headers=TOKEN)
        assert response.status_code == 400 and "invoicespec-violations" not in response.headers
        for line in process.stderr:
            if "violations=" in line:
                assert f"POST {GETBILL} 400 violations=5" in line
                break
    finally:
        process.terminate()
        process.wait(10)
        process.stderr.close()


def test_a_schema_folder_of_its_own(tmp_path):
    from importlib.resources import files

    from invoicespec.catalog.load import load_catalog

    catalog = load_catalog(files("invoicespec") / "schemas")
    with running(catalog=catalog) as url:
        response = httpx.post(url + GETBILL, json=DEBT, headers=TOKEN)
    assert response.status_code == 201


# --- the validating clients --------------------------------------------------------------------------------------


class Counting(httpx.HTTPTransport):
    def __init__(self):
        super().__init__()
        self.sent = 0

    def handle_request(self, request):
        self.sent += 1
        return super().handle_request(request)


def test_httpx_sends_a_valid_request_and_refuses_an_invalid_one(invoicespec_mock):
    wrapped = Counting()
    with httpx.Client(base_url=invoicespec_mock, transport=ValidatingTransport(wrapped)) as client:
        assert client.post(GETBILL, json=DEBT, headers=TOKEN).status_code == 201
        with pytest.raises(invoicespec.InvalidPayload) as raised:
            client.post(GETBILL, json={**DEBT, "amount": -1}, headers=TOKEN)
        assert raised.value.part == "request" and [e.path for e in raised.value.errors] == ["/amount"]
        with pytest.raises(invoicespec.InvalidPayload) as raised:
            client.post(GETBILL, json=DEBT, headers={"authorization": "token"})
        assert raised.value.part == "request.headers"
    assert wrapped.sent == 1


def test_a_request_matching_no_operation_passes_through(invoicespec_mock):
    with httpx.Client(base_url=invoicespec_mock, transport=ValidatingTransport()) as client:
        assert client.get("/health").status_code == 404


class _Vendor(BaseHTTPRequestHandler):
    """A vendor that breaks its contract: 201 with a body missing the debt, and 302 (undocumented)."""

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["content-length"]))
        status, body = (302, b"{}") if self.path.startswith("/redirect") else (201, b'{"error": false}')
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def vendor():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Vendor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_httpx_flags_an_answer_that_breaks_the_contract(vendor):
    with httpx.Client(base_url=vendor, transport=ValidatingTransport()) as client:
        with pytest.raises(invoicespec.InvalidPayload) as raised:
            client.post(GETBILL, json=DEBT, headers=TOKEN)
        assert raised.value.part == "response.201"
        with pytest.raises(invoicespec.InvalidPayload) as raised:
            client.post("/redirect" + GETBILL, json=DEBT, headers=TOKEN)
        assert raised.value.errors[0].keyword == "status"
    with httpx.Client(base_url=vendor, transport=ValidatingTransport(check_responses=False)) as client:
        assert client.post(GETBILL, json=DEBT, headers=TOKEN).status_code == 201


def test_the_policies_warn_and_record(vendor):
    transport = ValidatingTransport(on_request="record", on_response="warn")
    with httpx.Client(base_url=vendor, transport=transport) as client:
        with pytest.warns(ContractWarning, match="response.201"):
            response = client.post(GETBILL, json={}, headers=TOKEN)
    assert response.status_code == 201  # sent anyway, answered
    assert [(v.part, len(v.errors)) for v in transport.violations] == [("request", 5)]
    with pytest.raises(ValueError, match="on_request must be one of raise, warn, record"):
        ValidatingTransport(on_request="ignore")


def test_httpx_async(invoicespec_mock, vendor):
    async def calls():
        transport = AsyncValidatingTransport()
        async with httpx.AsyncClient(base_url=invoicespec_mock, transport=transport) as client:
            path, headers, body = example_request("riverty.create_receivable")
            answers = await asyncio.gather(*(client.post(path, json=body, headers=headers) for _ in range(5)))
            assert {a.status_code for a in answers} == {200}
            with pytest.raises(invoicespec.InvalidPayload) as raised:
                await client.post("/v1/clients/x/receivables", json=body, headers=headers)
            assert raised.value.part == "request.path"
        async with httpx.AsyncClient(base_url=vendor, transport=AsyncValidatingTransport()) as client:
            with pytest.raises(invoicespec.InvalidPayload) as raised:
                await client.post(GETBILL, json=DEBT, headers=TOKEN)
            assert raised.value.part == "response.201"

    asyncio.run(calls())


def test_requests_adapter(invoicespec_mock, vendor):
    session = requests.Session()
    adapter = ValidatingAdapter()
    session.mount("http://", adapter)
    assert session.post(invoicespec_mock + GETBILL, json=DEBT, headers=TOKEN).status_code == 201
    with pytest.raises(invoicespec.InvalidPayload) as raised:
        session.post(invoicespec_mock + GETBILL, data="{nope", headers={**TOKEN, "content-type": "application/json"})
    assert raised.value.errors[0].keyword == "json"
    with pytest.raises(invoicespec.InvalidPayload) as raised:
        session.post(vendor + GETBILL, json=DEBT, headers=TOKEN)
    assert raised.value.part == "response.201"
    recording = requests.Session()
    recording.mount("http://", ValidatingAdapter(on_request="record", on_response="record"))
    answer = recording.post(invoicespec_mock + GETBILL, json={}, headers=TOKEN)
    assert answer.status_code == 400  # the mock's answer is itself valid: only the request is recorded
    assert [v.part for v in recording.get_adapter("http://").violations] == ["request"]

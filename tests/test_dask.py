"""invoicespec.dask on Dask's local schedulers, and validators crossing process boundaries.

The dataset is the Pennylane request examples (valid and invalid, with arrays, so path
patterns get their ``*``) written as JSON Lines over four files: an empty one, one
starting with a byte order mark and holding every kind of malformed line, one with
blank lines and a CRLF line ending, and a gzipped one. Every verdict is checked
against ``invoicespec.errors`` for its record, at its exact FILE:LINE.
"""

from __future__ import annotations

import copy
import gzip
import importlib
import json
import multiprocessing
import operator
import pickle
import re
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import dask
import dask.bag as db
import pytest

import invoicespec
import invoicespec.dask as isd
from invoicespec.io.files import read_payload
from invoicespec.io.yaml_loader import load_trusted

from conftest import EXAMPLES

OP = "pennylane.create_customer_invoice"
EXAMPLE_DIR = EXAMPLES / OP / "request"

# Lines that are not strict JSON, with the message their verdict must carry.
MALFORMED = [
    (b'{"date": NaN}', "NaN is not valid JSON: only finite numbers are allowed"),
    (b'{"date": "2024-01-01", "date": "2024-01-02"}', "duplicate key 'date' in an object"),
    (b'{"date": "2024-01-01",', "not valid JSON: Expecting property name enclosed in double quotes (column 23)"),
    (b'{"label": "\xff\xfe"}', "not UTF-8 text (byte 12 of the line)"),
    (b"[" * 101 + b"]" * 101, "the document is nested more than 100 levels deep"),
    (b"1e400", "the number 1e400 is too large to be represented"),
]


def _example_files():
    return sorted(path for path in EXAMPLE_DIR.glob("*/*.json"))


def _line(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The files, and the verdicts they must give, in file and line order."""
    folder = tmp_path_factory.mktemp("jsonl")
    records = [(file, read_payload(str(file))) for file in _example_files()]
    assert len(records) > 60 and any("valid" == file.parent.name for file, _ in records)
    malformed = list(MALFORMED)
    files = {"part-0.jsonl": [], "part-1.jsonl": [], "part-2.jsonl": [], "part-3.jsonl.gz": []}
    for index, (file, payload) in enumerate(records):
        name = "part-1.jsonl" if index < 40 else "part-2.jsonl" if index < len(records) - 5 else "part-3.jsonl.gz"
        files[name].append((file, payload, _line(payload)))
        if index % 6 == 1 and malformed:  # after records 2, 8, 14...: all within part-1
            text, message = malformed.pop(0)
            files[name].append((None, message, text))
        if index in (45, 46):
            files[name].append((None, None, b"  \t" if index == 45 else b""))  # blank lines: no records
    assert not malformed and len(files["part-1.jsonl"]) == 40 + len(MALFORMED)

    expected, pinned = [], {}
    for name, lines in files.items():
        path = folder / name
        data = b""
        for number, (file, payload, text) in enumerate(lines, start=1):
            ending = b"\r\n" if number == 3 and name == "part-2.jsonl" else b"\n"
            data += text + ending
            source = f"{path}:{number}"
            if file is not None:
                errors = [error.to_dict() for error in invoicespec.errors(OP, payload)]
                expected.append({"source": source, "valid": not errors, "readable": True, "errors": errors})
                pinned[source] = file
            elif payload is not None:
                expected.append({"source": source, "valid": False, "readable": False,
                                 "errors": [{"path": "", "keyword": "json", "message": payload}]})
        if name == "part-1.jsonl":
            data = b"\xef\xbb\xbf" + data  # a byte order mark, as some editors write
        path.write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    return {"glob": str(folder / "part-*"), "folder": folder, "expected": expected, "pinned": pinned}


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


# -- verdicts ----------------------------------------------------------------------------------------


def test_verdicts_are_the_validators_errors_at_each_file_and_line(dataset):
    checked = isd.verdicts(dataset["glob"], OP, blocksize=None)
    assert checked.npartitions == 4  # one per file, the empty one included
    assert checked.compute() == dataset["expected"]


@pytest.mark.parametrize("blocksize", [256, "1 kiB", 10**9])
def test_line_numbers_stay_exact_when_blocks_split_the_files(dataset, blocksize):
    checked = isd.verdicts(dataset["glob"], OP, blocksize=blocksize)
    if blocksize == 256:  # lines longer than a block too: some blocks hold no line at all
        assert checked.npartitions > 40
    assert checked.compute() == dataset["expected"]


def test_invalid_examples_report_their_pinned_error(dataset):
    pins = load_trusted((EXAMPLE_DIR / "invalid" / "expected.yaml").read_text(encoding="utf-8"))
    found = 0
    for verdict in isd.verdicts(dataset["glob"], OP).compute():
        file = dataset["pinned"].get(verdict["source"])
        if file is None:
            continue
        if file.parent.name == "valid":
            assert verdict["valid"] and verdict["errors"] == [], verdict
            continue
        found += 1
        pin = pins[file.name]
        assert [(e["path"], e["keyword"]) for e in verdict["errors"]] == [(pin["path"], pin["keyword"])]
    assert found == len(pins)


def test_malformed_lines_are_unreadable_verdicts_not_exceptions(dataset):
    unreadable = [v for v in isd.verdicts(dataset["glob"], OP).compute() if not v["readable"]]
    assert [v["errors"][0]["message"] for v in unreadable] == [message for _, message in MALFORMED]
    assert all(v["errors"][0]["keyword"] == "json" and not v["valid"] for v in unreadable)
    first = unreadable[0]["source"]
    assert re.fullmatch(r".*/part-1\.jsonl:3", first), first  # after two records


def test_validator_is_looked_up_once_per_partition_not_per_record(dataset, monkeypatch):
    calls = Counter()
    real = invoicespec.validator

    def counting(operation, part="request"):
        calls[(operation, part)] += 1
        return real(operation, part)

    monkeypatch.setattr(invoicespec, "validator", counting)
    checked = isd.verdicts(dataset["glob"], OP, blocksize=None)
    assert len(checked.compute()) == len(dataset["expected"])
    assert calls == {(OP, "request"): 1 + checked.npartitions}  # the eager name check, then one per partition


# -- summary -----------------------------------------------------------------------------------------


def _pattern(pointer):
    return re.sub(r"/(0|[1-9][0-9]*)(?=/|$)", "/*", pointer)


def test_summary_counts_are_exact(dataset):
    expected = dataset["expected"]
    result = isd.summary(isd.verdicts(dataset["glob"], OP, blocksize=512))
    readable = [v for v in expected if v["readable"]]
    assert result["total"] == len(expected) == result["valid"] + result["invalid"] + result["unreadable"]
    assert result["unreadable"] == len(MALFORMED)
    assert result["valid"] == sum(v["valid"] for v in readable) == len(list((EXAMPLE_DIR / "valid").glob("*.json")))
    assert result["invalid"] == sum(not v["valid"] for v in readable)
    errors = [(v["source"], e) for v in expected for e in v["errors"]]
    assert result["errors"] == len(errors)
    assert result["by_keyword"] == Counter(e["keyword"] for _, e in errors)
    assert list(result["by_keyword"].values()) == sorted(result["by_keyword"].values(), reverse=True)
    assert result["by_keyword"]["json"] == len(MALFORMED)
    by_path = Counter((_pattern(e["path"]), e["keyword"]) for _, e in errors)
    assert {(row["path"], row["keyword"]): row["count"] for row in result["by_path"]} == by_path
    assert len(result["by_path"]) == len(by_path)
    assert {"path": "/invoice_lines/*/vat_rate", "keyword": "enum", "count": 2} in result["by_path"]
    first = {}
    for source, error in errors:
        first.setdefault(error["keyword"], {"source": source, **error})
    assert result["samples"] == [first[keyword] for keyword in result["by_keyword"]]
    json.dumps(result)  # JSON-ready


def test_summary_of_nothing(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"\n\n")
    result = isd.summary(isd.verdicts(tmp_path / "empty.jsonl", OP))
    assert result == {"total": 0, "valid": 0, "invalid": 0, "unreadable": 0, "errors": 0,
                      "by_keyword": {}, "by_path": [], "samples": []}


def test_summary_is_lazy_on_request_and_shares_the_pass(dataset):
    checked = isd.verdicts(dataset["glob"], OP)
    lazy = isd.summary(checked, compute=False)
    assert isinstance(lazy, db.Item)
    result, bad = dask.compute(lazy, checked.filter(lambda v: not v["valid"]))
    assert result == isd.summary(checked)
    assert len(bad) == result["invalid"] + result["unreadable"]


def test_process_scheduler_gives_the_synchronous_results(dataset):
    checked = isd.verdicts(dataset["glob"], OP, blocksize=2048)
    synchronous = dask.compute(isd.summary(checked, compute=False), checked)
    with dask.config.set(scheduler="processes", num_workers=2):
        in_processes = dask.compute(isd.summary(checked, compute=False), checked)
    assert in_processes == synchronous
    assert synchronous[1] == dataset["expected"]


# -- bags --------------------------------------------------------------------------------------------


def test_a_bag_of_text_lines_gives_partition_positions(dataset):
    second = dataset["folder"] / "part-2.jsonl"
    checked = isd.verdicts(db.read_text(str(second)), OP)  # one partition: positions are line numbers
    want = [{**v, "source": v["source"].replace(f"{second}:", "partition-0:")}
            for v in dataset["expected"] if v["source"].startswith(f"{second}:")]
    assert checked.compute() == want


def test_a_bag_of_payloads_is_validated_as_is_and_left_untouched():
    payloads = [read_payload(str(file)) for file in _example_files()[:7]] + [{"date": float("nan")}, "{}"]
    before = copy.deepcopy(payloads[:7])
    checked = isd.verdicts(db.from_sequence(payloads, npartitions=3), OP).compute()
    assert payloads[:7] == before
    sources = [v["source"] for v in checked]
    assert sources[:4] == ["partition-0:1", "partition-0:2", "partition-0:3", "partition-1:1"]
    for payload, verdict in zip(payloads[:8], checked):
        assert verdict["readable"]
        assert verdict["errors"] == [e.to_dict() for e in invoicespec.errors(OP, payload)]
    assert checked[7]["errors"][0]["keyword"] == "json"  # NaN in a parsed payload: the validator's own error
    assert checked[8]["valid"] is False and checked[8]["readable"]  # "{}" is JSON text, an empty object


# -- bad input ---------------------------------------------------------------------------------------


def test_bad_arguments_fail_at_once_with_a_message(dataset, tmp_path):
    with pytest.raises(invoicespec.UnknownOperation):
        isd.verdicts(dataset["glob"], "nope.create")
    with pytest.raises(invoicespec.UnknownPart):
        isd.verdicts(dataset["glob"], OP, "reply")
    with pytest.raises(FileNotFoundError, match="no file matches"):
        isd.verdicts(str(tmp_path / "*.jsonl"), OP)
    with pytest.raises(FileNotFoundError, match="no such file"):
        isd.verdicts(str(tmp_path / "missing.jsonl"), OP)
    with pytest.raises(ValueError, match="blocksize must be"):
        isd.verdicts(dataset["glob"], OP, blocksize="lots")
    with pytest.raises(ValueError, match="blocksize must be"):
        isd.verdicts(dataset["glob"], OP, blocksize=0)
    with pytest.raises(ValueError, match="unknown compression 'rar'"):
        isd.verdicts(dataset["glob"], OP, compression="rar")
    with pytest.raises(TypeError, match="verdicts\\(\\) reads a path"):
        isd.verdicts(42, OP)
    with pytest.raises(TypeError, match="summary\\(\\) takes the bag"):
        isd.summary([])


def test_import_without_dask_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)  # None in sys.modules makes the import fail
    monkeypatch.setitem(sys.modules, "dask.bag", None)
    monkeypatch.delitem(sys.modules, "invoicespec.dask")
    with pytest.raises(ImportError, match=re.escape('pip install "invoicespec[dask]"')):
        importlib.import_module("invoicespec.dask")


# -- validators across processes ---------------------------------------------------------------------

EVERY_PART = [(operation, part) for operation in invoicespec.operations() for part in invoicespec.parts(operation)]


@pytest.mark.parametrize(("operation", "part"), EVERY_PART)
def test_every_validator_pickles_by_name(operation, part):
    validator = invoicespec.validator(operation, part)
    data = pickle.dumps(validator)
    assert len(data) < 300  # the names, not a compiled schema
    assert pickle.loads(data) is validator  # rebuilt by name: the process's cached instance


def test_a_validator_survives_a_process_pool():
    validator = invoicespec.validator(OP)
    payloads = [read_payload(str(file)) for file in _example_files()[:4]]
    # spawn: a fresh interpreter, so the validator is rebuilt there from its names alone
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        names = pool.submit(operator.attrgetter("operation", "part"), validator).result()
        remote = list(pool.map(operator.methodcaller("errors", payloads[0]), [validator]))
        checked = [pool.submit(validator.errors, payload).result() for payload in payloads]
    assert names == (OP, "request")
    assert remote == [validator.errors(payloads[0])]
    assert checked == [validator.errors(payload) for payload in payloads]

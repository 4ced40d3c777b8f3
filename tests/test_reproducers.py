"""The faults an attack on the library found (issue 20), each held to its expected answer by its reproducer."""

from __future__ import annotations

import io
import json

import pytest

import invoicespec
from invoicespec._errors import error_line
from invoicespec.catalog.load import DIALECT, MAX_SCHEMA_DEPTH
from invoicespec.cli import main
from invoicespec.engine.validator import compile_schema

OP = "getbill.create_debt"
ALL_PARTS = [(op, part) for op in invoicespec.operations() for part in invoicespec.parts(op)]


# -- 1. a subclass of a JSON type is that JSON type: one verdict from is_valid, errors and normalize ---------


class Integer(int):
    pass


class Real(float):
    pass


def _numbers_as(payload, make):
    """``payload`` with every number (not booleans) replaced by ``make(number)``."""
    if isinstance(payload, dict):
        return {key: _numbers_as(value, make) for key, value in payload.items()}
    if isinstance(payload, list):
        return [_numbers_as(value, make) for value in payload]
    if isinstance(payload, (int, float)) and not isinstance(payload, bool):
        return make(payload)
    return payload


def _one_verdict(validator, payload):
    errors = validator.errors(payload)
    assert validator.is_valid(payload) is (errors == []), (validator, payload, errors)
    try:
        validator.normalize(payload)
    except invoicespec.InvalidPayload as invalid:
        assert list(invalid.errors) == errors
    else:
        assert errors == []
    return errors


def test_the_reproducer_of_subclassed_numbers():
    validator = invoicespec.validator(OP)
    payload = {"firstname": "A", "lastname": "B", "email": "a@b.fr", "amount": Integer(5), "currency": "EUR"}
    assert _one_verdict(validator, payload) == []
    assert _one_verdict(validator, dict(payload, amount=Real(5.5))) == []
    assert [e.keyword for e in _one_verdict(validator, dict(payload, amount=Integer(-5)))] == ["exclusiveMinimum"]


def test_subclassed_numbers_in_every_number_field_of_every_part():
    """Every number of every example, as a subclass, in range and far out of it: the verdicts agree, and
    equal those of the plain numbers."""
    checked = 0
    for operation, part in ALL_PARTS:
        validator = invoicespec.validator(operation, part)
        for example in validator.examples:
            for scale in (1, -(10 ** 9), 10 ** 9):
                plain = _numbers_as(example, lambda n, scale=scale: type(n)(n * scale))
                subclassed = _numbers_as(plain, lambda n: Integer(n) if isinstance(n, int) else Real(n))
                assert _one_verdict(validator, subclassed) == validator.errors(plain)
                checked += 1
    assert checked > 100


# -- 6. Python's own words never reach the user: a 5,000-digit integer is described as what it is -----------


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".yaml"])
def test_an_integer_too_long_to_read_says_so(tmp_path, capsys, suffix):
    digits = "1" * 5_000
    text = f'{{"amount": {digits}}}\n' if suffix != ".yaml" else f"amount: {digits}\n"
    path = tmp_path / f"payload{suffix}"
    path.write_text(text)
    status = main(["validate", OP, str(path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert "sys." not in out + err and "int_max_str_digits" not in out + err
    assert "integer of 5,000 digits" in err and "limit" in err


# -- 5. an empty document is a read error whatever its format ------------------------------------------------


@pytest.mark.parametrize(("name", "text"), [
    ("empty.json", ""), ("blank.json", " \n\t\n"), ("empty.yaml", ""), ("blank.yml", "\n  \n"),
    ("comment.yaml", "# nothing here\n"), ("marker.yaml", "---\n"), ("marker-end.yaml", "---\n...\n"),
    ("no-extension", ""), ("no-extension-blank", "\n\n"),
])
def test_an_empty_document_is_a_read_error(tmp_path, capsys, name, text):
    path = tmp_path / name
    path.write_text(text)
    for command in (["validate", OP, str(path)], ["normalize", OP, str(path)]):
        status = main(command)
        out, err = capsys.readouterr()
        assert status == 2, (command, out, err)
        assert err == f"{path}: the document is empty\n"


def test_empty_standard_input_is_a_read_error(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"  \n")))
    assert main(["validate", OP, "-"]) == 2
    assert capsys.readouterr().err == "<stdin>: the document is empty\n"


def test_an_explicit_null_is_still_a_payload(tmp_path, capsys):
    for name, text in (("null.yaml", "null\n"), ("tilde.yaml", "--- ~\n"), ("null.json", "null")):
        path = tmp_path / name
        path.write_text(text)
        assert main(["validate", OP, str(path)]) == 1
        assert "must be an object, not null" in capsys.readouterr().out


# -- 7. a schema nested too deep, or written for another dialect, is a SchemaError ------------------------------


def _nested(keyword, depth):
    schema = {"type": "string"}
    for _ in range(depth):
        schema = {keyword: schema} if keyword == "not" else {keyword: [schema]}
    return schema


@pytest.mark.parametrize("depth", [82, 1_000, 50_000])
@pytest.mark.parametrize("keyword", ["not", "allOf"])
def test_a_schema_nested_too_deep_is_a_schema_error(keyword, depth):
    with pytest.raises(invoicespec.SchemaError, match="nested too deep"):
        compile_schema(_nested(keyword, depth))


def test_data_nested_too_deep_in_a_schema_is_a_schema_error():
    const = None
    for _ in range(5_000):
        const = [const]
    with pytest.raises(invoicespec.SchemaError, match="nested too deep"):
        compile_schema({"const": const})


def test_a_schema_nested_up_to_the_limit_compiles_and_validates():
    negations = MAX_SCHEMA_DEPTH - 1  # the worst case: a level of subschemas per level of nesting
    validator = compile_schema(_nested("not", negations))
    assert validator.is_valid("x") is (negations % 2 == 0)
    assert (validator.errors(1) == []) is (negations % 2 == 1)
    levels = (MAX_SCHEMA_DEPTH - 1) // 2
    schema = {"type": "string"}
    payload = "x"
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
        payload = {"a": payload}
    validator = compile_schema(schema)
    assert validator.is_valid(payload) and validator.errors(payload) == []
    assert validator.normalize(payload) == payload
    (error,) = validator.errors(_nested_payload(levels, 1))
    assert (error.path, error.keyword) == ("/a" * levels, "type")


def _nested_payload(levels, leaf):
    for _ in range(levels):
        leaf = {"a": leaf}
    return leaf


def test_another_dialect_is_a_schema_error():
    with pytest.raises(invoicespec.SchemaError, match=r"\$schema"):
        compile_schema({"$schema": "http://json-schema.org/draft-04/schema#", "type": "string"})
    with pytest.raises(invoicespec.SchemaError, match=r"\$schema"):
        compile_schema({"$schema": 4, "type": "string"})
    assert compile_schema({"$schema": DIALECT, "type": "string"}).is_valid("x")
    assert compile_schema({"type": "string"}).is_valid("x")


# -- 2. what a payload holds never reaches a terminal or a CI log raw -----------------------------------------

INJECTED_KEY = "evil\n::error file=pwn.py,line=1::INJECTED"
RAW = ["\x1b", "\x00", "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\u2028"]


@pytest.mark.parametrize("output_format", ["text", "github", "junit"])
def test_payload_text_is_escaped_in_every_report(tmp_path, capsys, output_format):
    payload = {INJECTED_KEY: 1, "a\x1b[31mred\x00": 2, "b\x7f\x85\x9b": 3, "c\u202eevil\u2066\u2028": 4}
    path = tmp_path / "inj\x1b[2J.json"
    path.write_text(json.dumps(payload))
    assert main(["validate", OP, "--format", output_format, str(path)]) == 1
    out, err = capsys.readouterr()
    for line in (out + err).splitlines():
        assert not line.startswith("::error file=pwn.py"), line
    for char in RAW:
        assert char not in out + err, (char, out)
    assert "\\n::error file=pwn.py" in out.replace("%5Cn", "\\n")


def test_problems_and_normalize_are_escaped(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\n\x1b[31m: [\n")
    assert main(["validate", OP, str(path)]) == 2
    assert main(["normalize", OP, str(path)]) == 2
    (tmp_path / "bad.json").write_text(json.dumps({"x\x1b": 1}))
    assert main(["normalize", OP, str(tmp_path / "bad.json")]) == 1
    out, err = capsys.readouterr()
    assert not any(char in out + err for char in RAW), err


def test_error_lines_escape_controls_and_bidirectional_marks():
    line = error_line("/a\nb\x1b\u202e", "type", "value 'x\x00'")
    assert line == "/a\\nb\\x1b\\u202e: value 'x\\x00' [type]"


# -- 3. reads are bounded: a file larger than --max-bytes (64 MiB by default) is refused, never held whole ------


def test_an_endless_file_is_refused_at_the_default_limit(capsys):
    status = main(["validate", OP, "/dev/zero"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err == "/dev/zero: is larger than 64 MiB (--max-bytes): not read\n"


def test_max_bytes_sets_the_limit(tmp_path, capsys, monkeypatch):
    path = tmp_path / "payload.json"
    path.write_text('{"a": 1}\n')  # 9 bytes
    assert main(["validate", OP, "--max-bytes", "8", str(path)]) == 2
    assert capsys.readouterr().err == f"{path}: is larger than 8 bytes (--max-bytes): not read\n"
    assert main(["validate", OP, "--max-bytes", "9", str(path)]) == 1
    assert main(["normalize", OP, "--max-bytes", "8", str(path)]) == 2
    assert "is larger than 8 bytes" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"a": 1}\n')))
    assert main(["validate", OP, "--max-bytes", "8", "-"]) == 2
    assert capsys.readouterr().err == "<stdin>: is larger than 8 bytes (--max-bytes): not read\n"
    with pytest.raises(SystemExit) as usage:  # a usage error, before any input
        main(["validate", OP, "--max-bytes", "0", str(path)])
    assert usage.value.code == 2 and "--max-bytes" in capsys.readouterr().err


def test_max_bytes_holds_in_worker_processes(tmp_path, capsys):
    for index in range(3):
        (tmp_path / f"p{index}.json").write_text('{"a": 1}\n')
    assert main(["validate", OP, "--jobs", "2", "--max-bytes", "8", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("is larger than 8 bytes") == 3


# -- 4. reports are bounded: at most 100 errors a payload, then how many more ---------------------------------


def _many_errors(tmp_path, count=3_000):
    body = invoicespec.validator("nitrobox.create_deposit_invoice").examples[0]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(dict(body, items=[1] * count)))
    expected = len(invoicespec.errors("nitrobox.create_deposit_invoice", dict(body, items=[1] * count)))
    return path, expected


@pytest.mark.parametrize("output_format", ["text", "github"])
def test_text_reports_print_at_most_100_errors_a_payload(tmp_path, capsys, output_format):
    path, count = _many_errors(tmp_path)
    assert count > 3_000
    assert main(["validate", "nitrobox.create_deposit_invoice", "--format", output_format, str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 102  # a header or a summary line, 100 errors, and the rest counted
    assert f"and {count - 100:,} more errors" in lines[-1 if output_format == "text" else -2]
    if output_format == "text":
        assert lines[0] == f"{path}: invalid ({count} errors)"


def test_json_and_junit_keep_the_count_and_say_they_are_truncated(tmp_path, capsys):
    path, count = _many_errors(tmp_path)
    assert main(["validate", "nitrobox.create_deposit_invoice", "--format", "json", str(path)]) == 1
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert len(result["errors"]) == 100 and result["error_count"] == count and result["truncated"] is True
    assert main(["validate", "nitrobox.create_deposit_invoice", "--format", "junit", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"(and {count - 1} more)" in out and f"and {count - 100:,} more errors (not listed)" in out
    assert len(out.splitlines()) < 120


def test_a_few_errors_are_all_listed_without_a_count(tmp_path, capsys):
    path, count = _many_errors(tmp_path, count=3)
    assert main(["validate", "nitrobox.create_deposit_invoice", "--format", "json", str(path)]) == 1
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert len(result["errors"]) == count and "truncated" not in result and "error_count" not in result

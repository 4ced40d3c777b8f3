"""The command line: exit statuses, formats, stdin, unreadable files, no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from invoicespec.cli import main

from conftest import EXAMPLES

OP = "getbill.create_debt"
VALID = EXAMPLES / OP / "request" / "valid"
INVALID = EXAMPLES / OP / "request" / "invalid"


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_list(capsys):
    status, out, _ = run(capsys, "list")
    assert status == 0
    assert "getbill.create_debt  (GetBill: POST /external-api/v1/debts)" in out
    status, out, _ = run(capsys, "list", "--format", "json")
    listed = {row["operation"]: row for row in json.loads(out)}
    assert listed[OP]["parts"][0] == "request"


def test_validate_valid_files(capsys):
    status, out, _ = run(capsys, "validate", OP, str(VALID / "minimal-email.json"), str(VALID / "norway-yaml.yaml"))
    assert status == 0
    assert out.count(": valid") == 2


def test_validate_an_invalid_file(capsys):
    status, out, _ = run(capsys, "validate", OP, str(INVALID / "phone-too-short.json"))
    assert status == 1
    assert "phone-too-short.json: invalid (1 error)" in out
    assert "  /phone: phone number too short [x-phone]" in out


def test_validate_json_format(capsys):
    status, out, _ = run(capsys, "validate", OP, "--format", "json",
                         str(VALID / "minimal-email.json"), str(INVALID / "amount-zero.json"))
    assert status == 1
    report = json.loads(out)
    assert report["operation"] == OP and report["part"] == "request"
    assert [r["valid"] for r in report["results"]] == [True, False]
    assert report["results"][1]["errors"] == [
        {"path": "/amount", "keyword": "exclusiveMinimum", "message": "must be greater than 0, not 0"}
    ]


def test_validate_another_part(capsys):
    ok = EXAMPLES / OP / "response.4XX" / "valid" / "method-not-allowed.json"
    status, out, _ = run(capsys, "validate", OP, "--part", "response.409", str(ok))
    assert status == 0


@pytest.mark.parametrize(("content", "name", "complaint"), [
    (None, "missing.json", "no such file"),
    ('{"amount": NaN}', "nan.json", "NaN is not valid JSON"),
    ('{"amount": 1e400}', "big.json", "too large to be represented"),
    ('{"a": 1, "a": 2}', "dup.json", "duplicate key 'a'"),
    ('{"a": ' * 100_000, "deep.json", "nested more than 100 levels"),
    ("[" * 5_000 + "]" * 5_000, "deep2.json", "nested more than 100 levels"),
    ("[" * 101 + "]" * 101, "deep3.json", "nested more than 100 levels"),
    ("{", "broken.json", "not valid JSON"),
    ("a: [", "broken.yaml", "not valid YAML"),
    ("[" * 30_000, "deep.yaml", "nested more than"),
    (b"\xff\xfe{}", "latin.json", "is not UTF-8 text"),
    ('{"n": ' + "1" * 5000 + "}", "long-int.json", "not valid JSON"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "")
def test_unreadable_files_exit_2_with_a_message(capsys, tmp_path, content, name, complaint):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    status, out, err = run(capsys, "validate", OP, str(VALID / "minimal-email.json"), str(path))
    assert status == 2
    assert complaint in err
    assert "Traceback" not in err + out
    assert "minimal-email.json: valid" in out  # the other files are still checked


def test_a_directory_is_not_a_file(capsys, tmp_path):
    status, _, err = run(capsys, "validate", OP, str(tmp_path))
    assert status == 2 and "is a directory" in err


@pytest.mark.parametrize(("argv", "complaint"), [
    (["validate", "nope.op", "x.json"], "unknown operation 'nope.op'"),
    (["validate", OP, "--part", "response.302", "x.json"], "has no part 'response.302'"),
    (["validate", OP], "the following arguments are required: FILE"),
    (["validate", OP, "--format", "xml", "x.json"], "invalid choice: 'xml'"),
    ([], "the following arguments are required: COMMAND"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_usage_errors_exit_2(capsys, argv, complaint):
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's own usage errors
        status = exit_.code
    _, err = capsys.readouterr()
    assert status == 2
    assert complaint in err
    assert "Traceback" not in err


def test_normalize(capsys):
    status, out, _ = run(capsys, "normalize", OP, str(VALID / "phone-only-national.json"))
    assert status == 0
    assert json.loads(out)["phone"] == "+33612345678"


def test_normalize_an_invalid_file(capsys):
    status, out, err = run(capsys, "normalize", OP, str(INVALID / "iban-bad-checksum.json"))
    assert status == 1 and out == ""
    assert err.splitlines() == [
        f"{INVALID / 'iban-bad-checksum.json'}: invalid (1 error), nothing to normalize",
        "  /iban: invalid IBAN: the check digits of 'FR15'... do not match [x-iban]",
    ]


def test_normalize_several_files_and_json_lines(capsys, tmp_path):
    records = tmp_path / "debts.jsonl"
    good = {"firstname": "A", "lastname": "B", "phone": "06 12 34 56 78", "amount": 1, "currency": "EUR"}
    records.write_text(json.dumps(good) + "\n\n" + json.dumps({**good, "amount": 0, "currency": "EURO"}) + "\n"
                       + "{oops\n" + json.dumps({**good, "phone": "+44 20 7946 0958"}) + "\n")
    status, out, err = run(capsys, "normalize", OP, str(VALID / "phone-only-national.json"), str(records))
    assert status == 2  # a line could not be read: that outranks the invalid one
    lines = out.splitlines()
    assert [json.loads(line)["phone"] for line in lines] == ["+33612345678", "+33612345678", "+442079460958"]
    assert all(line == json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":")) for line in lines)
    assert f"{records}:3: invalid (2 errors), nothing to normalize" in err
    assert f"{records}:4: not valid JSON" in err
    status, out, _ = run(capsys, "normalize", OP, str(VALID / "phone-only-national.json"),
                         str(INVALID / "amount-zero.json"))
    assert status == 1 and len(out.splitlines()) == 1


def test_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"invoicespec {version('invoicespec')}\n"


def test_help_describes_every_command(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps to the terminal's width
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out.split("COMMAND\n", 1)[1].split("\n\n", 1)[0]
    # a name longer than the column puts its description on the next line
    commands = [line.split(None, 1) for line in re.sub(r"^( +\S+)\n +", r"\1  ", listing, flags=re.M).splitlines()]
    assert {name for name, _ in commands} == {"list", "validate", "normalize", "docs", "openapi", "lint", "mock",
                                              "import-openapi"}
    assert all(len(description) > 10 for _, description in commands)  # each on its name's line
    for name, _ in commands:
        with pytest.raises(SystemExit):
            main([name, "--help"])
        usage, description = capsys.readouterr().out.split("\n\n", 2)[:2]
        assert description[:1].isupper() and not description.startswith(("positional", "options")), name


def _cli(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "invoicespec", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_python_dash_m_and_stdin():
    payload = json.dumps({"firstname": "A", "lastname": "B", "phone": "0612345678", "amount": 1, "currency": "EUR"})
    done = _cli("normalize", OP, "-", stdin=payload)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["phone"] == "+33612345678"
    done = _cli("validate", OP, "-", stdin="firstname: A\nlastname: B\namount: 1\ncurrency: EUR\n")
    assert done.returncode == 1
    assert "<stdin>: invalid (1 error)" in done.stdout
    assert "at least one of 'phone' or 'email' is required" in done.stdout


def test_the_console_script_is_installed():
    import shutil

    script = shutil.which("invoicespec")
    assert script, "pip install . provides the invoicespec command"
    done = subprocess.run([script, "list"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and OP in done.stdout

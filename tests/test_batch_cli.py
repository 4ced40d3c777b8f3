"""Batch validation on the command line: folders, globs, JSON Lines, --jobs, progress, output formats, memory."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicespec.io import batch as _batch
from invoicespec.io import inputs as _inputs
from invoicespec.io import progress as _progress
from invoicespec.io import writers as _writers
from invoicespec.io.files import PayloadFileError, parse_json_bytes, parse_json_line

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from invoicespec.cli import main

from conftest import EXAMPLES, ROOT

OP = "getbill.create_debt"
VALID = EXAMPLES / OP / "request" / "valid"
INVALID = EXAMPLES / OP / "request" / "invalid"

GOOD = {"firstname": "Marie", "lastname": "Durand", "email": "marie@example.fr", "amount": 89.9, "currency": "EUR"}
BAD = {**GOOD, "amount": 0, "currency": "EURO"}  # two errors


def run(capsys, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def line(value) -> str:
    return json.dumps(value, ensure_ascii=False) + "\n"


@pytest.fixture()
def mixed_jsonl(tmp_path):
    """A JSON Lines file: valid, blank, invalid, malformed, NaN, not UTF-8, valid; BOM and CRLF included."""
    path = tmp_path / "records.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + line(GOOD).encode()                      # 1 (after a byte order mark)
        + b"   \r\n"                                                # 2 blank: skipped, still counted
        + line(BAD).replace("\n", "\r\n").encode()                  # 3 invalid, CRLF
        + b'{"firstname": "A",\n'                                   # 4 malformed
        + b'{"amount": NaN}\n'                                      # 5 not JSON
        + b'{"firstname": "\xff"}\n'                                # 6 not UTF-8
        + line(GOOD).encode()                                       # 7 valid, no final newline below
        + json.dumps(GOOD).encode()                                 # 8
    )
    return path


# -- inputs: folders, globs, JSON Lines ----------------------------------------------------------


def test_a_folder_is_searched_recursively_in_sorted_order(capsys, tmp_path):
    root = tmp_path / "fixtures"
    (root / "a").mkdir(parents=True)
    (root / "sub").mkdir()
    (root / ".hidden").mkdir()
    (root / "b.json").write_text(json.dumps(GOOD))
    (root / "a" / "z.yaml").write_text("firstname: A\nlastname: B\nemail: a@b.fr\namount: 1\ncurrency: EUR\n")
    (root / "a.yml").write_text(json.dumps(BAD))
    (root / "sub" / "c.jsonl").write_text(line(GOOD) + line(BAD))
    (root / "sub" / "d.ndjson").write_text(line(GOOD))
    for ignored in ("notes.md", "readme.txt", ".x.json", ".hidden/y.json"):
        (root / ignored).write_text("not a payload")
    status, out, err = run(capsys, "validate", OP, root)
    assert status == 1, err
    names = [row.split(": ")[0] for row in out.splitlines() if not row.startswith("  ")]
    assert names == [f"{root}/a/z.yaml", f"{root}/a.yml", f"{root}/b.json", f"{root}/sub/c.jsonl:1",
                     f"{root}/sub/c.jsonl:2", f"{root}/sub/d.ndjson:1"]
    assert err == ""


def test_text_plain_parts_also_pick_txt_files(capsys, tmp_path):
    (tmp_path / "ok.txt").write_text("Rate limit exceeded. Please retry in 2 seconds.")
    (tmp_path / "empty.txt").write_text("")
    status, out, _ = run(capsys, "validate", "pennylane.create_customer_invoice", "--part", "response.429", tmp_path)
    assert status == 1
    assert out.splitlines() == [f"{tmp_path}/empty.txt: invalid (1 error)", "  (root): must not be empty [minLength]",
                                f"{tmp_path}/ok.txt: valid"]


def test_a_folder_without_payload_files_is_a_usage_error(capsys, tmp_path):
    (tmp_path / "notes.md").write_text("#")
    status, out, err = run(capsys, "validate", OP, tmp_path, VALID / "minimal-email.json")
    assert status == 2
    assert f"{tmp_path}: is a directory with no payload files (.json .yaml .yml .jsonl .ndjson)" in err
    assert "minimal-email.json: valid" in out


def test_quoted_globs_are_expanded_sorted(capsys, tmp_path):
    (tmp_path / "x" / "y").mkdir(parents=True)
    for name in ("x/y/2.json", "x/1.json", "0.json"):
        (tmp_path / name).write_text(json.dumps(GOOD))
    (tmp_path / "x" / "skip.yaml").write_text("{}")
    status, out, _ = run(capsys, "validate", OP, f"{tmp_path}/**/*.json")
    assert status == 0
    assert out.splitlines() == [f"{tmp_path}/0.json: valid", f"{tmp_path}/x/1.json: valid",
                                f"{tmp_path}/x/y/2.json: valid"]
    # A pattern matching folders searches them; a file found twice is checked once.
    status, out, _ = run(capsys, "validate", OP, f"{tmp_path}/x*", f"{tmp_path}/[0]*")
    assert out.count("2.json") == 1 and out.count("skip.yaml") == 1 and out.count("0.json") == 1


def test_a_glob_matching_nothing_is_a_usage_error_and_the_rest_is_checked(capsys, tmp_path):
    status, out, err = run(capsys, "validate", OP, f"{tmp_path}/*.json", VALID / "minimal-email.json")
    assert status == 2
    assert f"{tmp_path}/*.json: no file matches this pattern" in err
    assert "minimal-email.json: valid" in out and "Traceback" not in err


def test_a_file_whose_name_looks_like_a_glob_is_a_file(capsys, tmp_path):
    odd = tmp_path / "[draft].json"
    odd.write_text(json.dumps(GOOD))
    status, out, _ = run(capsys, "validate", OP, odd)
    assert (status, out) == (0, f"{odd}: valid\n")


def test_json_lines_records_are_named_by_line_and_bad_lines_are_their_own_errors(capsys, mixed_jsonl):
    status, out, err = run(capsys, "validate", OP, mixed_jsonl)
    assert status == 2  # an unreadable record is a usage error, like an unreadable file
    name = str(mixed_jsonl)
    assert out.splitlines() == [
        f"{name}:1: valid",
        f"{name}:3: invalid (2 errors)",
        "  /amount: must be greater than 0, not 0 [exclusiveMinimum]",
        "  /currency: 'EURO' is not a valid ISO 4217 currency code (176 values are allowed, such as 'AED', 'AFN',"
        " 'ALL') [enum]",
        f"{name}:7: valid",
        f"{name}:8: valid",
    ]
    assert err.splitlines() == [
        f"{name}:4: not valid JSON: Expecting property name enclosed in double quotes (column 19)",
        f"{name}:5: NaN is not valid JSON: only finite numbers are allowed",
        f"{name}:6: is not UTF-8 text (byte 15)",
    ]


def test_a_missing_json_lines_file(capsys, tmp_path):
    status, _, err = run(capsys, "validate", OP, tmp_path / "gone.jsonl")
    assert status == 2 and f"{tmp_path}/gone.jsonl: no such file" in err


@pytest.mark.parametrize("block", [64, _inputs.BLOCK_BYTES])  # found while reading, or in a block read whole
def test_a_runaway_line_is_skipped_and_reported(capsys, tmp_path, monkeypatch, block):
    monkeypatch.setattr(_inputs, "MAX_LINE_BYTES", 150)
    monkeypatch.setattr(_inputs, "BLOCK_BYTES", block)
    path = tmp_path / "long.jsonl"
    path.write_text(line({**GOOD, "comment": "x" * 3000}) + line(GOOD))
    status, out, err = run(capsys, "validate", OP, path)
    assert status == 2
    assert err == f"{path}:1: the line is longer than 150 bytes: not read\n"
    assert out == f"{path}:2: valid\n"


_LINES = st.sampled_from([
    b"", b"  ", b"\r", b'{"a": 1}', b'{"b": 2}\r', b"\xef\xbb\xbf{\"c\": 3}", b"[" + b"1," * 90 + b"1]", b"not json",
])


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(_LINES, max_size=12), ended=st.booleans(), block=st.sampled_from([1, 7, 64, 4096]))
def test_json_lines_records_do_not_depend_on_how_the_file_is_cut(tmp_path_factory, lines, ended, block):
    """Each line's record (its number, a runaway line's problem, the skipped blank lines, the byte order mark
    of the first line only, no carriage return), read line by line here, is what blocks of any size give."""
    data = b"\n".join(lines) + (b"\n" if ended and lines else b"")
    path = tmp_path_factory.mktemp("cut") / "records.jsonl"
    path.write_bytes(data)
    expected = []
    for number, raw in enumerate(data.split(b"\n")[:len(lines)], start=1):
        if len(raw) > 150:
            expected.append((number, ("problem", "the line is longer than 150 bytes: not read")))
            continue
        raw = raw.removesuffix(b"\r")
        raw = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
        if raw.strip():
            expected.append((number, ("line", raw)))
    source = _inputs.expand_inputs([str(path)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_inputs, "MAX_LINE_BYTES", 150)
        patch.setattr(_inputs, "BLOCK_BYTES", block)
        found = [(meta.line, task) for meta, task in _inputs.tasks_of(source)]
        blocks = list(_inputs.tasks_of(source, blocks=True))
        in_blocks = []
        for meta, (kind, held) in blocks:  # blocks, and the runaway lines found while reading
            records = _inputs.block_records(*held) if kind == "block" else [(meta.line, meta.weight, (kind, held))]
            in_blocks += [(line, record) for line, _, record in records]
        assert sum(meta.weight for meta, _ in blocks) == len(data)  # every byte, once
    assert found == expected
    assert in_blocks == expected


def test_standard_input_as_json_lines(capsys, monkeypatch):
    data = (line(GOOD) + "\n" + line(BAD)).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    status, out, _ = run(capsys, "validate", OP, "--jsonl", "-")
    assert status == 1
    assert out.splitlines()[0] == "<stdin>:1: valid" and out.splitlines()[1] == "<stdin>:3: invalid (2 errors)"


class _FailingAfter(io.RawIOBase):
    """A stream whose reads fail once its data is read, as a disk or a network share can."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.data:
            raise OSError(5, "Input/output error")
        size = min(len(buffer), len(self.data))
        buffer[:size], self.data = self.data[:size], self.data[size:]
        return size


def test_a_read_failing_midway_is_reported_after_what_was_read(capsys, monkeypatch):
    data = (line(GOOD) + "\n" + line(BAD)).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_FailingAfter(data))))
    status, out, err = run(capsys, "validate", OP, "--jsonl", "-")
    assert status == 2
    assert out.splitlines() == ["<stdin>:1: valid", "<stdin>:3: invalid (2 errors)"] + out.splitlines()[2:]
    assert err == "<stdin>:4: cannot be read: Input/output error\n"


def test_pre_commit_style_arguments_interleave(capsys):
    # pre-commit runs: entry + args + file names, so the files come after --part.
    status, out, _ = run(capsys, "validate", OP, "--part", "request", VALID / "minimal-email.json",
                         INVALID / "amount-zero.json")
    assert status == 1 and out.count(": valid") == 1 and out.count(": invalid") == 1


# -- output formats ------------------------------------------------------------------------------


def test_json_is_one_document_with_lines_and_a_summary(capsys, mixed_jsonl):
    status, out, _ = run(capsys, "validate", OP, "--format", "json", VALID / "minimal-email.json", mixed_jsonl)
    assert status == 2
    document = json.loads(out)
    # The same bytes json.dump(indent=2) writes for the whole document, as before this was streamed.
    assert out == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert list(document) == ["operation", "part", "results", "summary"]
    results = document["results"]
    assert results[0] == {"file": str(VALID / "minimal-email.json"), "valid": True, "errors": []}
    assert [(r["file"], r["line"], r["valid"]) for r in results[1:]] == [
        (str(mixed_jsonl), number, valid)
        for number, valid in ((1, True), (3, False), (4, None), (5, None), (6, None), (7, True), (8, True))
    ]
    assert results[3]["problem"].startswith("not valid JSON")
    assert document["summary"] == {"payloads": 8, "valid": 4, "invalid": 1, "unreadable": 3}


def test_json_without_any_record_is_still_valid_json(capsys, tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n\n")
    status, out, _ = run(capsys, "validate", OP, "--format", "json", tmp_path / "empty.jsonl")
    assert status == 0
    assert out == json.dumps({"operation": OP, "part": "request", "results": [],
                              "summary": {"payloads": 0, "valid": 0, "invalid": 0, "unreadable": 0}}, indent=2) + "\n"


def test_github_annotations(capsys, tmp_path, mixed_jsonl):
    odd = tmp_path / "a,b:c%.json"
    odd.write_text(json.dumps(BAD))
    status, out, _ = run(capsys, "validate", OP, "--format", "github", VALID / "minimal-email.json", odd,
                         mixed_jsonl)
    assert status == 2
    rows = out.splitlines()
    escaped = str(odd).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert rows[0] == (f"::error file={escaped},title=invoicespec exclusiveMinimum::/amount: must be greater "
                       "than 0, not 0")
    assert rows[1].startswith(f"::error file={escaped},title=invoicespec enum::/currency: 'EURO' is not")
    assert rows[2].startswith(f"::error file={mixed_jsonl},line=3,title=invoicespec exclusiveMinimum::/amount:")
    assert rows[4].startswith(f"::error file={mixed_jsonl},line=4,col=19,title=invoicespec::not valid JSON")
    assert rows[-1] == f"invoicespec {OP} request: 9 payloads, 4 valid, 2 invalid, 3 unreadable"
    assert len(rows) == 8  # valid payloads print nothing
    assert "minimal-email" not in out


def test_github_annotations_of_unreadable_files_land_on_the_line_their_message_names(capsys, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "firstname": "A",\n  "lastname" "B"\n}\n')
    tabbed = tmp_path / "tabbed.yaml"
    tabbed.write_text("firstname: A\nlastname: [B\n")
    missing = tmp_path / "missing.json"
    status, out, _ = run(capsys, "validate", OP, "--format", "github", broken, tabbed, missing)
    assert status == 2
    rows = out.splitlines()
    assert rows[0].startswith(f"::error file={broken},line=3,col=14,title=invoicespec::not valid JSON: Expecting ':'")
    assert "(line 3, column 14)" in rows[0]
    yaml_line, yaml_col = (int(n) for n in rows[1].rsplit("(line ", 1)[1].rstrip(")").split(", column "))
    assert rows[1].startswith(f"::error file={tabbed},line={yaml_line},col={yaml_col},title=invoicespec::")
    assert rows[2] == f"::error file={missing},title=invoicespec::no such file"  # no position to give


def test_github_escaping():
    assert _writers.github_data("50% off\r\nnext: a,b") == "50%25 off%0D%0Anext: a,b"
    assert _writers.github_property("50% off\r\nnext: a,b") == "50%25 off%0D%0Anext%3A a%2Cb"


def test_junit_xml(capsys, tmp_path, mixed_jsonl):
    status, out, _ = run(capsys, "validate", OP, "--format", "junit", VALID / "minimal-email.json",
                         INVALID / "amount-zero.json", mixed_jsonl, f"{tmp_path}/*.nothing")
    assert status == 2
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("10", "2", "4")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(VALID / "minimal-email.json"), str(INVALID / "amount-zero.json"),
                                               str(mixed_jsonl), f"{tmp_path}/*.nothing"]
    assert [(s.get("tests"), s.get("failures"), s.get("errors")) for s in suites] == [
        ("1", "0", "0"), ("1", "1", "0"), ("7", "1", "3"), ("1", "0", "1")]
    cases = suites[2].findall("testcase")
    assert [c.get("name") for c in cases] == [f"{mixed_jsonl}:{n}" for n in (1, 3, 4, 5, 6, 7, 8)]
    failure = cases[1].find("failure")
    assert failure.get("type") == "exclusiveMinimum"
    assert failure.get("message") == "/amount: must be greater than 0, not 0 [exclusiveMinimum] (and 1 more)"
    assert failure.text.splitlines() == [
        "/amount: must be greater than 0, not 0 [exclusiveMinimum]",
        "/currency: 'EURO' is not a valid ISO 4217 currency code (176 values are allowed, such as 'AED', 'AFN', "
        "'ALL') [enum]",
    ]
    assert cases[2].find("error").get("message").startswith("not valid JSON")
    assert suites[3].find("testcase/error").get("message") == "no file matches this pattern"
    assert out.isascii()


def test_awkward_characters_keep_every_format_well_formed(capsys, tmp_path, monkeypatch):
    # A lone surrogate and a control character in a field name reach the error's JSON Pointer.
    path = tmp_path / "odd.jsonl"
    path.write_text('{"x\\ud800\\u0001<&>": 1, "firstname": "A"}\n')
    monkeypatch.setattr(_writers, "JUNIT_SPOOL_BYTES", 10)  # and the spools spill to temporary files
    for output in ("text", "json", "github", "junit"):
        status, out, err = run(capsys, "validate", OP, "--format", output, path)
        assert status == 1 and "Traceback" not in err
        if output == "json":
            errors = json.loads(out)["results"][0]["errors"]
            assert {"path": "/x\ud800\u0001<&>", "keyword": "additionalProperties"}.items() <= errors[-1].items()
        if output == "junit":
            assert ET.fromstring(out).find(".//failure") is not None


# -- the process pool ----------------------------------------------------------------------------


@pytest.fixture()
def bigger_input(tmp_path, mixed_jsonl):
    """Several chunks of records: a folder of examples and 700 JSON Lines records, some unreadable."""
    lines = [line(GOOD), line(BAD), "{oops\n", "\n", line([]), line({})]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(lines[i % len(lines)] for i in range(700)))
    return [str(EXAMPLES / OP / "request"), str(path), str(mixed_jsonl)]


@pytest.mark.parametrize("output", ["text", "json", "github", "junit"])
def test_jobs_give_the_same_bytes(capsys, bigger_input, output, monkeypatch):
    one = run(capsys, "validate", OP, "--format", output, *bigger_input)
    # blocks of a few lines: many more than the workers' window, so that this process checks some of them too
    monkeypatch.setattr(_inputs, "BLOCK_BYTES", 1024)
    two = run(capsys, "validate", OP, "--format", output, "--jobs", "3", *bigger_input)
    assert one == two
    assert one[0] == 2 and len(one[1]) > 10_000


def _stop_the_worker(tasks):
    os._exit(3)  # as the out-of-memory killer would


def test_a_worker_that_dies_stops_the_run_with_a_message(capsys, bigger_input, monkeypatch):
    monkeypatch.setattr(_batch, "_check_chunk", _stop_the_worker)  # the forked worker runs this one
    status, _, err = run(capsys, "validate", OP, "--format", "json", "--jobs", "2", *bigger_input)
    assert status == 2
    assert err.startswith("invoicespec: error: a worker process stopped (") and "Traceback" not in err


def test_jobs_without_fork_give_the_same_bytes(capsys, bigger_input, monkeypatch):
    # With another thread alive the pool does not fork: workers start clean and rebuild the validator.
    one = run(capsys, "validate", OP, "--format", "json", *bigger_input)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _batch._pool_context().get_start_method() in ("forkserver", "spawn")
        two = run(capsys, "validate", OP, "--format", "json", "--jobs", "2", *bigger_input)
    finally:
        stop.set()
        thread.join()
    assert one == two


def test_the_pool_forks_only_when_alone():
    if sys.platform.startswith("linux"):
        assert threading.active_count() > 1 or _batch._pool_context().get_start_method() == "fork"


def test_jobs_in_a_real_process_give_the_same_bytes(bigger_input):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "invoicespec", "validate", OP, "--format", "junit", *args],
                              capture_output=True, text=True, timeout=120)

    one, two = cli(*bigger_input), cli("--jobs", "2", *bigger_input)
    assert (one.returncode, one.stdout, one.stderr) == (two.returncode, two.stdout, two.stderr)
    assert one.returncode == 2 and one.stderr == ""


@pytest.mark.parametrize(("value", "complaint"), [
    ("-1", "argument --jobs: must be a whole number, 0 or more (0: one per CPU), not '-1'"),
    ("two", "argument --jobs: must be a whole number, 0 or more (0: one per CPU), not 'two'"),
])
def test_bad_jobs_are_usage_errors(capsys, value, complaint):
    with pytest.raises(SystemExit) as exit_:
        main(["validate", OP, "--jobs", value, str(VALID / "minimal-email.json")])
    assert exit_.value.code == 2 and complaint in capsys.readouterr().err


def test_jobs_zero_is_one_per_cpu(capsys):
    assert _batch.resolve_jobs(0) >= 1 and _batch.resolve_jobs(3) == 3
    status, out, _ = run(capsys, "validate", OP, "--jobs", "0", VALID / "minimal-email.json")
    assert (status, out) == (0, f"{VALID / 'minimal-email.json'}: valid\n")


# -- progress ------------------------------------------------------------------------------------


def test_when_a_progress_bar_is_drawn():
    large = {"records": 0, "size": _progress.PROGRESS_MIN_BYTES + 1}
    assert _progress.show_progress(enabled=True, stderr_tty=True, stdout_tty=False, **large)
    assert _progress.show_progress(enabled=True, stderr_tty=True, stdout_tty=False,
                                records=_progress.PROGRESS_MIN_RECORDS + 1, size=0)
    assert not _progress.show_progress(enabled=False, stderr_tty=True, stdout_tty=False, **large)  # --no-progress
    assert not _progress.show_progress(enabled=True, stderr_tty=False, stdout_tty=False, **large)  # not a terminal
    assert not _progress.show_progress(enabled=True, stderr_tty=True, stdout_tty=True, **large)  # output on it too
    assert not _progress.show_progress(enabled=True, stderr_tty=True, stdout_tty=False,
                                    records=_progress.PROGRESS_MIN_RECORDS, size=_progress.PROGRESS_MIN_BYTES)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_is_drawn_on_a_terminal_only(capsys, monkeypatch, bigger_input):
    monkeypatch.setattr(_progress, "PROGRESS_MIN_BYTES", 0)  # everything is large
    status, out, err = run(capsys, "validate", OP, *bigger_input)
    assert "many.jsonl:3: not valid JSON" in err and "validating" not in err and "\r" not in err  # no bar
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert (status, out) == run(capsys, "validate", OP, *bigger_input)[:2]
    assert "validating" in terminal.getvalue() and "many.jsonl:3: not valid JSON" in terminal.getvalue()
    quiet = _Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    run(capsys, "validate", OP, "--no-progress", *bigger_input)
    assert "validating" not in quiet.getvalue()


# -- pre-commit ----------------------------------------------------------------------------------


def test_the_pre_commit_hook():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook, lint) = hooks
    assert {"id", "name", "entry", "language"} <= hook.keys()
    assert (lint["id"], lint["entry"], lint["pass_filenames"]) == ("invoicespec-lint", "invoicespec lint", False)
    assert hook["id"] == "invoicespec-validate" and hook["language"] == "python"
    assert hook["types_or"] == ["json", "yaml"]
    command, subcommand, *options = hook["entry"].split()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts[command] == "invoicespec.cli:main" and subcommand == "validate"
    assert options == ["--quiet"]  # hooks are quiet on success


def test_the_pre_commit_hook_is_quiet_on_success_and_names_what_fails(capsys):
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    entry = hook["entry"].split()[1:]
    status, out, err = run(capsys, *entry, OP, "--part", "request", VALID / "minimal-email.json",
                           VALID / "norway-yaml.yaml")
    assert (status, out, err) == (0, "", "")
    status, out, _ = run(capsys, *entry, OP, VALID / "minimal-email.json", INVALID / "amount-zero.json")
    assert status == 1
    assert out.splitlines() == [f"{INVALID / 'amount-zero.json'}: invalid (1 error)",
                                "  /amount: must be greater than 0, not 0 [exclusiveMinimum]"]


# -- memory --------------------------------------------------------------------------------------


# The child's peak memory comes from a small go-between: Linux counts, in a child's peak, the memory of the
# process it was forked from (here pytest, larger than the command line itself and growing as tests run).
_MEASURE = """
import os, subprocess, sys
with open(sys.argv[1], "w") as out:
    child = subprocess.Popen(sys.argv[2:], stdout=out)
    _, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _peak_rss_kib(*args: str, output: Path) -> int:
    """Run the command line in a child and return the child's peak resident memory, in KiB (Linux)."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(output), sys.executable, "-m", "invoicespec", *args],
                          capture_output=True, text=True, timeout=600)
    status, peak = map(int, done.stdout.split())
    assert status == 1, done.stderr
    return peak


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "wait4") or sys.platform != "linux", reason="ru_maxrss in KiB: Linux")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_memory_stays_flat_on_big_json_lines(tmp_path, jobs):
    # Error bodies (the cheapest part to validate, to keep this short) of about 250 bytes: 25 MB for the big
    # file. Reading it whole would add at least that much to the peak, keeping 100,000 results more.
    records = [line({"error": True, "message": f"Conflict {'x' * 220}", "code": code}) for code in (409, "409")]
    peaks = {}
    for count in (10_000, 100_000):
        path = tmp_path / f"{count}.jsonl"
        with path.open("w") as handle:
            for index in range(count):
                handle.write(records[index % 2])
        peaks[count] = _peak_rss_kib("validate", OP, "--part", "response.4XX", "--format", "json", "--jobs", jobs,
                                     str(path), output=tmp_path / "out.json")
        summary = json.loads((tmp_path / "out.json").read_text())["summary"]
        assert summary == {"payloads": count, "valid": count // 2, "invalid": count // 2, "unreadable": 0}
    # 8 MiB: a third of what reading the big file whole would add, far above run-to-run noise (under 0.2 MiB
    # measured: 38 MiB for either file).
    assert peaks[100_000] - peaks[10_000] < 8 * 1024, peaks


# -- the generator of test data ------------------------------------------------------------------


def _make_jsonl():
    spec = importlib.util.spec_from_file_location("make_jsonl", ROOT / "tools" / "make_jsonl.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_jsonl_is_deterministic_and_mixes_in_invalid_records(tmp_path, capsys):
    tool = _make_jsonl()
    argv = ["--records", "200", "--distinct", "12", "--invalid-share", "1/10"]
    assert tool.main([OP, str(tmp_path / "a.jsonl"), *argv]) == 0
    assert tool.main([OP, str(tmp_path / "b.jsonl"), *argv]) == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert "200 records (20 invalid)" in capsys.readouterr().err
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").split("\n")[:-1]  # not splitlines: U+2028
    assert len(lines) == 200 and len(set(lines)) >= 12
    status, out, _ = run(capsys, "validate", OP, "--format", "json", tmp_path / "a.jsonl")
    results = json.loads(out)["results"]
    assert [r["line"] for r in results if not r["valid"]] == list(range(10, 201, 10))  # every tenth, spread
    assert status == 1


# -- JSON Lines records are read quickly, and exactly as the strict parser reads them ---------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63 - 5, max_value=2**70)
    | st.integers(min_value=-(2**70), max_value=-(2**63) + 5) | st.sampled_from([10**18, -(10**18), 10**19 - 1])
    | st.floats(allow_nan=False, allow_infinity=False) | st.floats(min_value=1e18, max_value=1e23)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
    | st.sampled_from([":", "a:b", "\\u003a"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=20,
)


def _strict(raw: bytes):
    try:
        return ("value", parse_json_line(raw.decode("utf-8")))
    except (PayloadFileError, UnicodeDecodeError) as error:
        return ("refused", type(error).__name__)


def _quick(raw: bytes):
    try:
        return ("value", parse_json_bytes(raw))
    except PayloadFileError as error:
        return ("refused", "UnicodeDecodeError" if "UTF-8" in str(error) else type(error).__name__)


def _same(left, right) -> bool:
    """Equal, and of the same types all the way down (1 and 1.0 are equal but not the same)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[key], right[key]) for key in left)
    if isinstance(left, list | tuple):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right))
    return left == right


@settings(max_examples=300, deadline=None)
@given(value=_json_values, ascii_only=st.booleans(), compact=st.booleans(), duplicate=st.booleans())
def test_records_are_read_as_the_strict_parser_reads_them(value, ascii_only, compact, duplicate):
    text = json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":") if compact else None)
    if duplicate and text.startswith("{") and text != "{}":
        text = '{"dup": 1, "dup": 2, ' + text[1:]  # orjson would keep the last one silently
    raw = text.encode("utf-8")
    assert _same(_quick(raw), _strict(raw))


@pytest.mark.parametrize("raw", [
    b'{"a": 1, "a": 2}', b'{"a": {"b": 1, "b": "\\u003a"}}', b"NaN", b"[Infinity]", b"1e400",
    b'"\\ud800"', b"123456789012345678901234567890", b"-98765432109876543210", b'"\xff"', b"[1,]",
    b"[" * 101 + b"]" * 101, b"[" * 100 + b"]" * 100, b'{"a":' * 101 + b"1" + b"}" * 101,
    # integers orjson would read as floats, and the floats and exponents that look like them
    b"-9223372036854775809", b"-9223372036854775808", b"9999999999999999999", b"18446744073709551616",
    b'{"n": -12345678901234567890, "s": "12345678901234567890"}', b"[1234567890123456789012.5]",
    b"0.12345678901234567890123", b"-1234567890123456789e3", b"1e0000000000000000000001",
    b"1e+0000000000000000001", b"1E-0000000000000000001", b"[1.5e-00000000000000000000000000002]",
])
def test_the_refusals_that_matter_are_kept(raw):
    assert _same(_quick(raw), _strict(raw))

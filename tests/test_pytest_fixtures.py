"""The pytest plugin's fixture files and ``invoicespec_check``, exercised in users' own test runs (pytester)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

import invoicespec
from invoicespec.io.files import PayloadFileError, parse_json
from invoicespec.pytest_plugin import _glob_matches, _glob_segments

from conftest import EXAMPLES

GETBILL = EXAMPLES / "getbill.create_debt"
VALID_DEBT = GETBILL / "request" / "valid" / "phone-only-national.json"
VALID_YAML_DEBT = GETBILL / "request" / "valid" / "norway-yaml.yaml"
INVALID_DEBT = GETBILL / "request" / "invalid" / "phone-too-short.json"
VALID_4XX = GETBILL / "response.4XX" / "valid" / "method-not-allowed.json"
INVALID_4XX = GETBILL / "response.4XX" / "invalid" / "code-503.json"
NITROBOX_4XX = (EXAMPLES / "nitrobox.create_deposit_invoice" / "response.4XX" / "valid"
                / "deposit-invoice-validation.json")
RATE_LIMIT = EXAMPLES / "pennylane.create_customer_invoice" / "response.429"
# Traces of a traceback into the library or into the plugin: a report must show none of them.
TRACEBACK_MARKS = ("Traceback", "pytest_plugin.py", "_api.py", "_files.py", "raise ")


@pytest.fixture(scope="module", autouse=True)
def _library_loaded_outside_pytester():
    """Load the library (and phonenumbers' metadata) in this process before any in-process pytester run.

    pytester removes the modules a run imported when it ends; when the library is first loaded inside a run,
    later runs find phonenumbers' lazily loaded region metadata missing (AttributeError in phonenumbers).
    """
    assert invoicespec.errors("getbill.create_debt", parse_json(VALID_DEBT.read_text(encoding="utf-8"))) == []


def expected_line(example: Path) -> str:
    """The report line of an invalid example's one pinned error: ``<pointer>: <message> [<keyword>]``."""
    pinned = yaml.safe_load((example.parent / "expected.yaml").read_text(encoding="utf-8"))[example.name]
    return f"  {pinned['path'] or '(root)'}: {pinned['message']} [{pinned['keyword']}]"


def lines(*patterns: str) -> list[str]:
    """fnmatch patterns where ``*`` is the only wildcard: ``[`` is literal (reports hold ``[keyword]``)."""
    return [pattern.replace("[", "[[]") for pattern in patterns]


def put(pytester: pytest.Pytester, source: Path, target: str) -> None:
    """Copy an example payload into the pytester project, at ``target`` (relative, folders created)."""
    destination = pytester.path / target
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)


def write(pytester: pytest.Pytester, target: str, text: str) -> None:
    destination = pytester.path / target
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(text, encoding="utf-8")


def configure(pytester: pytest.Pytester, table: str) -> None:
    write(pytester, "pyproject.toml", "[tool.invoicespec.fixtures]\n" + textwrap.dedent(table))


def collected(result: pytest.RunResult) -> list[str]:
    """The node ids that ``--collect-only -q`` printed."""
    return sorted(line for line in result.stdout.lines if "::" in line)


def assert_no_traceback(result: pytest.RunResult) -> None:
    output = result.stdout.str() + result.stderr.str()
    for mark in TRACEBACK_MARKS:
        assert mark not in output, f"{mark!r} in the output:\n{output}"


# --- globs ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("fixtures/*.json", "fixtures/a.json", True),
        ("fixtures/*.json", "fixtures/deep/a.json", False),  # * stays within one folder
        ("fixtures/**/*.json", "fixtures/a.json", True),  # ** is any number of folders, none included
        ("fixtures/**/*.json", "fixtures/x/y/a.json", True),
        ("fixtures/**", "fixtures/x/a.yaml", True),
        ("**/debts/*.json", "a/b/debts/c.json", True),
        ("**/debts/*.json", "debts/c.json", True),
        ("fixtures/?.json", "fixtures/ab.json", False),
        ("fixtures/[ab].json", "fixtures/b.json", True),
        ("fixtures/[!ab].json", "fixtures/b.json", False),
        ("*.json", "fixtures/a.json", False),  # relative to the rootdir, not anywhere
        ("Fixtures/*.json", "fixtures/a.json", False),  # case-sensitive on every system
        ("fixtures/**/**/*.json", "fixtures/a.json", True),
    ],
)
def test_glob_matching(glob, path, matches):
    segments, refused = _glob_segments(glob)
    assert refused is None
    assert _glob_matches(segments, tuple(path.split("/"))) is matches


# --- collection ------------------------------------------------------------------------------------------------------


def test_configured_globs_collect_the_matching_files_one_item_each(pytester: pytest.Pytester):
    configure(pytester, """
        "fixtures/errors/*.json" = "getbill.create_debt:response.4XX"
        "fixtures/**/*.json" = "getbill.create_debt"
        "fixtures/**/*.yaml" = "getbill.create_debt:request"
    """)
    put(pytester, VALID_DEBT, "fixtures/debt.json")
    put(pytester, VALID_DEBT, "fixtures/deep/er/debt.json")
    put(pytester, VALID_YAML_DEBT, "fixtures/debt.yaml")
    put(pytester, VALID_4XX, "fixtures/errors/405.json")  # valid only as a response.4XX: the first glob wins
    put(pytester, VALID_DEBT, "elsewhere/debt.json")  # no glob matches
    write(pytester, "fixtures/README.md", "# not a payload\n")  # a suffix that is never collected
    write(pytester, "fixtures/notes.yml.bak", "not: collected\n")

    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    assert collected(result) == [
        "fixtures/debt.json::debt.json",
        "fixtures/debt.yaml::debt.yaml",
        "fixtures/deep/er/debt.json::debt.json",
        "fixtures/errors/405.json::405.json",
    ]
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    # a file named on the command line is collected alone
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "fixtures/errors/405.json")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(lines("fixtures/errors/405.json::405.json PASSED*"))


def test_convention_folders_collect_their_files(pytester: pytest.Pytester):
    base = "tests/invoicespec-fixtures/getbill.create_debt"
    put(pytester, VALID_DEBT, f"{base}/request/national.json")
    put(pytester, VALID_YAML_DEBT, f"{base}/request/valid/norway.yaml")
    put(pytester, VALID_DEBT, f"{base}/request/by-customer/acme/national.json")  # any depth below the part
    put(pytester, INVALID_DEBT, f"{base}/request/invalid/short-phone.json")  # expected invalid: passes
    put(pytester, NITROBOX_4XX, "tests/invoicespec-fixtures/nitrobox.create_deposit_invoice/response.404/"
        "not-found.json")  # nitrobox declares no response.404: it falls back to response.4XX
    put(pytester, RATE_LIMIT / "valid" / "vendor-text.txt",
        "tests/invoicespec-fixtures/pennylane.create_customer_invoice/response.429/slow-down.txt")
    put(pytester, RATE_LIMIT / "invalid" / "empty.txt",
        "tests/invoicespec-fixtures/pennylane.create_customer_invoice/response.429/invalid/empty.txt")
    write(pytester, f"{base}/request/README.md", "how these were captured\n")
    put(pytester, VALID_DEBT, "tests/data/debt.json")  # outside the folder: not collected

    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    assert collected(result) == sorted([
        f"{base}/request/national.json::national.json",
        f"{base}/request/valid/norway.yaml::norway.yaml",
        f"{base}/request/by-customer/acme/national.json::national.json",
        f"{base}/request/invalid/short-phone.json::short-phone.json",
        "tests/invoicespec-fixtures/nitrobox.create_deposit_invoice/response.404/not-found.json::not-found.json",
        "tests/invoicespec-fixtures/pennylane.create_customer_invoice/response.429/slow-down.txt::slow-down.txt",
        "tests/invoicespec-fixtures/pennylane.create_customer_invoice/response.429/invalid/empty.txt::empty.txt",
    ])
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=7)


# --- reports ---------------------------------------------------------------------------------------------------------


def test_an_invalid_file_fails_with_every_error_and_no_traceback(pytester: pytest.Pytester):
    configure(pytester, """
        "fixtures/debts/*.json" = "getbill.create_debt"
        "fixtures/errors/*.json" = "getbill.create_debt:response.4XX"
    """)
    put(pytester, VALID_DEBT, "fixtures/debts/good.json")
    put(pytester, INVALID_DEBT, "fixtures/debts/short-phone.json")
    put(pytester, INVALID_4XX, "fixtures/errors/503.json")
    four_errors = {"firstname": "", "lastname": "B", "amount": "1"}
    write(pytester, "fixtures/debts/four-errors.json", json.dumps(four_errors))
    every_error = [f"  {e.path or '(root)'}: {e.message} [{e.keyword}]"
                   for e in invoicespec.errors("getbill.create_debt", four_errors)]
    assert len(every_error) == 4

    result = pytester.runpytest("-p", "no:cacheprovider", "-ra")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(lines(
        "*_ fixtures/debts/short-phone.json _*",
        "not a valid getbill.create_debt request (1 error)",
        expected_line(INVALID_DEBT),
        "file: fixtures/debts/short-phone.json",
        'matched by: pyproject.toml [tool.invoicespec.fixtures] "fixtures/debts/*.json" = "getbill.create_debt"',
    ))
    result.stdout.fnmatch_lines(lines(
        "*_ fixtures/debts/four-errors.json _*",
        "not a valid getbill.create_debt request (4 errors)",
        *every_error,  # all of them, in the library's order
        "file: fixtures/debts/four-errors.json",
    ))
    result.stdout.fnmatch_lines(lines(
        "not a valid getbill.create_debt response.4XX (1 error)",
        expected_line(INVALID_4XX),
        "file: fixtures/errors/503.json",
    ))
    # the short summary names the item and what is wrong
    result.stdout.fnmatch_lines(lines("FAILED fixtures/debts/short-phone.json::short-phone.json - not a valid*"))
    assert_no_traceback(result)


@pytest.mark.parametrize(
    ("text", "suffix"),
    [
        ('{"amount": 1, "amount": 2}', ".json"),  # duplicate keys
        ('{"amount": NaN}', ".json"),
        ('{"amount": 1e400}', ".json"),
        ("{not json", ".json"),
    ],
)
def test_an_unreadable_file_fails_with_the_reading_message(pytester: pytest.Pytester, text, suffix):
    with pytest.raises(PayloadFileError) as refused:
        parse_json(text)
    configure(pytester, """
        "fixtures/*" = "getbill.create_debt"
    """)
    write(pytester, f"fixtures/broken{suffix}", text)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(lines(f"cannot be read as a payload: {refused.value}",
                                      f"file: fixtures/broken{suffix}"))
    assert_no_traceback(result)


def test_an_unreadable_yaml_file_and_a_non_utf8_file(pytester: pytest.Pytester):
    base = "invoicespec-fixtures/getbill.create_debt/request"
    write(pytester, f"{base}/anchors.yaml", "a: &x [1]\nb: *x\nc: !!python/object:os.system {}\n")
    (pytester.path / base / "latin1.json").write_bytes('{"firstname": "Élodie"}'.encode("latin-1"))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(lines("cannot be read as a payload: *", f"file: {base}/anchors.yaml"))
    result.stdout.fnmatch_lines(lines("cannot be read as a payload: is not UTF-8 text (byte *)",
                                      f"file: {base}/latin1.json"))
    assert_no_traceback(result)


def test_expected_invalid_files(pytester: pytest.Pytester):
    configure(pytester, """
        "rejected/*.json" = "getbill.create_debt:request:invalid"
        "accepted/*.json" = "getbill.create_debt:request:valid"
    """)
    put(pytester, INVALID_DEBT, "rejected/short-phone.json")  # invalid, as expected: passes
    put(pytester, VALID_DEBT, "rejected/oops.json")  # valid where invalid was expected: fails
    put(pytester, VALID_DEBT, "accepted/debt.json")
    put(pytester, VALID_DEBT, "invoicespec-fixtures/getbill.create_debt/request/invalid/oops-too.json")
    write(pytester, "rejected/unreadable.json", '{"a": 1, "a": 1}')  # unreadable is not "invalid": fails

    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines(lines(
        "expected an invalid getbill.create_debt request, but it is valid",
        "file: rejected/oops.json",
        'matched by: pyproject.toml [tool.invoicespec.fixtures] "rejected/*.json" = '
        '"getbill.create_debt:request:invalid"',
    ))
    result.stdout.fnmatch_lines(lines(
        "expected an invalid getbill.create_debt request (the file is in an invalid/ folder), but it is valid",
        "file: invoicespec-fixtures/getbill.create_debt/request/invalid/oops-too.json",
    ))
    result.stdout.fnmatch_lines(lines("cannot be read as a payload: duplicate key 'a' in an object"))


def test_misplaced_and_misnamed_convention_files_fail_with_the_layout(pytester: pytest.Pytester):
    put(pytester, VALID_DEBT, "invoicespec-fixtures/debt.json")
    put(pytester, VALID_DEBT, "invoicespec-fixtures/getbill.create_debt/debt.json")
    put(pytester, VALID_DEBT, "invoicespec-fixtures/getbil.create_debt/request/debt.json")
    put(pytester, VALID_DEBT, "invoicespec-fixtures/getbill.create_debt/requests/debt.json")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(lines(
        "misplaced: a payload file must be in invoicespec-fixtures/<operation>/<part>/ *",
        "file: invoicespec-fixtures/debt.json",
    ))
    result.stdout.fnmatch_lines(lines(
        "misplaced: *", "file: invoicespec-fixtures/getbill.create_debt/debt.json",
    ))
    result.stdout.fnmatch_lines(lines(
        "unknown operation 'getbil.create_debt': the operations are getbill.create_debt, * (the folders below "
        "invoicespec-fixtures/ name the operation, then the part)",
    ))
    result.stdout.fnmatch_lines(lines("'requests' is not a part name: *"))
    assert_no_traceback(result)


# --- configuration errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ('[tool.invoicespec.fixtures]\n"f/*.json" = "getbill.create_debt:request:maybe"\n',
         "*\"f/*.json\": 'getbill.create_debt:request:maybe': the third field must be valid or invalid, not 'maybe'"),
        ('[tool.invoicespec.fixtures]\n"f/*.json" = "getbill.create_debt:"\n',
         "*\"f/*.json\": 'getbill.create_debt:' is malformed: write \"<operation>[:<part>[:valid|invalid]]\"*"),
        ('[tool.invoicespec.fixtures]\n"f/*.json" = "a:b:c:d"\n', "*'a:b:c:d' is malformed*"),
        ('[tool.invoicespec.fixtures]\n"f/*.json" = ["getbill.create_debt"]\n',
         "*\"f/*.json\": the value must be a string *, not list"),
        ('[tool.invoicespec.fixtures]\n"/abs/*.json" = "getbill.create_debt"\n',
         "*\"/abs/*.json\": the glob must be relative to the folder of pyproject.toml"),
        ('[tool.invoicespec.fixtures]\n"f/../*.json" = "getbill.create_debt"\n',
         "*\"f/../*.json\": empty, '.' and '..' folder names are not allowed"),
        ('[tool.invoicespec]\nfixtures = ["f/*.json"]\n',
         "*[tool.invoicespec.fixtures] must be a table of \"<glob>\" = *"),
        ("[tool]\ninvoicespec = 1\n", "*[tool.invoicespec] must be a table"),
    ],
)
def test_a_bad_configuration_is_a_usage_error(pytester: pytest.Pytester, pyproject, message):
    write(pytester, "pyproject.toml", pyproject)
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(lines("ERROR: invoicespec: *"))
    result.stderr.fnmatch_lines(lines(message))
    assert_no_traceback(result)


def test_every_malformed_line_is_reported_at_once(pytester: pytest.Pytester):
    configure(pytester, """
        "a/*.json" = "getbill.create_debt:request:maybe"
        "b/*.json" = 3
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(lines("ERROR: invoicespec: bad fixture configuration:", '*"a/*.json"*', '*"b/*.json"*'))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("getbil.create_debt", "*unknown operation 'getbil.create_debt': the operations are getbill.create_debt, *"),
        ("getbill.create_debt:response.302", "*getbill.create_debt has no part 'response.302': its parts are *"),
        ("getbill.create_debt:body", "*'body' is not a part name: *"),
    ],
)
def test_an_unknown_operation_or_part_is_a_usage_error(pytester: pytest.Pytester, value, message):
    configure(pytester, f"""
        "fixtures/*.json" = "{value}"
    """)
    put(pytester, VALID_DEBT, "fixtures/debt.json")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(lines(
        "ERROR: invoicespec: bad fixture configuration:",
        f'pyproject.toml [tool.invoicespec.fixtures] "fixtures/*.json" = "{value}": ' + message.lstrip("*"),
    ))
    assert_no_traceback(result)


def test_malformed_toml_is_a_usage_error(pytester: pytest.Pytester):
    write(pytester, "pyproject.toml", "[tool.invoicespec.fixtures\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(lines("ERROR: *pyproject.toml*"))


# --- a run without fixture files stays light -------------------------------------------------------------------------

RECORD_MODULES = """
import sys

def pytest_sessionfinish(session):
    loaded = sorted(name for name in sys.modules
                    if name.startswith("invoicespec") and name not in ("invoicespec", "invoicespec.pytest_plugin"))
    print("\\ninvoicespec modules loaded:", loaded)
"""


@pytest.mark.parametrize("configured", [False, True], ids=["no-configuration", "configured-no-match"])
def test_a_run_without_fixture_files_collects_nothing_and_loads_nothing(pytester: pytest.Pytester, configured):
    if configured:  # globs that match no file: the library is not loaded either
        configure(pytester, """
            "fixtures/**/*.json" = "getbill.create_debt"
        """)
    pytester.makeconftest(RECORD_MODULES)
    pytester.makepyfile("def test_plain(): assert True")
    put(pytester, VALID_DEBT, "data/debt.json")  # payload-like files outside any fixture location
    write(pytester, "data/settings.yaml", "a: 1\n")
    write(pytester, "data/notes.txt", "hello\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(lines("invoicespec modules loaded: []"))


# --- the invoicespec_check fixture ---------------------------------------------------------------------------------


def test_the_check_fixture(pytester: pytest.Pytester):
    put(pytester, VALID_DEBT, "debt.json")
    put(pytester, INVALID_DEBT, "short-phone.json")
    put(pytester, RATE_LIMIT / "valid" / "vendor-text.txt", "slow-down.txt")
    pytester.makepyfile(
        """
        import copy, json
        from pathlib import Path

        DEBT = json.loads(Path("debt.json").read_text())

        def test_valid_returns_the_normalized_payload(invoicespec_check):
            given = copy.deepcopy(DEBT)
            normalized = invoicespec_check("getbill.create_debt", given)
            assert normalized["phone"] == "+33612345678"
            assert given == DEBT  # the input is untouched

        def test_files_and_text_parts(invoicespec_check):
            assert invoicespec_check("getbill.create_debt", Path("debt.json"))["phone"] == "+33612345678"
            text = invoicespec_check("pennylane.create_customer_invoice", Path("slow-down.txt"), part="response.429")
            assert text.startswith("Rate limit exceeded")
            assert invoicespec_check("getbill.create_debt", {"error": True, "message": "Gone", "code": 410},
                                     part="response.410") is not None  # falls back to response.4XX

        def test_invalid_payload(invoicespec_check):
            invoicespec_check("getbill.create_debt", dict(DEBT, firstname="", currency="EURO"))

        def test_invalid_file(invoicespec_check):
            invoicespec_check("getbill.create_debt", Path("short-phone.json"))

        def test_unreadable_file(invoicespec_check):
            invoicespec_check("getbill.create_debt", Path("missing.json"))

        def test_unknown_operation(invoicespec_check):
            invoicespec_check("getbill.create_dept", DEBT)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-ra")
    result.assert_outcomes(passed=2, failed=4)
    result.stdout.fnmatch_lines(lines(
        "*_ test_invalid_payload _*",
        "not a valid getbill.create_debt request (2 errors)",
        "  /firstname: must not be empty [minLength]",
        "  /currency: * [enum]",
    ))
    result.stdout.fnmatch_lines(lines(
        "*_ test_invalid_file _*",
        "not a valid getbill.create_debt request (1 error)",
        expected_line(INVALID_DEBT),
        "file: short-phone.json",
    ))
    result.stdout.fnmatch_lines(lines("*_ test_unreadable_file _*", "cannot be read as a payload: no such file",
                                 "file: missing.json"))
    result.stdout.fnmatch_lines(lines(
        "*_ test_unknown_operation _*",
        "invoicespec_check: unknown operation 'getbill.create_dept': the operations are getbill.create_debt, *",
    ))
    result.stdout.fnmatch_lines(lines("FAILED *::test_invalid_payload - Failed: not a valid*"))
    assert_no_traceback(result)
    assert "During handling" not in result.stdout.str()  # the report is not chained to the library's exception

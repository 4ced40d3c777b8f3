"""The docs and the code change together: these tests fail when they drift apart."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys

import invoicespec
from invoicespec import KEYWORDS
from invoicespec.catalog.load import DIALECT, shipped
from invoicespec.io.files import read_payload
from invoicespec.keywords.standard import REQUEST_KEYWORDS
from invoicespec.engine.validator import compile_schema

from conftest import EXAMPLES, ROOT, TESTS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _code_blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S)


def _table(heading: str) -> list[str]:
    section = README.split(heading, 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)


def test_readme_starts_with_the_two_commands():
    first, second = _code_blocks(README)[:2]
    assert first[0] == second[0] == "sh"
    assert "pip install ." in first[1] and "invoicespec validate" in first[1]
    assert "pytest" in second[1]
    assert README.index("```") < 400  # on the first screen


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for _, command in _code_blocks(README)[:2]:
        assert command.strip() in ci


def test_every_error_keyword_is_documented():
    assert _table("## Error keywords") == list(KEYWORDS)


def test_the_vocabulary_is_the_same_everywhere():
    dialect = {k for k in shipped().documents[DIALECT]["propertyNames"]["enum"] if k.startswith("x-")}
    implemented = {k for k in REQUEST_KEYWORDS if k.startswith("x-")}
    documented = {k for k in _table("### The vocabulary") if k.startswith("x-")}
    slugs = {k for k in KEYWORDS if k.startswith("x-")} - {"x-headers"}
    assert dialect == implemented == documented == slugs


def test_every_operation_is_in_the_readme():
    for operation in invoicespec.operations():
        row = next(line for line in README.splitlines() if line.startswith(f"| `{operation}` |"))
        for part in invoicespec.parts(operation):
            assert f"`{part}`" in row


def test_every_keyword_the_tests_see_is_documented():
    seen = set()
    for file in sorted((TESTS / "keywords").glob("*.json")):
        for case in json.loads(file.read_text(encoding="utf-8")):
            validator = compile_schema(case["schema"], part=case.get("part", "request"))
            for test in case["tests"]:
                seen.update(error.keyword for error in validator.errors(test["data"]))
    for file in EXAMPLES.glob("*/*/invalid/*.json"):
        operation, part = file.parent.parent.parent.name, file.parent.parent.name
        seen.update(e.keyword for e in invoicespec.errors(operation, read_payload(str(file)), part=part))
    assert seen <= set(KEYWORDS)
    assert len(seen) > 20


def test_the_readme_python_example_runs_as_written():
    code = next(body for lang, body in _code_blocks(README.split("## Python API", 1)[1]) if lang == "python")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})
    expected = re.search(r"^# (/due_date .*)$", code, flags=re.M).group(1)
    assert printed.getvalue().strip() == expected


def test_generated_code_lists_are_fresh():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_common.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_readme_shows_one_valid_payload_per_operation():
    section = README.split("## One payload per operation", 1)[1].split("\n## ", 1)[0]
    shown = dict(re.findall(r"### `([a-z_.]+)`.*?```json\n(.*?)```", section, flags=re.S))
    assert set(shown) == set(invoicespec.operations())
    for operation, text in shown.items():
        assert invoicespec.errors(operation, json.loads(text)) == [], operation

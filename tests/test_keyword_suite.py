"""Runs tests/keywords/*.json: cases in the JSON-Schema-Test-Suite format.

Each file is a list of ``{description, schema, tests: [{description, data, valid}]}``.
Two additions: a case may name the ``part`` its schema is compiled as (``request``
by default; ``request.headers``, ``request.path``, ``response.<status>``), and a
test may pin ``errors``, the exact list of ``{path, keyword[, message]}`` expected.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoicespec.engine.validator import compile_schema

SUITE = Path(__file__).resolve().parent / "keywords"


def _cases():
    for file in sorted(SUITE.glob("*.json")):
        for case in json.loads(file.read_text(encoding="utf-8")):
            for test in case["tests"]:
                yield pytest.param(case, test, id=f"{file.stem}: {case['description']}: {test['description']}")


@pytest.mark.parametrize(("case", "test"), list(_cases()))
def test_keyword_case(case, test):
    validator = compile_schema(case["schema"], part=case.get("part", "request"))
    errors = validator.errors(test["data"])
    assert validator.is_valid(test["data"]) is test["valid"]
    assert (not errors) is test["valid"], [e.to_dict() for e in errors]
    if "errors" in test:
        expected = test["errors"]
        assert len(errors) == len(expected), [e.to_dict() for e in errors]
        for error, wanted in zip(errors, expected):
            assert error.path == wanted["path"]
            assert error.keyword == wanted["keyword"]
            if "message" in wanted:
                assert error.message == wanted["message"]


def test_the_suite_covers_every_vocabulary_keyword():
    from invoicespec.keywords.standard import RESPONSE_KEYWORDS

    covered = {path.stem for path in SUITE.glob("x-*.json")}
    vocabulary = {name for name in RESPONSE_KEYWORDS if name.startswith("x-")}
    assert vocabulary <= covered

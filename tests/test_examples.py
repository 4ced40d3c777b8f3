"""Runs tests/examples/<operation>/<part>/{valid,invalid}/: one violation per invalid file.

Each invalid folder has an ``expected.yaml`` naming, for each file, the one error
it must produce (path, keyword and, where pinned, message). Files are JSON or
YAML, or ``.txt`` for a ``text/plain`` part, and are read exactly as the CLI
reads them.
"""

from __future__ import annotations

import pytest

import invoicespec
from invoicespec.io.files import read_payload
from invoicespec.io.yaml_loader import load_trusted

from conftest import EXAMPLES, assert_only_error


def _payloads(kind):
    for folder in sorted(EXAMPLES.glob(f"*/*/{kind}")):
        operation, part = folder.parent.parent.name, folder.parent.name
        for file in sorted(folder.iterdir()):
            if file.suffix in (".json", ".yaml", ".txt") and file.name != "expected.yaml":
                yield pytest.param(operation, part, file, id=f"{operation}/{part}/{kind}/{file.name}")


def _read(operation, part, file):
    text_body = invoicespec.validator(operation, part).media_type == "text/plain"
    assert (file.suffix == ".txt") is text_body, "text/plain parts use .txt files, others JSON or YAML"
    return read_payload(str(file), as_text=text_body)


@pytest.mark.parametrize(("operation", "part", "file"), list(_payloads("valid")))
def test_valid_example(operation, part, file):
    payload = _read(operation, part, file)
    assert invoicespec.errors(operation, payload, part=part) == []
    assert invoicespec.is_valid(operation, payload, part=part)


@pytest.mark.parametrize(("operation", "part", "file"), list(_payloads("invalid")))
def test_invalid_example(operation, part, file):
    expected = load_trusted((file.parent / "expected.yaml").read_text(encoding="utf-8"))[file.name]
    payload = _read(operation, part, file)
    assert_only_error(
        invoicespec.errors(operation, payload, part=part),
        expected["path"], expected["keyword"], expected.get("message"),
    )
    assert not invoicespec.is_valid(operation, payload, part=part)


def test_expected_files_match_the_folders():
    for expected in EXAMPLES.glob("*/*/invalid/expected.yaml"):
        listed = set(load_trusted(expected.read_text(encoding="utf-8")))
        present = {f.name for f in expected.parent.iterdir() if f.name != "expected.yaml"}
        assert listed == present, expected


@pytest.mark.parametrize("operation", invoicespec.operations())
def test_every_part_has_valid_and_invalid_examples(operation):
    for part in invoicespec.parts(operation):
        for kind in ("valid", "invalid"):
            folder = EXAMPLES / operation / part / kind
            assert folder.is_dir() and any(folder.iterdir()), f"no {kind} examples for {operation} {part}"

"""A contract folder of one's own is checked when it loads, as the shipped schemas are: each refusal names the
file and the JSON Pointer, and says what is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import invoicespec
from invoicespec.cli import main

MANIFEST = """\
vendor: Example
method: POST
path: /things
summary: Create a thing.
parts:
  request:
    schema: request.yaml
    description: The thing.
"""
BODY = """\
$schema: https://schemas.invoicespec.dev/_common/meta/dialect.yaml
title: A thing
type: object
properties:
  phone:
    type: string
    x-phone: {}
"""


def _folder(root: Path, body: str = BODY, manifest: str = MANIFEST, api: str = "example") -> Path:
    operation = root / api / "create_thing"
    operation.mkdir(parents=True)
    (operation / "operation.yaml").write_text(manifest, encoding="utf-8")
    (operation / "request.yaml").write_text(body, encoding="utf-8")
    return root


def _refusal(folder: Path, *more: Path) -> str:
    with pytest.raises(invoicespec.SchemaError) as caught:
        invoicespec.load_catalog(folder, *more)
    return str(caught.value)


def test_a_good_folder_loads(tmp_path):
    catalog = invoicespec.load_catalog(_folder(tmp_path))
    assert catalog.is_valid("example.create_thing", {"phone": "+33123456789"})
    assert [e.keyword for e in catalog.errors("example.create_thing", {"phone": "12"})] == ["x-phone"]


def test_a_misspelt_keyword_is_refused_with_the_closest_name(tmp_path):
    message = _refusal(_folder(tmp_path, BODY.replace("x-phone", "x-phon")))
    request = tmp_path / "example/create_thing/request.yaml"
    assert message == f"{request}: at /properties/phone: unknown keyword 'x-phon' (did you mean 'x-phone'?)"


def test_a_misspelt_standard_keyword_is_refused_too(tmp_path):
    message = _refusal(_folder(tmp_path, BODY.replace("type: object", "type: object\nrequried: [phone]")))
    assert message.endswith("at (root): unknown keyword 'requried' (did you mean 'required'?)")


def test_a_bad_keyword_argument_is_refused(tmp_path):
    message = _refusal(_folder(tmp_path, BODY.replace("x-phone: {}", "x-phone: {defaultRegion: France}")))
    assert message.startswith(f"{tmp_path / 'example/create_thing/request.yaml'}: at /properties/phone/x-phone/"
                              "defaultRegion: 'France' does not match")


def test_an_argument_the_keyword_rejects_beyond_its_schema_is_refused(tmp_path):
    body = BODY + "x-date-order:\n  - earlier: /start\n    later: /end\n"
    message = _refusal(_folder(tmp_path, body))
    assert message.endswith("at (root): '/start' names the field 'start', which this object does not declare")


@pytest.mark.parametrize(("ref", "shown"), [
    ("https://example.com/thing.json", "'https://example.com/thing.json'"),
    ("../nothing.yaml", "'../nothing.yaml'"),
    ("https://schemas.invoicespec.dev/_common/date.yaml#/$defs/nope",
     "'https://schemas.invoicespec.dev/_common/date.yaml#/$defs/nope'"),
])
def test_a_dangling_or_outside_ref_is_refused_and_nothing_is_fetched(tmp_path, ref, shown):
    message = _refusal(_folder(tmp_path, BODY + f"$defs:\n  other:\n    $ref: {ref!r}\n"))
    assert message.endswith(f"at /$defs/other: $ref {shown} does not lead to a shipped schema or a file of the "
                            "loaded folders (nothing else is ever retrieved)")


def test_a_pattern_that_is_not_linear_time_is_refused(tmp_path):
    message = _refusal(_folder(tmp_path, BODY.replace("x-phone: {}", 'pattern: "^(a+)\\\\1$"')))
    assert re.search(r"request\.yaml: at /properties/phone: pattern '\^\(a\+\)\\\\1\$' does not compile with RE2",
                     message), message


def test_an_operation_defined_twice_names_both_files(tmp_path):
    first, second = _folder(tmp_path / "one"), _folder(tmp_path / "two")
    message = _refusal(first, second)
    assert message == (f"{second / 'example/create_thing/operation.yaml'}: the operation 'example.create_thing' is "
                       f"already defined by {first / 'example/create_thing/operation.yaml'}")


def test_an_operation_the_shipped_schemas_define_is_refused(tmp_path):
    folder = tmp_path / "getbill" / "create_debt"
    _folder(tmp_path, api="getbill")
    (tmp_path / "getbill/create_thing").rename(folder)
    message = _refusal(tmp_path)
    assert message == (f"{folder / 'operation.yaml'}: the operation 'getbill.create_debt' is already defined by "
                       "the shipped schemas (getbill/create_debt/operation.yaml)")
    assert "getbill.create_debt" in invoicespec.load_catalog(tmp_path, shipped=False).operations()


def test_a_manifest_that_breaks_its_meta_schema_is_refused(tmp_path):
    message = _refusal(_folder(tmp_path, manifest=MANIFEST.replace("method: POST", "method: FETCH")))
    assert message.startswith(f"{tmp_path / 'example/create_thing/operation.yaml'}: at /method: 'FETCH' is not one of")


def test_a_manifest_naming_a_missing_file_is_refused(tmp_path):
    message = _refusal(_folder(tmp_path, manifest=MANIFEST.replace("request.yaml", "body.yaml")))
    assert message.endswith("operation.yaml: part 'request' names 'body.yaml', which does not exist")


def test_a_document_nested_too_deep_is_a_schema_error_not_a_recursion_error(tmp_path):
    deep = "".join("  " * level + "- \n" for level in range(150))
    body = BODY + "examples:\n" + deep.replace("- \n", "-\n")
    message = _refusal(_folder(tmp_path, BODY + "examples:\n  - " + "[" * 200 + "]" * 200 + "\n"))
    assert message.endswith("request.yaml: the document is nested more than 100 levels deep"), message
    assert body  # the block form is refused the same way; the flow form is shorter to write


def test_a_schema_nested_past_the_schema_limit_is_refused_before_any_recursive_check(tmp_path):
    nested = "{type: object, not: " * 60 + "{}" + "}" * 60  # 63 levels: within the reader's 100, past 50
    message = _refusal(_folder(tmp_path, BODY + f"$defs:\n  deep: {nested}\n"))
    assert "request.yaml: at /$defs/deep/not/not/" in message and "nested too deep: at most 50 levels" in message


@pytest.mark.parametrize("dialect", ["https://json-schema.org/draft-07/schema#", "https://example.com/dialect"])
def test_a_schema_dialect_other_than_invoicespec_or_2020_12_is_refused(tmp_path, dialect):
    body = BODY.replace("https://schemas.invoicespec.dev/_common/meta/dialect.yaml", dialect)
    message = _refusal(_folder(tmp_path, body))
    assert message == (f"{tmp_path / 'example/create_thing/request.yaml'}: at /$schema: {dialect!r} is not a dialect "
                       "invoicespec reads: use 'https://schemas.invoicespec.dev/_common/meta/dialect.yaml' (or "
                       "'https://json-schema.org/draft/2020-12/schema'; either way the document is checked against "
                       "the invoicespec dialect)")


def test_draft_2020_12_is_read_and_checked_against_the_dialect(tmp_path):
    body = BODY.replace("https://schemas.invoicespec.dev/_common/meta/dialect.yaml",
                        "https://json-schema.org/draft/2020-12/schema")
    assert invoicespec.load_catalog(_folder(tmp_path, body)).is_valid("example.create_thing", {})


def test_an_id_under_the_shipped_base_is_refused(tmp_path):
    body = BODY + "$id: https://schemas.invoicespec.dev/example/create_thing/request.yaml\n"
    message = _refusal(_folder(tmp_path, body))
    assert message.endswith("at /$id: 'https://schemas.invoicespec.dev/example/create_thing/request.yaml' lies under "
                            "https://schemas.invoicespec.dev/, which is the shipped schemas' (use a base URI of your "
                            "own, or leave $id out)")


def test_every_problem_is_counted_and_the_first_one_shown(tmp_path):
    _folder(tmp_path, BODY.replace("x-phone", "x-phon"), MANIFEST.replace("method: POST", "method: FETCH"))
    message = _refusal(tmp_path)
    assert message.endswith("(did you mean 'x-phone'?) (and 1 more problem: run invoicespec lint)")


def test_a_missing_folder_is_refused(tmp_path):
    assert _refusal(tmp_path / "nowhere") == f"{tmp_path / 'nowhere'}: not a folder of contracts"


def test_the_command_line_answers_each_refusal_with_one_line_and_exit_2(tmp_path, capsys):
    _folder(tmp_path, BODY.replace("x-phone", "x-phon"))
    assert main(["list", "--schemas", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"invoicespec: error: {tmp_path / 'example/create_thing/request.yaml'}: at /properties/phone: unknown "
        "keyword 'x-phon' (did you mean 'x-phone'?)"
    ]


def test_the_same_files_load_once_and_an_edit_loads_afresh(tmp_path):
    folder = _folder(tmp_path)
    first = invoicespec.load_catalog(folder)
    assert invoicespec.load_catalog(str(folder)) is first
    (folder / "example/create_thing/request.yaml").write_text(BODY.replace("x-phone", "x-phon"))
    assert "did you mean 'x-phone'?" in _refusal(folder)
    assert invoicespec.load_catalog() is invoicespec.load_catalog() and "example.create_thing" not in (
        invoicespec.load_catalog().operations())

"""The reference generated from the schemas (``invoicespec docs``): complete, every rule in words, deterministic,
offline and committed fresh (tests/test_docs_browser.py opens it in headless Chromium).

The expected content is derived here independently of the renderer: a small walk over the raw schemas lists every
declared path and every custom keyword, and each must show up in the pages.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

import pytest

pytest.importorskip("jinja2", reason="the reference needs the docs extra (jinja2)")

import invoicespec  # noqa: E402
from invoicespec.catalog.load import DIALECT, shipped  # noqa: E402
from invoicespec.outputs.docs import build_docs, describe_part, field_anchor, render_part  # noqa: E402
from invoicespec.rules.pointer import format_pointer  # noqa: E402
from invoicespec.engine.validator import compile_schema  # noqa: E402
from invoicespec.cli import main  # noqa: E402

from conftest import ROOT  # noqa: E402

REFERENCE = ROOT / "docs" / "reference"
REGENERATE = "python3 -m invoicespec docs --out docs/reference"
# GetBill's five messages, verbatim (as the README lists them).
PHONE_MESSAGES = (
    "phone number too short",
    "phone number too long",
    "invalid country code",
    "number format is not valid",
    "number not registered in carrier database",
)
INFERENCE = re.compile(r"inference|inferred", re.IGNORECASE)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    build_docs(out)
    return out


# -- an independent walk over the raw schemas ------------------------------------------------------


def _walk(schema: Any, resolver: Any, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every (path, schema object) a part declares: through $ref, allOf, anyOf, oneOf, then and else."""
    stack, seen = [(schema, resolver)], set()
    while stack:
        node, here = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        yield path, node
        if isinstance(node.get("$ref"), str):
            resolved = here.lookup(node["$ref"])
            stack.append((resolved.contents, resolved.resolver))
        for keyword in ("allOf", "anyOf", "oneOf"):
            stack.extend((sub, here) for sub in node.get(keyword, []))
        stack.extend((node[keyword], here) for keyword in ("then", "else") if keyword in node)
        for name, sub in node.get("properties", {}).items():
            yield from _walk(sub, here, path + format_pointer([name]))
        if isinstance(node.get("items"), dict):
            yield from _walk(node["items"], here, path + "/*")


def _parts() -> Iterator[tuple[str, str, list[tuple[str, dict]]]]:
    for operation in invoicespec.operations():
        for part in invoicespec.parts(operation):
            inner = invoicespec.validator(operation, part)._jsonschema
            yield operation, part, list(_walk(inner.schema, inner._resolver))


PARTS = list(_parts())  # (operation, part, [(path, schema object)]): a second to build, used by most tests


def _markdown_part(rendered: Path, operation: str, part: str) -> str:
    page = (rendered / f"{operation}.md").read_text(encoding="utf-8")
    return page.split(f"\n## Part `{part}`\n", 1)[1].split("\n## Part `", 1)[0]


def _shown(path: str) -> str:
    return f"`{path or '(root)'}`"


# -- the HTML page, parsed -------------------------------------------------------------------------


class _Page(HTMLParser):
    """Ids, field rows (per part section, with their text and hidden flag), links and resources of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.rows: list[dict] = []
        self.tags: list[tuple[str, dict]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.status = ""
        self._part = ""
        self._row: dict | None = None
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "section" and "part" in attributes.get("class", "").split():
            self._part = attributes["id"]
        if "field" in attributes.get("class", "").split() and "data-path" in attributes:
            self._row = {"part": self._part, "id": attributes.get("id", ""), "path": attributes.get("data-path"),
                         "hidden": "hidden" in attributes, "text": ""}
            self.rows.append(self._row)
            self._row_tag = tag
        if tag in ("style", "script") or (tag == "output" and attributes.get("id") == "filter-status"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == getattr(self, "_row_tag", None):  # the text of a field row runs to its first closing tag
            self._row = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row["text"] += data
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)
        elif self._in == "output":
            self.status += data


@pytest.fixture(scope="module")
def page(rendered: Path) -> _Page:
    return _Page((rendered / "index.html").read_text(encoding="utf-8"))


def _anchor(operation: str, part: str, path: str) -> str:
    """The documented anchor scheme, written again here to check the page against it."""
    safe = "".join(c if re.fullmatch(r"[A-Za-z0-9._~*/-]", c) else f":{ord(c):x}:" for c in path)
    return f"{operation}--{part}--{safe}"


# -- completeness ----------------------------------------------------------------------------------


def test_the_files_written(rendered: Path):
    names = sorted(path.name for path in rendered.iterdir())
    assert names == sorted(["index.md", "index.html", *(f"{op}.md" for op in invoicespec.operations())])


def test_every_operation_and_part_is_on_the_pages(rendered: Path, page: _Page):
    index = (rendered / "index.md").read_text(encoding="utf-8")
    for operation in invoicespec.operations():
        assert f"[`{operation}`]({operation}.md)" in index
        markdown = (rendered / f"{operation}.md").read_text(encoding="utf-8")
        assert markdown.startswith("<!-- Generated") and f"\n# `{operation}`\n" in markdown
        assert operation in page.ids
        for part in invoicespec.parts(operation):
            assert f"\n## Part `{part}`\n" in markdown
            assert f"{operation}--{part}" in page.ids


def test_every_declared_field_has_a_row_and_an_anchor(rendered: Path, page: _Page):
    shown: dict[str, set[str]] = {}
    for row in page.rows:
        shown.setdefault(row["part"], set()).add(row["path"])
    assert len(page.ids) == len(set(page.ids)), "ids must be unique"
    ids = set(page.ids)
    for operation, part, located in PARTS:
        declared = {path for path, _ in located}
        assert shown[f"{operation}--{part}"] == declared, (operation, part)
        markdown = _markdown_part(rendered, operation, part)
        for path in declared:
            assert _anchor(operation, part, path) in ids, (operation, part, path)
            assert f"\n| {_shown(path)}" in markdown, (operation, part, path)
    assert "getbill.create_debt--request--/phone" in ids  # the scheme the pages document


def test_anchor_scheme_escapes_what_ids_cannot_hold():
    assert field_anchor("op", "request", "/a b/c:d") == "op--request--/a:20:b/c:3a:d"
    assert field_anchor("op", "request", "/items/*/ident") == "op--request--/items/*/ident"
    assert field_anchor("op", "request", "/x", 2) == "op--request--/x--2"


# -- rules in words --------------------------------------------------------------------------------


def _phrases(path: str, keyword: str, value: Any) -> list[str]:
    """What the Markdown part section must say for one custom keyword found at ``path``."""
    if keyword == "x-date-order":
        return [f"`{pair['later'][1:]}` must be " + ("after" if pair.get("relation") == "<" else "on or after")
                + f" `{pair['earlier'][1:]}`" for pair in value]
    if keyword == "x-unique-by":
        return [f"each item's `{value[0][1:]}` must differ from every other item's"]
    if keyword == "x-equal-across":
        return [f"`{pointer[1:]}` must be the same in every item that has it" for pointer in value]
    if keyword == "x-references":
        return [f"every item of `{link['items'][1:]}` whose `{link['field'][1:]}` is set must name an item of "
                f"`{link['target'][1:]}` by that item's `{link['key'][1:]}`" for link in value]
    if keyword == "x-contiguous":
        start = value.get("start", 1)
        return [f"the items' `{value['field'][1:]}` values must run {start}, {start + 1}, {start + 2}, …"]
    if keyword == "x-required-any-of":
        return ["at least one of " + ", ".join(f"`{name}`" for name in value[:-1]) + f" or `{value[-1]}`"]
    if keyword == "x-digits":
        return [f"at most {value['integer']} integral and {value['fraction']} fractional digits"]
    if keyword == "x-destination-cost":
        return [f"unless `{value['acceptedBy'][1:]}` is `true`"]
    if keyword == "x-phone":
        region = value.get("defaultRegion")
        return [f"are read as `{region}` numbers" if region else "numbers must start with `+`"]
    if keyword == "x-iban":
        return ["mod-97 check digits"]
    return []


def test_every_custom_keyword_is_stated_in_words(rendered: Path):
    seen = set()
    for operation, part, located in PARTS:
        markdown = _markdown_part(rendered, operation, part)
        for path, schema in located:
            for keyword, value in schema.items():
                for phrase in _phrases(path, keyword, value):
                    seen.add(keyword)
                    line = next((line for line in markdown.splitlines()
                                 if line.startswith(f"- {_shown(path)}") and phrase in line), None)
                    assert line is not None, (operation, part, path, keyword, phrase)
            if schema.get("readOnly") is True:
                expected = ("read-only: a request that sends it is refused" if part.startswith("request")
                            else "read-only: set by the server")
                assert f"- {_shown(path)}, `readOnly`: {expected}" in markdown
    assert seen == {"x-date-order", "x-unique-by", "x-equal-across", "x-references", "x-contiguous",
                    "x-required-any-of", "x-digits", "x-destination-cost", "x-phone", "x-iban"}


def test_the_getbill_rules_read_as_sentences(rendered: Path):
    request = _markdown_part(rendered, "getbill.create_debt", "request")
    assert "- `(root)`, `x-date-order`: `due_date` must be on or after `invoice_date`." in request
    assert "- `(root)`, `x-required-any-of`: at least one of `phone` or `email` must be present." in request
    assert "- `/status`, `readOnly`: read-only: a request that sends it is refused." in request
    row = next(line for line in request.splitlines() if line.startswith("| `/due_date` |"))
    assert "rule (`x-date-order` on `(root)`): `due_date` must be on or after `invoice_date`" in row
    nitrobox = _markdown_part(rendered, "nitrobox.create_deposit_invoice", "request")
    row = next(line for line in nitrobox.splitlines() if line.startswith("| `/items/*/quantity` |"))
    assert "digits: at most 15 integral and 4 fractional digits" in row and "at least 0" in row


def test_the_five_phone_messages_and_the_iban_messages(rendered: Path):
    request = _markdown_part(rendered, "getbill.create_debt", "request")
    phones = request.split("### Phone numbers in `request`", 1)[1]
    for number, message in enumerate(PHONE_MESSAGES, start=1):
        assert f"\n{number}. `{message}`" in phones
    assert "- `/phone`: a phone number as people type it" in phones
    ibans = request.split("### IBANs in `request`", 1)[1]
    assert "- `/iban`: an IBAN" in ibans
    for message in ("only letters, digits and spaces are allowed", "unknown country code 'XX'",
                    "wrong length for country 'FR'", "the check digits of 'FR15'... do not match",
                    "the account part does not fit the format of country 'DE'"):
        assert f"`invalid IBAN: {message}" in ibans


def test_the_destination_tiers_table(rendered: Path, page: _Page):
    cost = shipped().documents["https://schemas.invoicespec.dev/getbill/create_debt/request.yaml"][
        "x-destination-cost"]
    request = _markdown_part(rendered, "getbill.create_debt", "request")
    tiers = request.split("### Destination tiers in `request`", 1)[1]
    assert "| tier | regions | credits per call | multiplier | expensive |" in tiers
    for tier in cost["tiers"]:
        row = (f"| {tier['name']} | {', '.join(tier['regions'])} | {tier['creditsPerCall']} | {tier['multiplier']} "
               f"| {'yes' if tier['expensive'] else 'no'} |")
        assert row in tiers
    text = (rendered / "index.html").read_text(encoding="utf-8")
    for tier in cost["tiers"]:
        assert f"<tr><td>{html.escape(tier['name'])}</td><td>{', '.join(tier['regions'])}</td>" in text


def test_every_stated_inference_is_listed(rendered: Path):
    count = 0
    for operation in invoicespec.operations():
        page = (rendered / f"{operation}.md").read_text(encoding="utf-8")
        section = " ".join(html.unescape(page.split("\n## Inferences\n", 1)[1].split("\n## Part `", 1)[0]).split())
        info = invoicespec.operation_info(operation)
        texts = [info.description, *(spec.description for spec in info.parts.values())]
        texts += [schema["description"] for op, _, located in PARTS if op == operation
                  for _, schema in located if isinstance(schema.get("description"), str)]
        for text in texts:
            if INFERENCE.search(text):
                count += 1
                assert " ".join(text.split()) in section, (operation, text[:80])
    assert count > 50


def test_diagrams_of_the_date_order(rendered: Path):
    text = (rendered / "index.html").read_text(encoding="utf-8")
    for operation, _part, located in PARTS:
        for path, schema in located:
            for pair in schema.get("x-date-order", []):
                markdown = (rendered / f"{operation}.md").read_text(encoding="utf-8")
                drawn = set()
                for diagram in re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S):
                    assert diagram.startswith("graph LR\n")
                    nodes = dict(re.findall(r'^    (d\d+)\["([^"]+)"\]$', diagram, flags=re.M))
                    drawn |= {(nodes[a], nodes[b], r) for a, r, b in
                              re.findall(r'^    (d\d+) -->\|"(<=?)"\| (d\d+)$', diagram, flags=re.M)}
                edge = (path + pair["earlier"], path + pair["later"], pair.get("relation", "<="))
                assert edge in drawn, (operation, edge)
        section = text.split(f'<section class="operation" id="{operation}">', 1)[1].split("<section", 1)[0]
        has_dates = any("x-date-order" in schema for op, _, loc in PARTS if op == operation for _, schema in loc)
        assert ('<svg class="dates"' in section) == has_dates, operation


# -- the HTML page ---------------------------------------------------------------------------------


def test_the_page_is_self_contained(page: _Page):
    documented = {url for operation in invoicespec.operations() for url in invoicespec.operation_info(operation).docs}
    external = re.compile(r"^\s*(https?:|//|ftp:)", re.IGNORECASE)
    for tag, attributes in page.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "frame", "audio", "video"), tag
        assert not (tag == "script" and "src" in attributes)
        for name, value in attributes.items():
            if name in ("src", "href", "xlink:href", "action", "data", "poster", "srcset", "formaction"):
                if external.match(value):
                    assert tag == "a" and name == "href" and value in documented, (tag, name, value)
            assert not name.startswith("on"), (tag, name)  # behaviour lives in the one inline script
    for text in page.styles + page.scripts:
        assert "http" not in text and "url(" not in text and "@import" not in text
    viewport = [a for t, a in page.tags if t == "meta" and a.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0]["content"]
    assert any(t == "input" and a.get("id") == "filter" for t, a in page.tags)


def test_the_markdown_pages_link_only_to_vendors_and_each_other(rendered: Path):
    documented = {url for operation in invoicespec.operations() for url in invoicespec.operation_info(operation).docs}
    pages = {path.name for path in rendered.iterdir()}
    for path in rendered.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"<(https?://[^>\s]+)>|\]\((https?://[^)\s]+)\)", text):
            assert "".join(url) in documented, (path.name, url)
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            assert target.startswith("http") or target in pages, (path.name, target)


def test_a_small_schema_with_dependent_required_and_unknown_words():
    schema = {
        "$schema": DIALECT,
        "title": "Card payment",
        "description": "A payment by card (an inference, for this test).",
        "type": "object",
        "properties": {
            "card": {"type": "string", "description": "The card number."},
            "expiry": {"type": "string", "description": "MM/YY."},
            "cvc": {"type": "string", "description": "Three digits.", "pattern": "^[0-9]{3}$"},
        },
        "dependentRequired": {"card": ["expiry", "cvc"]},
        "maxProperties": 3,
        "examples": [{"card": "4111", "expiry": "12/30", "cvc": "123"}],
    }
    validator = compile_schema(schema)
    inner = validator._jsonschema
    part = describe_part(inner.schema, inner._resolver, operation="test.pay", part="request",
                         examples=validator.examples)
    markdown = render_part(part, "md")
    assert "- `(root)`, `dependentRequired`: when `card` is present, `expiry` and `cvc` are required too." in markdown
    assert "`maxProperties`: `3`" in markdown  # a keyword without words of its own is shown, not dropped
    row = next(line for line in markdown.splitlines() if line.startswith("| `/cvc` |"))
    assert "rule (`dependentRequired` on `(root)`)" in row and "pattern `^[0-9]{3}$`" in row
    assert part.inferences == (("", "A payment by card (an inference, for this test)."),)
    page = render_part(part, "html")
    assert 'id="test.pay--request--/expiry"' in page
    assert "when <code>card</code> is present, <code>expiry</code> and <code>cvc</code> are required too" in page
    assert '"expiry": "12/30"' in markdown and "&#34;expiry&#34;: &#34;12/30&#34;" in page


def test_variants_and_nullable_fields(rendered: Path):
    pennylane = _markdown_part(rendered, "pennylane.create_customer_invoice", "request")
    rows = [line for line in pennylane.splitlines() if line.startswith("| `/draft`")]
    assert len(rows) == 2  # one row per variant, since the value differs
    assert "variant: Draft customer invoice" in rows[0] and "one of `true`" in rows[0]
    assert "variant: Finalized customer invoice" in rows[1] and "one of `false`" in rows[1]
    assert sum(line.startswith("| `/date` |") for line in pennylane.splitlines()) == 1  # the same in both
    assert "variant: Finalized customer invoice | object" in pennylane.split("| `/transaction_reference`", 1)[1]
    nitrobox = _markdown_part(rendered, "nitrobox.create_deposit_invoice", "request")
    row = next(line for line in nitrobox.splitlines() if line.startswith("| `/documentDate` |"))
    assert "| string \\| null | no | yes | format `date` |" in row  # anyOf [date, null]: nullable, not a variant


# -- determinism, the command line, freshness -------------------------------------------------------


def test_rendering_is_deterministic(rendered: Path, tmp_path: Path):
    again = build_docs(tmp_path)
    assert [path.name for path in again] == sorted(path.name for path in rendered.iterdir())
    for path in again:
        assert path.read_bytes() == (rendered / path.name).read_bytes(), path.name


def test_the_command_line_writes_the_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "new" / "reference"
    assert main(["docs", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {len(invoicespec.operations()) + 2} files to {out}\n"
    assert (out / "index.html").stat().st_size > 100_000
    assert (out / "getbill.create_debt.md").read_text(encoding="utf-8").startswith("<!-- Generated")


def test_the_committed_reference_is_fresh(rendered: Path):
    committed = sorted(path.name for path in REFERENCE.glob("*")) if REFERENCE.is_dir() else []
    fresh = sorted(path.name for path in rendered.iterdir())
    assert committed == fresh, f"docs/reference/ lists other files than the generator writes: run {REGENERATE}"
    stale = [name for name in fresh if (REFERENCE / name).read_bytes() != (rendered / name).read_bytes()]
    assert not stale, f"docs/reference/ has drifted from the schemas ({', '.join(stale)}): run {REGENERATE}"


# -- the HTML page's field tree --------------------------------------------------------------------


def test_the_field_tree_follows_nesting_and_puts_variants_in_tabs():
    from invoicespec.outputs.docs import reference
    from invoicespec.outputs.docs.tree import field_tree

    def nodes(forest):
        for node in forest:
            yield node
            yield from nodes(node.children)
            for choice in node.choices:
                for tab in choice.tabs:
                    yield from nodes(tab.nodes)

    for operation in reference():
        for part in operation.parts:
            forest = field_tree(part)
            every = list(nodes(forest))
            anchored = [node.anchor for node in every if node.anchor]
            assert sorted(anchored) == sorted(row.anchor for row in part.fields), (operation.id, part.name)
            for node in every:  # a child's path is its parent's plus one segment
                for child in node.children:
                    assert child.path.rsplit("/", 1)[0] == node.path, (node.path, child.path)
    pennylane = next(op for op in reference() if op.id == "pennylane.create_customer_invoice")
    (root,) = field_tree(pennylane.parts[0])
    (choice,) = root.choices
    assert choice.kind == "anyOf" and [tab.label for tab in choice.tabs] == ["Draft customer invoice",
                                                                              "Finalized customer invoice"]
    drafts = [node for tab in choice.tabs for node in nodes(tab.nodes) if node.path == "/draft"]
    assert [node.row.values for node in drafts] == [("true",), ("false",)]
    discount = next(node for node in root.children if node.path == "/discount")
    assert [child.name for child in discount.children] == ["type", "value"]

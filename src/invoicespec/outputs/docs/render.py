"""Rendering the reference: the Jinja environment, its Markdown and HTML filters, and the pages written."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from invoicespec._errors import InvoicespecError
from invoicespec.outputs.docs.model import LONG_ENUM, PartDoc
from invoicespec.outputs.docs.operations import legend, reference
from invoicespec.outputs.docs.tree import field_tree
from invoicespec.outputs.docs.words import code
from invoicespec.outputs.docs.walk import documented

if TYPE_CHECKING:
    from jinja2 import Environment

    from invoicespec._contracts import Catalog
    from markupsafe import Markup

__all__ = ["build_docs", "jinja_environment", "render_part"]


def jinja_environment() -> Environment:
    try:
        import jinja2
    except ImportError:
        raise InvoicespecError(
            "the reference needs Jinja2: install the docs extra, pip install 'invoicespec[docs]'"
        ) from None
    templates = files("invoicespec") / "outputs" / "templates"

    def load(name: str) -> str:
        # Read through importlib.resources, so templates load from a wheel or a zip as well as a checkout.
        return (templates / name).read_text(encoding="utf-8")

    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["inline"] = _inline_html
    environment.filters["md"] = _markdown_text
    environment.filters["cell"] = _markdown_cell
    environment.filters["code"] = code
    environment.filters["slug"] = _github_slug
    keywords = documented()
    for keyword in keywords:
        if keyword.docs_globals is not None:
            environment.globals.update(keyword.docs_globals())
    # Any keyword would do as the filter box's example; the last one the reference states is the one the
    # page has always shown.
    environment.globals["FILTER_EXAMPLE"] = keywords[-1].name
    environment.globals["LONG_ENUM"] = LONG_ENUM
    environment.globals["LEGEND"] = legend()
    environment.globals["field_tree"] = field_tree

    def asset(name: str) -> Markup:
        # CSS and JavaScript are inlined as they are: never parsed as templates nor escaped.
        from markupsafe import Markup

        return Markup(load(name).rstrip("\n"))

    environment.globals["asset"] = asset
    return environment


def _spans(text: str) -> list[tuple[bool, str]]:
    """Split inline Markdown into (is_code, text) pieces."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in re.finditer(r"``\s(.+?)\s``|`([^`]+)`", text):
        if match.start() > position:
            pieces.append((False, text[position:match.start()]))
        pieces.append((True, match.group(1) if match.group(1) is not None else match.group(2)))
        position = match.end()
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces


def _inline_html(text: str) -> Markup:
    """Inline Markdown (code spans and **bold**) as safe HTML."""
    from markupsafe import Markup, escape

    def prose(piece: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", str(escape(piece)))

    return Markup("".join(f"<code>{escape(piece)}</code>" if is_code else prose(piece)
                          for is_code, piece in _spans(str(text))))


def _markdown_text(text: str) -> str:
    """Schema text for a Markdown page: angle brackets outside code spans are escaped (not taken as HTML)."""
    return "".join(code(piece) if is_code else piece.replace("<", "&lt;").replace(">", "&gt;")
                   for is_code, piece in _spans(str(text)))


def _markdown_cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped (GFM needs it inside code spans too)."""
    return _markdown_text(" ".join(str(text).split())).replace("|", "\\|")


def _github_slug(text: str) -> str:
    """The anchor GitHub gives a Markdown heading (lower case, punctuation dropped, spaces to hyphens)."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def render_part(part: PartDoc, markup: str = "md") -> str:
    """One part's section, as Markdown (``md``) or HTML (``html``): the pages include exactly this."""
    template = "part.md.j2" if markup == "md" else "part.html.j2"
    return jinja_environment().get_template(template).render(part=part)


def build_docs(out_dir: Path, catalog: Catalog | None = None) -> list[Path]:
    """Write ``index.md``, one ``<operation id>.md`` per operation and ``index.html`` into ``out_dir``, for the
    operations of ``catalog`` (by default the shipped ones).

    Returns the paths written, sorted. The output depends only on the schemas.
    """
    environment = jinja_environment()
    operations = reference(catalog)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = {"index.md": environment.get_template("index.md.j2").render(operations=operations),
             "index.html": environment.get_template("index.html.j2").render(operations=operations)}
    for operation in operations:
        pages[f"{operation.id}.md"] = environment.get_template("operation.md.j2").render(operation=operation)
    written = []
    for name, text in sorted(pages.items()):
        target = out_dir / name
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(target)
    return sorted(written)

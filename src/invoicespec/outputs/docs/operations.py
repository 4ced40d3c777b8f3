"""The reference model of each operation: its parts walked and grouped, its inferences and diagrams."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from invoicespec.outputs.docs.diagrams import date_diagrams
from invoicespec.outputs.docs.grouping import field_rows, rule_list
from invoicespec.outputs.docs.model import Inference, OperationDoc, PartDoc, TierTable, field_anchor
from invoicespec.outputs.docs.walk import INFERENCE, PartWalk, documented
from invoicespec.outputs.docs.words import code

if TYPE_CHECKING:
    from invoicespec._contracts import Catalog
    from invoicespec.catalog.load import Operation, Schema

__all__ = ["describe_part", "legend", "reference"]


def legend() -> tuple[str, ...]:
    """How to read the pages: inline Markdown, one item each, shown by the Markdown index and the HTML page."""
    keywords = documented()
    return (
        "**Path** is a JSON Pointer into the part: `/items/*/ident` is the `ident` of every item of `items` (`*` "
        "stands for every item of an array), and `(root)` is the whole part (the body, the headers or the path "
        "parameters).",
        "**Required** is `yes` when the field must be present whenever the object that holds it is present, "
        "`one of …` when at least one of the named fields must be present ("
        + ", ".join(f"`{keyword.name}`" for keyword in keywords if keyword.docs_one_of)
        + "), and `(item)` for the items of an array.",
        "**Nullable** is `yes` when `null` is an allowed value.",
        "**Constraints** lists the allowed values, patterns, lengths, ranges, digit limits, formats, item counts, "
        "whether other fields are refused, and every rule that ties the field to other fields, in words.",
        "**Variants**: a field that differs between the variants of a schema (`anyOf`, `oneOf`, `if`/`then`/`else`) "
        "has one row per variant, labelled with the variants it holds in; a field that is the same in every variant "
        "has one row.",
        "**In `index.html`** the fields of a part fold into a tree that follows nesting (`[item]` is every item of "
        "an array); a field that differs between variants sits under its choice point, one tab per alternative.",
        *(keyword.docs_legend for keyword in keywords if keyword.docs_legend),
        "**Inferences**: where a vendor's documentation is silent and a schema adopts an inference, its description "
        "says so; each operation lists them all under \"Inferences\".",
        "**Anchors** (in `index.html`): every field row has the id `<operation>--<part>--<path>`, such as "
        "`getbill.create_debt--request--/phone` (the root is `getbill.create_debt--request--`); characters other than "
        "ASCII letters, digits and `. _ ~ * / -` are written `:<hex code point>:`, and a second row for the same path "
        "(another variant) adds `--2`, `--3`. Operations are anchored by their id, parts by `<operation>--<part>`. "
        "`index.html?filter=phone` opens the page with the filter applied.",
    )


_PART_NOTES = {
    "headers": "Header names match case-insensitively (errors keep the names as sent); values are strings.",
    "path": "Path parameters arrive as strings from the URL and are read as the types declared here.",
}


def describe_part(schema: Schema, resolver: Any, *, operation: str, part: str, description: str = "",
                  media_type: str = "application/json", schema_file: str = "",
                  examples: Sequence[Any] = ()) -> PartDoc:
    """Walk one part's schema (with the resolver in force at its root) into a :class:`PartDoc`."""
    kind = {"request.headers": "headers", "request.path": "path"}.get(part, "body")
    walk = PartWalk(request=part.startswith("request"), kind=kind)
    walk.order[""] = ()
    walk.walk([(schema, resolver)], frozenset(), "", (), "—", False, 0)
    rules, naming = rule_list(walk, operation, part)
    notes = [_PART_NOTES[kind]] if kind in _PART_NOTES else []
    if media_type == "text/plain":
        notes.append("The body is plain text: the whole text is the value at `(root)`.")
    text = media_type == "text/plain" and all(isinstance(example, str) for example in examples)
    # Keyword name -> the part section that lists its rules apart from the part's Rules.
    sections = {keyword.name: keyword.docs_section for keyword in walk.keywords if keyword.docs_section}
    return PartDoc(
        operation=operation, name=part, title=walk.title, description=description, media_type=media_type,
        kind=kind, schema_file=schema_file, notes=tuple(notes), fields=field_rows(walk, operation, part, naming),
        rules=tuple(rule for rule in rules if rule.keyword not in sections),
        phones=tuple(rule for rule in rules if sections.get(rule.keyword) == "phones"),
        ibans=tuple(rule for rule in rules if sections.get(rule.keyword) == "ibans"),
        tiers=tuple(TierTable(**table) for table in walk.facts.get("tiers", {}).values()),
        variants=tuple(walk.variants.values()),
        date_orders=tuple(walk.facts.get("date_orders", {}).values()),
        inferences=tuple(walk.inferences),
        examples=tuple(example if text else json.dumps(example, indent=2, ensure_ascii=False)
                       for example in examples),
        example_language="text" if text else "json",
        anchor=f"{operation}--{part}",
    )


def _describe_operation(operation_id: str, catalog: Catalog) -> OperationDoc:
    from invoicespec.catalog.load import BASE_URI
    from invoicespec.engine.descend import resolver_of

    info = catalog.operation_info(operation_id)
    files = catalog.loaded.files
    parts = []
    for name, spec in info.parts.items():
        validator = catalog.validator(operation_id, name)
        inner = validator._jsonschema
        shipped = spec.schema_uri.startswith(BASE_URI)  # a folder of one's own: the path in that folder
        parts.append(describe_part(
            inner.schema, resolver_of(inner), operation=operation_id, part=name, description=spec.description,
            media_type=spec.media_type, schema_file=("schemas/" if shipped else "") + files.get(spec.schema_uri, ""),
            examples=validator.examples,
        ))
    return OperationDoc(
        id=operation_id, vendor=info.vendor, method=info.method, path=info.path, summary=info.summary,
        description=info.description, docs=tuple(info.docs), security=info.security, server=info.server,
        parts=tuple(parts), inferences=_inferences(info, parts), diagrams=date_diagrams(operation_id, parts),
    )


def _inferences(info: Operation, parts: list[PartDoc]) -> tuple[Inference, ...]:
    """Every stated inference once, with where it is stated: (inline Markdown label, HTML anchor) pairs."""
    found: dict[str, list[tuple[str, str]]] = {}
    if INFERENCE.search(info.description or ""):
        found.setdefault(info.description, []).append(("the operation", info.id))
    for part in parts:
        if INFERENCE.search(part.description):
            found.setdefault(part.description, []).append((f"{code(part.name)} (the part)", part.anchor))
        for path, text in part.inferences:
            found.setdefault(text, []).append((f"{code(part.name)} {code(path or '(root)')}",
                                               field_anchor(info.id, part.name, path)))
    return tuple(Inference(text, tuple(dict.fromkeys(locations))) for text, locations in found.items())


def reference(catalog: Catalog | None = None) -> tuple[OperationDoc, ...]:
    """The reference model of every operation of ``catalog`` (by default the shipped one), in operation order."""
    from invoicespec._contracts import _shipped_catalog

    catalog = catalog or _shipped_catalog()
    return tuple(_describe_operation(operation, catalog) for operation in catalog.operations())

"""The reference's data model: frozen records of what the pages say, filled by the walk and read by the
templates (``render.py``).

Field anchors (HTML ``id``): ``<operation id>--<part>--<JSON Pointer>``, such as
``getbill.create_debt--request--/phone`` (the root is ``…--request--``). Every
character other than ASCII letters, digits and ``. _ ~ * / -`` is written as
``:<hex code point>:``; a second and further row for the same path (another
variant) adds ``--2``, ``--3``. Operations are anchored by their id, parts by
``<operation id>--<part>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from invoicespec.keywords import registry

__all__ = [
    "Diagram", "Field", "Inference", "LONG_ENUM", "OperationDoc", "PartDoc", "Rule", "TierTable",
    "Variant", "cross_field", "field_anchor",
]

_ID_SAFE = re.compile(r"[A-Za-z0-9._~*/-]")
LONG_ENUM = 12  # enums longer than this are folded away (HTML <details>, Markdown list below the table)


def cross_field() -> frozenset[str]:
    """The keywords whose rules tie fields together: each named field's row lists them again."""
    return frozenset({
        *(keyword.name for keyword in registry.REGISTRY.values() if keyword.docs_cross_field), "dependentRequired",
    })


@dataclass(frozen=True)
class Field:
    """One row of a part's field table: a path, in one variant or in all of them."""

    path: str
    variant: str  # "" when the row holds whatever the variant
    types: str
    required: str
    nullable: bool
    constraints: tuple[str, ...]  # inline Markdown (backticks for code)
    values: tuple[str, ...]  # the allowed values as JSON text; () when not an enum
    default: str
    description: str
    notes: tuple[str, ...]  # the other descriptions merged at this location
    anchor: str
    rules: tuple[Rule, ...] = ()  # the cross-field and value rules that name this field

    @property
    def shown_path(self) -> str:
        """The path as the tables print it (``(root)`` for the whole part)."""
        return self.path or "(root)"

    @property
    def cross_rules(self) -> tuple[Rule, ...]:
        """The rules that tie this field to others (value rules are in ``constraints`` already)."""
        return tuple(rule for rule in self.rules if rule.keyword in cross_field())


@dataclass(frozen=True)
class Rule:
    """A rule in plain words, declared at ``path`` by ``keyword``."""

    path: str
    keyword: str
    text: str
    variant: str = ""
    anchor: str = ""

    @property
    def shown_path(self) -> str:
        """The path as the pages print it."""
        return self.path or "(root)"


@dataclass(frozen=True)
class TierTable:
    """The destination tiers of one phone-cost rule (a keyword's ``docs_facts`` section ``tiers``)."""

    path: str
    phone: str
    accepted_by: str
    default_region: str
    tiers: tuple[dict[str, Any], ...]  # the keyword's tier objects as the schema writes them


@dataclass(frozen=True)
class Variant:
    """One choice point: its kind and its alternatives (label, description)."""

    path: str
    kind: str
    alternatives: tuple[tuple[str, str], ...]
    nullable: bool


@dataclass(frozen=True)
class PartDoc:
    """Everything the reference says about one part of one operation."""

    operation: str
    name: str
    title: str
    description: str
    media_type: str
    kind: str  # "body", "headers" or "path"
    schema_file: str
    notes: tuple[str, ...]
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...]
    phones: tuple[Rule, ...]
    ibans: tuple[Rule, ...]
    tiers: tuple[TierTable, ...]
    variants: tuple[Variant, ...]
    date_orders: tuple[tuple[str, str, str], ...]  # (earlier, later, relation), absolute paths
    inferences: tuple[tuple[str, str], ...]  # (path, text)
    examples: tuple[str, ...]
    example_language: str  # "json" or "text"
    anchor: str

    @property
    def long_enums(self) -> tuple[Field, ...]:
        """The rows whose list of values is folded away from the table."""
        return tuple(row for row in self.fields if len(row.values) > LONG_ENUM)


@dataclass(frozen=True)
class Inference:
    """An inference a schema states, and everywhere it is stated."""

    text: str
    locations: tuple[tuple[str, str], ...]  # (label in inline Markdown, HTML anchor)


@dataclass(frozen=True)
class Diagram:
    """The date-order pairs that some parts of an operation share, as Mermaid and as SVG."""

    parts: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]
    mermaid: str
    svg: str


@dataclass(frozen=True)
class OperationDoc:
    """One operation: what its manifest says, its parts, inferences and diagrams."""

    id: str
    vendor: str
    method: str
    path: str
    summary: str
    description: str
    docs: tuple[str, ...]
    security: str
    server: str
    parts: tuple[PartDoc, ...]
    inferences: tuple[Inference, ...]
    diagrams: tuple[Diagram, ...]

    @property
    def request_parts(self) -> tuple[PartDoc, ...]:
        """The parts a client sends: the body, headers and path parameters."""
        return tuple(part for part in self.parts if part.name.startswith("request"))

    @property
    def response_parts(self) -> tuple[PartDoc, ...]:
        """The parts a server answers, one per status (or status class, ``4XX``)."""
        return tuple(part for part in self.parts if part.name.startswith("response."))

    @property
    def field_count(self) -> int:
        """How many field rows the operation's parts hold."""
        return sum(len(part.fields) for part in self.parts)


def field_anchor(operation: str, part: str, path: str, index: int = 1) -> str:
    """The HTML ``id`` of a field row (see the module docstring for the scheme)."""
    safe = "".join(c if _ID_SAFE.fullmatch(c) else f":{ord(c):x}:" for c in path)
    suffix = f"--{index}" if index > 1 else ""
    return f"{operation}--{part}--{safe}{suffix}"

"""A part's field rows as the HTML page shows them: a tree that follows nesting, with variants as tabs.

The rows (``PartDoc.fields``) are flat, one per path and group of variants. Here a
row's parent is the row of its path's parent (``/lines/*/label`` under
``/lines/*``, under ``/lines``, under the root). A row that holds in every variant
is a node of the main tree; a row that holds in some variants only goes under the
choice point (``anyOf``, ``oneOf``, ``if``) its variant names, in the tab of that
alternative, so that a reader sees one alternative's fields at a time. A row that
several tabs show carries its anchor (its HTML ``id``) in the first one only; a
parent a tab needs but does not hold is shown as a context node, without an id,
linking to the real one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from invoicespec.outputs.docs.model import Field, PartDoc, Variant

__all__ = ["Choice", "Tab", "TreeNode", "field_tree", "parent_path", "segment_name"]


@dataclass(frozen=True)
class Tab:
    """One alternative of a choice point: its label, description and the fields it adds or changes."""

    label: str
    description: str
    nodes: tuple[TreeNode, ...]


@dataclass(frozen=True)
class Choice:
    """A choice point at a node: ``anyOf``, ``oneOf`` or ``if``, with one tab per alternative."""

    kind: str
    nullable: bool
    tabs: tuple[Tab, ...]


@dataclass(frozen=True)
class TreeNode:
    """One field as the tree shows it: its row (None for a context node), its children and choice points."""

    path: str
    row: Optional[Field]
    anchor: str  # the HTML id this occurrence carries ("" when another occurrence has it)
    link: str  # the anchor of the field's row (for a context node, the row shown elsewhere; "" if none)
    children: tuple[TreeNode, ...] = ()
    choices: tuple[Choice, ...] = ()

    @property
    def name(self) -> str:
        """What the tree calls the node: the path's last segment (``(root)``, ``[item]`` for ``*``)."""
        return segment_name(self.path)


def parent_path(path: str) -> str | None:
    """The path of the object or array that holds ``path`` (None for the root)."""
    return None if not path else path.rsplit("/", 1)[0]


def segment_name(path: str) -> str:
    """A path's last segment as the tree names it, unescaped (``~1`` is ``/``)."""
    if not path:
        return "(root)"
    last = path.rsplit("/", 1)[1]
    return "[item]" if last == "*" else last.replace("~1", "/").replace("~0", "~")


@dataclass
class _Growing:
    path: str
    row: Field | None
    children: list[_Growing] = field(default_factory=list)
    choices: list[tuple[Variant, list[tuple[str, str, list[Field]]]]] = field(default_factory=list)


class _Builder:
    def __init__(self, part: PartDoc) -> None:
        self.anchored: set[str] = set()
        self.first_row = {row.path: row for row in reversed(part.fields)}  # a context node links here
        # label of an alternative -> (choice point, index of the alternative)
        self.alternative: dict[str, tuple[Variant, int]] = {}
        for variant in part.variants:
            for index, (label, _) in enumerate(variant.alternatives):
                self.alternative.setdefault(label, (variant, index))

    def tabs_of(self, row: Field) -> list[tuple[Variant, int]]:
        """The tabs a varying row belongs in: per condition, the innermost alternative it names."""
        found: list[tuple[Variant, int]] = []
        for condition in row.variant.split("; "):
            label = condition.split(" › ")[-1]
            if label in self.alternative and self.alternative[label] not in found:
                found.append(self.alternative[label])
        return found

    def grow(self, rows: list[Field], base: str | None) -> list[_Growing]:
        """The rows as trees, each under its parent path's node; nodes at ``base`` or above it are the tops."""
        nodes: dict[str, _Growing] = {}
        top: list[_Growing] = []

        def attach(made: _Growing) -> None:
            parent = parent_path(made.path)
            if parent is None or made.path == base or (base is not None and not _under(parent, base)):
                top.append(made)
                return
            if parent not in nodes:
                nodes[parent] = _Growing(parent, None)
                attach(nodes[parent])
            nodes[parent].children.append(made)

        for row in rows:
            existing = nodes.get(row.path)
            if existing is not None and existing.row is None:  # a context node made for a child: now real
                existing.row = row
                continue
            made = _Growing(row.path, row)
            nodes.setdefault(row.path, made)
            attach(made)
        return top

    def freeze(self, node: _Growing) -> TreeNode:
        anchor = ""
        if node.row is not None and node.row.anchor not in self.anchored:
            anchor = node.row.anchor
            self.anchored.add(anchor)
        shown = node.row if node.row is not None else self.first_row.get(node.path)
        children = tuple(self.freeze(child) for child in node.children)
        choices = tuple(
            Choice(variant.kind, variant.nullable, tuple(
                Tab(label, description, tuple(self.freeze(sub) for sub in self.grow(members, node.path)))
                for label, description, members in tabs
            ))
            for variant, tabs in node.choices
        )
        return TreeNode(node.path, node.row, anchor, shown.anchor if shown is not None else "", children, choices)


def _under(path: str, base: str) -> bool:
    """Whether ``path`` is ``base`` or inside it."""
    return path == base or path.startswith(base + "/") or base == ""


def field_tree(part: PartDoc) -> tuple[TreeNode, ...]:
    """The part's fields as trees (usually one: the root), choice points as tabs of their alternatives."""
    builder = _Builder(part)
    common = [row for row in part.fields if not row.variant or not builder.tabs_of(row)]
    varying = [row for row in part.fields if row.variant and builder.tabs_of(row)]
    top = builder.grow(common, None)
    index: dict[str, _Growing] = {}

    def walk(node: _Growing) -> None:
        index.setdefault(node.path, node)
        for child in node.children:
            walk(child)

    for node in top:
        walk(node)
    for variant in part.variants:  # every choice point hangs on the main tree's node at its path
        holder = index.get(variant.path)
        if holder is None:
            holder = _Growing(variant.path, None)
            parent = parent_path(variant.path)
            while parent is not None and parent not in index:
                parent = parent_path(parent)
            (index[parent].children if parent is not None else top).append(holder)
            index[variant.path] = holder
        members = [(label, description, [row for row in varying if (variant, position) in builder.tabs_of(row)])
                   for position, (label, description) in enumerate(variant.alternatives)]
        holder.choices.append((variant, members))
    return tuple(builder.freeze(node) for node in top)

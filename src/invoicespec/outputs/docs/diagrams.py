"""The date-order pairs that parts of an operation share, drawn as Mermaid and as inline SVG."""

from __future__ import annotations

from invoicespec.outputs.docs.model import Diagram, PartDoc

__all__ = ["date_diagrams"]

#: The date-order pairs of a part: (earlier, later, relation), absolute paths.
Edges = tuple[tuple[str, str, str], ...]


def date_diagrams(operation: str, parts: list[PartDoc]) -> tuple[Diagram, ...]:
    shared: dict[Edges, list[str]] = {}
    for part in parts:
        if part.date_orders:
            shared.setdefault(part.date_orders, []).append(part.name)
    return tuple(
        Diagram(parts=tuple(names), edges=edges, mermaid=_mermaid(edges),
                svg=_svg(edges, f"{operation}--dates-{number}", ", ".join(names)))
        for number, (edges, names) in enumerate(shared.items(), start=1)
    )


def _mermaid(edges: Edges) -> str:
    ids: dict[str, str] = {}
    for earlier, later, _ in edges:
        for path in (earlier, later):
            ids.setdefault(path, f"d{len(ids) + 1}")
    lines = ["graph LR"]
    lines += [f'    {ident}["{path}"]' for path, ident in ids.items()]
    lines += [f'    {ids[earlier]} -->|"{relation}"| {ids[later]}' for earlier, later, relation in edges]
    return "\n".join(lines)


def _layers(edges: Edges) -> list[list[list[str]]]:
    """Connected components of the date graph, each as layers (earliest first)."""
    nodes = list(dict.fromkeys(path for edge in edges for path in edge[:2]))
    group = {node: node for node in nodes}

    def root(node: str) -> str:
        while group[node] != node:
            node = group[node]
        return node

    for earlier, later, _ in edges:
        group[root(later)] = root(earlier)
    depth = dict.fromkeys(nodes, 0)
    for _ in nodes:  # longest path from a source; bounded, so a cycle cannot loop forever
        for earlier, later, _relation in edges:
            depth[later] = max(depth[later], min(depth[earlier] + 1, len(nodes)))
    components: dict[str, list[list[str]]] = {}
    for node in nodes:
        layers = components.setdefault(root(node), [])
        while len(layers) <= depth[node]:
            layers.append([])
        layers[depth[node]].append(node)
    return [[layer for layer in layers if layer] for layers in components.values()]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _svg(edges: Edges, ident: str, caption: str) -> str:
    """The date graph as an inline SVG: earlier dates above, arrows down to later ones."""
    box_height, row_gap, column_gap, margin = 44, 46, 16, 8
    sizes: dict[str, tuple[str, str, float]] = {}  # path -> (its object's path, its name, box width)
    for path in dict.fromkeys(p for edge in edges for p in edge[:2]):
        parent, _, name = path.rpartition("/")
        sizes[path] = (parent + "/", name, max(len(parent) * 6.1, len(name) * 7.9, 60) + 20)
    places: dict[str, tuple[float, float, float]] = {}
    y = margin
    width = 0.0
    for layers in _layers(edges):
        for layer in layers:
            x: float = margin
            for path in layer:
                places[path] = (x, y, sizes[path][2])
                x += sizes[path][2] + column_gap
            width = max(width, x - column_gap + margin)
            y += box_height + row_gap
        y += 10 - row_gap + 16
    height = y - 16 + margin
    out = [
        f'<svg class="dates" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="{ident}-title">',
        f'<title id="{ident}-title">Date order ({_escape(caption)}): an arrow runs from the earlier date to the '
        "later one</title>",
        f'<defs><marker id="{ident}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#334"/></marker></defs>',
    ]
    for earlier, later, relation in edges:
        x1, y1, w1 = places[earlier]
        x2, y2, w2 = places[later]
        start = (x1 + w1 / 2, y1 + box_height)
        end = (x2 + w2 / 2, y2)
        out.append(f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}" '
                   f'stroke="#334" stroke-width="1.5" marker-end="url(#{ident}-arrow)"/>')
        middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        symbol = "≤" if relation == "<=" else "&lt;"
        out.append(f'<rect x="{middle[0] - 11:.1f}" y="{middle[1] - 10:.1f}" width="22" height="18" rx="4" '
                   'fill="#fff" stroke="#99a"/>')
        out.append(f'<text x="{middle[0]:.1f}" y="{middle[1] + 4:.1f}" text-anchor="middle" '
                   f'font-size="13" font-weight="bold">{symbol}</text>')
    for path, (x, y_, w) in places.items():
        parent, name, _ = sizes[path]
        out.append(f'<g><title>{_escape(path)}</title><rect x="{x:.1f}" y="{y_:.1f}" width="{w:.1f}" '
                   f'height="{box_height}" rx="6" fill="#eef3fb" stroke="#4a6fa5"/>')
        if parent != "/":  # a field of a nested object: its object's path on a first, smaller line
            out.append(f'<text x="{x + w / 2:.1f}" y="{y_ + 16:.1f}" text-anchor="middle" font-size="10" '
                       f'fill="#556" font-family="monospace">{_escape(parent)}</text>')
        baseline = y_ + (34 if parent != "/" else 27)
        out.append(f'<text x="{x + w / 2:.1f}" y="{baseline:.1f}" text-anchor="middle" font-size="13" '
                   f'font-weight="bold" font-family="monospace">{_escape(name)}</text></g>')
    out.append("</svg>")
    return "\n".join(out)

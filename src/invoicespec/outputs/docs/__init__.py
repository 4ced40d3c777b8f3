"""The human reference, generated from the schemas: Markdown pages and one static HTML page.

``invoicespec docs --out DIR`` writes ``index.md``, one ``<operation id>.md`` per
operation and ``index.html`` (every operation on one self-contained page: inline
CSS, one inline script for the tabs, anchors, filter box and print, inline SVG
diagrams, no external resource; request and responses side by side, each part's
fields as a tree). Generic generators drop exactly what this library adds (``x-``
keywords, ``dependentRequired``), so this one walks each part with
:func:`~invoicespec.catalog.nodes.flatten` and states every rule in words.

How a part is walked: from the part's root, ``$ref`` and ``allOf`` are merged into
one node per location; ``properties`` lead to ``<path>/<name>`` and ``items`` to
``<path>/*`` (``*`` stands for every item). Variants (``anyOf``, ``oneOf``,
``if``/``then``/``else``) are followed one alternative at a time; a field whose
description is the same in every variant is listed once, and otherwise once per
variant, labelled with the variants it holds in. An ``anyOf``/``oneOf``
alternative that is only ``{"type": "null"}`` is not a variant: it makes the
field nullable.

Field anchors are described in ``model.py``. Output is deterministic: document order,
sorted where order is free, no dates.

The sub-package, in the order the data flows:

- ``model.py``: the frozen records the pages are made of (``PartDoc``, ``Field``, ``Rule`` ...);
- ``walk.py``: one part's schema walked into facts, per path and per chain of variants;
- ``grouping.py``: those facts grouped across variants into rows and rules;
- ``operations.py``: each operation's parts, inferences and diagrams, and the legend;
- ``diagrams.py``: the date-order graphs, as Mermaid and SVG;
- ``tree.py``: a part's rows as the HTML page's tree, variants as tabs;
- ``render.py``: the Jinja environment, its Markdown and HTML filters, and the pages written;
- ``words.py``: the inline Markdown every text is written in.

What the reference says about each custom keyword is asked of the keyword registry
(the ``docs_*`` fields of ``Keyword``); no module here names a keyword.
"""

from __future__ import annotations

from invoicespec.outputs.docs.model import (
    Diagram,
    Field,
    Inference,
    OperationDoc,
    PartDoc,
    Rule,
    TierTable,
    Variant,
    field_anchor,
)
from invoicespec.outputs.docs.operations import describe_part, legend, reference
from invoicespec.outputs.docs.render import build_docs, render_part

__all__ = [
    "Diagram", "Field", "Inference", "OperationDoc", "PartDoc", "Rule", "TierTable", "Variant",
    "build_docs", "describe_part", "field_anchor", "legend", "reference", "render_part",
]

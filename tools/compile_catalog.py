#!/usr/bin/env python3
"""Write src/invoicespec/compiled-catalog.json from schemas/ (after loading and checking it in full).

Run after changing any schema or keyword; tests/test_catalog.py fails while the compiled catalog is stale.
It first writes schemas/_common/meta/vocabulary.yaml from the keywords (tools/gen_vocabulary.py).
The library uses the file only while its digest matches the schema files, so a stale one is
never wrong, only slow (the schemas are then loaded and checked from YAML on first use).
"""

from __future__ import annotations

import json
from pathlib import Path

from invoicespec.catalog.load import COMPILED_NAME, compiled
from invoicespec.engine.fast import derive

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "invoicespec"


def render() -> str:
    """The compiled catalog's text, as this tool writes it."""
    return json.dumps(compiled(ROOT / "schemas", derive), ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    import gen_vocabulary  # beside this file: on sys.path when this runs as a script

    gen_vocabulary.main([])  # the vocabulary is a schema file too: write it before compiling
    target = PACKAGE / COMPILED_NAME
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write schemas/_common/meta/vocabulary.yaml, the vocabulary's meta-schema, from src/invoicespec/keywords.

    python3 tools/gen_vocabulary.py          # rewrite the file (and the dialect's list of the keywords)
    python3 tools/gen_vocabulary.py --check  # exit 1 if either differs from what would be generated

The dialect (dialect.yaml) is written by hand, but for its list of the vocabulary's keyword names: the
lines after its ``# the invoicespec vocabulary`` comment are the registry's names, in order.

Each keyword's module holds its argument's schema, whose ``description`` says what the keyword means;
the registry lists the keywords. The file is marked "do not edit": change the keyword's module and rerun
this (tools/compile_catalog.py runs it first). tests/test_vocabulary.py fails while the file is stale.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

from invoicespec.catalog.load import BASE_URI, META_FOLDER
from invoicespec.keywords.formats import FORMATS
from invoicespec.keywords.keyword import SHARED_DEFS
from invoicespec.keywords.registry import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
NAME = "vocabulary.yaml"
TARGET = ROOT / "schemas" / META_FOLDER / NAME
HEADER = "# Generated from src/invoicespec/keywords by tools/gen_vocabulary.py: do not edit."
WIDTH = 116

# What the vocabulary as a whole is; what each keyword means is the description in the keyword's module.
DESCRIPTION = (
    "The meta-schema of the invoicespec vocabulary: what each `x-` keyword means and the shape of its argument. "
    "Relational keywords (`x-date-order`, `x-destination-cost`, `x-required-any-of`) sit on an object and name its "
    "fields with JSON Pointers relative to that object, so nested fields work. Value keywords (`x-phone`, `x-iban`, "
    "`x-digits`) sit on the value they check and ignore values of other types (`type` reports those)."
)
FORMAT_DESCRIPTION = "The formats the library checks (as assertions, never as annotations)."


def vocabulary() -> dict[str, Any]:
    """The vocabulary's meta-schema, as JSON data."""
    properties: dict[str, Any] = {}
    for name, keyword in REGISTRY.items():
        if not keyword.argument_schema or not keyword.argument_schema.get("description"):
            raise SystemExit(f"{name}: its Keyword has no argument_schema with a description")
        properties[name] = dict(keyword.argument_schema)
    properties["format"] = {"description": FORMAT_DESCRIPTION, "enum": list(FORMATS)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE_URI + META_FOLDER + NAME,
        "title": "invoicespec vocabulary",
        "description": DESCRIPTION,
        "type": ["object", "boolean"],
        "properties": properties,
        "$defs": SHARED_DEFS,
    }


def render() -> str:
    """The file's text, as this tool writes it."""
    return "\n".join([HEADER, *_mapping(vocabulary(), 0)]) + "\n"


# -- a YAML writer for JSON data, in the style of the hand-written schemas ---------------------------
#
# Strings stay plain where no YAML reader could take them for anything else, long prose is folded
# (">-") at the width of the other schema files, short lists of scalars are written inline.

_PLAIN = re.compile(r"[A-Za-z$][A-Za-z0-9$_.,;()/'`+-]*(?: [A-Za-z0-9$_.,;()/'`+-]+)*")
_PLAIN_INLINE = re.compile(r"[A-Za-z$][A-Za-z0-9$_./-]*")
_KEYWORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value: Any, inline: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if not isinstance(value, str):
        raise TypeError(f"not JSON data: {value!r}")
    plain = (_PLAIN_INLINE if inline else _PLAIN).fullmatch(value) or (
        not inline and re.fullmatch(r"https?://[A-Za-z0-9./_-]+", value)
    )
    if plain and value.lower() not in _KEYWORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _mapping(data: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        head = f"{pad}{_scalar(key, inline=True)}:"
        if isinstance(value, dict):
            lines += [f"{head} {{}}"] if not value else [head, *_mapping(value, indent + 2)]
        elif isinstance(value, list):
            lines += _sequence(head, value, indent)
        else:
            lines += _string(head, value, indent)
    return lines


def _sequence(head: str, items: list[Any], indent: int) -> list[str]:
    if all(_is_scalar(item) for item in items):
        inline = f"{head} [{', '.join(_scalar(item, inline=True) for item in items)}]"
        if len(inline) <= WIDTH:
            return [inline]
    lines = [head]
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            first, *rest = _mapping(item, indent + 2)
            lines += [f"{pad}- {first[indent + 2:]}", *rest]
        elif isinstance(item, list):
            raise TypeError("lists of lists are not written")
        else:
            lines.append(f"{pad}- {_scalar(item, inline=True) if _is_scalar(item) else '{}'}")
    return lines


def _string(head: str, value: Any, indent: int) -> list[str]:
    line = f"{head} {_scalar(value)}"
    foldable = isinstance(value, str) and value == value.strip() and "  " not in value and "\n" not in value
    if len(line) <= WIDTH or not foldable:
        return [line]
    pad = " " * (indent + 2)
    folded = textwrap.wrap(value, WIDTH - len(pad), break_long_words=False, break_on_hyphens=False)
    return [f"{head} >-", *(pad + part for part in folded)]


DIALECT = ROOT / "schemas" / META_FOLDER / "dialect.yaml"
DIALECT_MARK = "    # the invoicespec vocabulary\n"


def render_dialect() -> str:
    """dialect.yaml with the registry's keyword names after its vocabulary comment (the file's last lines)."""
    text = DIALECT.read_text(encoding="utf-8")
    head, mark, _ = text.partition(DIALECT_MARK)
    if not mark:
        raise SystemExit(f"{DIALECT.relative_to(ROOT)} has no line {DIALECT_MARK.strip()!r}")
    return head + mark + "".join(f"    - {name}\n" for name in REGISTRY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift instead of writing")
    args = parser.parse_args(argv)
    outputs = {TARGET: render(), DIALECT: render_dialect()}
    if args.check:
        stale = [path for path, text in outputs.items()
                 if not path.exists() or path.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run python3 tools/gen_vocabulary.py)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

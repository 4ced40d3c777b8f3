"""The vocabulary's meta-schema is generated from the keywords' modules, and says what they say."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from invoicespec.catalog.load import BASE_URI, META_FOLDER, shipped
from invoicespec.io.yaml_loader import load_trusted
from invoicespec.keywords.registry import REGISTRY

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("gen_vocabulary", ROOT / "tools" / "gen_vocabulary.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_the_vocabulary_file_is_what_the_keywords_generate():
    """Fails after a keyword's argument schema changes until `python3 tools/gen_vocabulary.py` is run."""
    tool = _tool()
    shipped_text = tool.TARGET.read_text(encoding="utf-8")
    assert shipped_text.startswith("# Generated from src/invoicespec/keywords")
    assert shipped_text == tool.render(), "vocabulary.yaml is stale: run python3 tools/gen_vocabulary.py"


def test_the_dialect_lists_every_registered_keyword():
    """The dialect refuses unknown keywords: its list of the vocabulary's names is the registry's."""
    tool = _tool()
    assert tool.DIALECT.read_text(encoding="utf-8") == tool.render_dialect(), (
        "dialect.yaml's keyword list is stale: run python3 tools/gen_vocabulary.py"
    )


def test_the_generated_text_reads_back_as_the_data_it_was_written_from():
    tool = _tool()
    assert json.dumps(load_trusted(tool.render())) == json.dumps(tool.vocabulary())


def test_every_keyword_describes_its_argument_and_the_catalog_holds_it():
    meta = shipped().documents[BASE_URI + META_FOLDER + "vocabulary.yaml"]
    assert list(meta["properties"]) == [*REGISTRY, "format"]
    for name, keyword in REGISTRY.items():
        assert keyword.argument_schema is not None and keyword.argument_schema["description"]
        assert meta["properties"][name] == keyword.argument_schema

"""A small smoke of the mock's load test (the full run, 2,000 requests, is for tools/ and the README)."""

from __future__ import annotations

import sys

from conftest import ROOT


def test_the_load_test_runs_without_error(capsys):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import mock_load
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert mock_load.main(["--requests", "40", "--concurrency", "4"]) == 0
    assert "40 requests at concurrency 4" in capsys.readouterr().out

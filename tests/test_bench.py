"""The benchmark (tools/bench/run.py) runs end to end: a quick smoke run, no timing asserted."""

from __future__ import annotations

import json
import subprocess
import sys

import invoicespec

from conftest import ROOT

#: Operations whose request body has no item array: measured once, at no particular size.
SINGLE = {"getbill.create_debt", "pigello.create_debt_invoice"}
CONTENDERS = {
    "valid": {"floor", "baseline.is_valid", "baseline.iter_errors", "rs.is_valid", "fastjsonschema.validate",
              "invoicespec.is_valid", "invoicespec.errors"},
    "invalid": {"baseline.is_valid", "baseline.iter_errors", "rs.is_valid", "fastjsonschema.validate",
                "invoicespec.is_valid", "invoicespec.errors"},
}


def test_quick_run_checks_every_verdict_and_reports_every_measurement(tmp_path):
    raw = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "bench" / "run.py"), "--quick", "--json", str(raw)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    run = json.loads(raw.read_text(encoding="utf-8"))

    assert run["checks"] and all(check["passed"] for check in run["checks"])
    sizes = {operation: [None] if operation in SINGLE else [1, 10, 100] for operation in invoicespec.operations()}
    assert {p["operation"]: p["sizes"] for p in run["payloads"]} == sizes
    measured = {(r["operation"], r["size"], r["variant"], r["contender"]): r for r in run["results"]}
    expected = {
        (operation, size, variant, contender)
        for operation, counts in sizes.items() for size in counts
        for variant, names in CONTENDERS.items() for contender in names
    }
    assert set(measured) == expected
    for result in measured.values():  # a time, or n/a with the reason
        assert (result["median_us"] or 0) > 0 or result["reason"], result

    assert run["cold_start_ms"]["median"] > 0
    assert run["memory"]["all_parts_mib"] > run["memory"]["bare_python_mib"] > 0
    assert done.stdout.startswith("# invoicespec benchmark")
    verdicts = [line for line in done.stdout.splitlines() if line.startswith(("PASS  ", "FAIL  "))]
    assert len(verdicts) == len(run["targets"]) > 0

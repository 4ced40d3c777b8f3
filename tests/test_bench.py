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
              "invoicespec.is_valid", "invoicespec.errors", "invoicespec.normalize"},
    "invalid": {"baseline.is_valid", "baseline.iter_errors", "rs.is_valid", "fastjsonschema.validate",
                "invoicespec.is_valid", "invoicespec.errors"},
}
#: Payloads of 100 items also come with 20 faults; GetBill's also without its phone number.
MANY_FAULTS = {"jsonschema.iter_errors", "baseline.iter_errors", "invoicespec.errors"}
WITHOUT_A_PHONE = {"getbill.create_debt": {"rs.is_valid", "invoicespec.is_valid"}}


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
    expected |= {(operation, 100, "many faults", contender)
                 for operation, counts in sizes.items() if 100 in counts for contender in MANY_FAULTS}
    expected |= {(operation, None, "without a phone", contender)
                 for operation, names in WITHOUT_A_PHONE.items() for contender in names}
    assert set(measured) == expected
    many = [check for check in run["checks"] if check["variant"] == "many faults" and check["check"] ==
            "invoicespec errors"]
    assert many and all(len(check["expected"]) == 20 for check in many)
    for result in measured.values():  # a time, or n/a with the reason
        assert (result["median_us"] or 0) > 0 or result["reason"], result

    assert run["cold_start_ms"]["median"] > 0
    assert run["memory"]["all_parts_mib"] > run["memory"]["bare_python_mib"] > 0
    assert done.stdout.startswith("# invoicespec benchmark")
    verdicts = [line for line in done.stdout.splitlines() if line.startswith(("PASS  ", "FAIL  "))]
    assert len(verdicts) == len(run["targets"]) > 0


def test_compare_trees_times_both_trees_on_every_figure_asked():
    """The same tree on both sides: a row per figure, each timed on both sides, the ratio near 1."""
    src = str(ROOT / "src")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "bench" / "compare_trees.py"), src, src, "--ops",
         "pigello.create_debt_invoice", "--rounds", "1", "--repeats", "2", "--seconds", "0.01"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("|")[1:-1] for line in done.stdout.splitlines() if line.startswith("| pigello")]
    assert [row[2].strip() for row in rows] == ["is_valid", "errors"]
    for row in rows:
        before, after, ratio = (float(cell.replace(",", "")) for cell in row[3:6])
        assert before > 0 and after > 0
        assert abs(ratio - after / before) <= 0.01 + 0.01 / min(before, after)  # the table rounds each figure


def test_compare_trees_refuses_a_folder_without_the_package(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "bench" / "compare_trees.py"), str(tmp_path), str(ROOT / "src")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2 and "holds no invoicespec package" in done.stderr


def test_the_verdict_profile_splits_a_json_lines_file(tmp_path):
    """tools/bench/verdict_parts.py reads the fast path's own parts: this keeps it running as the code moves."""
    examples = [json.dumps(example) for example in invoicespec.validator("pigello.create_debt_invoice").examples]
    file = tmp_path / "records.jsonl"
    file.write_text("\n".join(examples * 3) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "bench" / "verdict_parts.py"), "--jsonl", str(file),
                           "pigello.create_debt_invoice"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{3 * len(examples)} records of pigello.create_debt_invoice, {3 * len(examples)} valid" in done.stdout
    for name in ("parse_json_bytes", "rs std-only is_valid", "engine, no number bounds", "checks"):
        assert name in done.stdout

"""Request-body validation speed of invoicespec against a stock-jsonschema baseline and standard-only validators.

    python3 tools/bench/run.py [--quick] [--json PATH] [--ops OPERATION ...]

Prints a Markdown report on stdout (progress goes to stderr): for each operation
and payload size, valid and invalid, the time per call of every contender, then
cold start, peak memory and PASS/FAIL lines for the targets. Before any timing,
every contender's verdict on every payload is checked; a disagreement stops the
run with exit status 1. See README.md in this folder.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import invoicespec

from contenders import Contender, contenders, has_phone_or_iban
from report import render, targets
from timing import bare_start, cold_start, peak_rss, time_call
from workloads import SHAPES, Workload, pointer, richest_example, workloads

SAMPLES = 7
SAMPLE_SECONDS = 0.2
COLD_START_RUNS = 7
PACKAGES = ("invoicespec", "jsonschema", "jsonschema-rs", "fastjsonschema", "phonenumbers", "schwifty")
#: The contenders timed on each variant (the floor walks the valid payloads only: a fault changes nothing for it).
#: Which contenders are timed on which payload of a workload.
TIMED = {
    "valid": ("floor", "baseline.is_valid", "baseline.iter_errors", "rs.is_valid", "fastjsonschema.validate",
              "invoicespec.is_valid", "invoicespec.errors", "invoicespec.normalize"),
    "invalid": ("baseline.is_valid", "baseline.iter_errors", "rs.is_valid", "fastjsonschema.validate",
                "invoicespec.is_valid", "invoicespec.errors"),
    "many faults": ("jsonschema.iter_errors", "baseline.iter_errors", "invoicespec.errors"),
    "without a phone": ("rs.is_valid", "invoicespec.is_valid"),
}


def payloads_of(load: Workload) -> list[tuple[str, Any]]:
    """The workload's payloads by variant: valid, one fault, and where the shape has them, many faults and
    valid without a phone."""
    found = [("valid", load.valid), ("invalid", load.invalid)]
    if load.faulty is not None:
        found.append(("many faults", load.faulty))
    if load.without_phone is not None:
        found.append(("without a phone", load.without_phone))
    return found


def machine() -> dict[str, Any]:
    """The CPU, core count, platform, Python and package versions the numbers were taken with."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "versions": {name: metadata.version(name) for name in PACKAGES},
    }


def check_verdicts(loads: list[Workload], competing: dict[str, dict[str, Contender]]) -> list[dict]:
    """Every contender's verdict on every payload, each with whether it is the expected one.

    Besides the verdicts: invoicespec reports exactly the one planted fault, and
    no contender changes the payload it is given.
    """
    checks = []
    for load in loads:
        for variant, payload in payloads_of(load):
            snapshot = copy.deepcopy(payload)
            for contender in competing[load.operation].values():
                if contender.verdict is None or contender.call is None or contender.key not in TIMED[variant]:
                    continue
                got = contender.verdict(payload)
                expected = variant in ("valid", "without a phone")
                checks.append({"operation": load.operation, "size": load.size, "variant": variant,
                               "check": f"{contender.key} verdict", "expected": expected, "got": got})
            errors = invoicespec.errors(load.operation, payload)
            found = [(error.path, error.keyword) for error in errors]
            planted = {"invalid": [(load.fault_path, load.fault_keyword)],
                       "many faults": [(path, load.fault_keyword) for path in load.faulty_paths]}.get(variant, [])
            checks.append({"operation": load.operation, "size": load.size, "variant": variant,
                           "check": "invoicespec errors", "expected": planted, "got": found})
            checks.append({"operation": load.operation, "size": load.size, "variant": variant,
                           "check": "payload unchanged", "expected": True, "got": payload == snapshot})
    for check in checks:
        check["passed"] = check["expected"] == check["got"]
    return checks


def measure(loads: list[Workload], competing: dict[str, dict[str, Contender]], *, quick: bool) -> list[dict]:
    """The time per call of every contender on every payload; ``median_us`` None where a contender is n/a."""
    results = []
    for load in loads:
        for variant, payload in payloads_of(load):
            for key in TIMED[variant]:
                contender = competing[load.operation][key]
                print(f"  {load.operation} items={load.size} {variant} {key}", file=sys.stderr, flush=True)
                result = {"operation": load.operation, "size": load.size, "variant": variant, "contender": key,
                          "median_us": None, "samples_us": [], "loops": 0, "reason": contender.reason}
                if contender.call is not None:
                    timing = time_call(contender.call, payload, samples=1 if quick else SAMPLES,
                                       seconds=None if quick else SAMPLE_SECONDS)
                    result.update(median_us=timing.median_us, samples_us=list(timing.samples_us),
                                  loops=timing.loops)
                results.append(result)
    return results


def payload_summary(operations: tuple[str, ...]) -> list[dict]:
    """How each operation's payloads are built: the item array, the sizes and the planted fault."""
    return [
        {"operation": operation,
         "item_array": pointer(SHAPES[operation].items) if SHAPES[operation].items is not None else None,
         "sizes": list(SHAPES[operation].sizes),
         "fault_at": pointer(SHAPES[operation].fault_at),
         "fault_value": SHAPES[operation].fault_value,
         "fault_keyword": SHAPES[operation].fault_keyword}
        for operation in operations
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1 short sample per measurement and 1 cold start: a smoke run, not a benchmark")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every raw number to PATH")
    parser.add_argument("--ops", nargs="+", choices=invoicespec.operations(), metavar="OPERATION",
                        help="only these operations (default: all)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    operations = tuple(args.ops or invoicespec.operations())
    unshaped = [operation for operation in operations if operation not in SHAPES]
    if unshaped:
        sys.exit(f"no payload shape for {', '.join(unshaped)}: add one to tools/bench/workloads.py")
    loads = workloads(operations)
    competing = {operation: contenders(operation) for operation in operations}

    checks = check_verdicts(loads, competing)
    failed = [check for check in checks if not check["passed"]]
    if failed:
        details = "\n".join(json.dumps(check) for check in failed)
        sys.exit(f"verdict checks failed, nothing timed ({len(failed)} of {len(checks)}):\n{details}")
    print(f"{len(checks)} verdict checks passed; timing...", file=sys.stderr, flush=True)

    results = measure(loads, competing, quick=args.quick)
    cold = cold_start(richest_example("getbill.create_debt"), runs=1 if args.quick else COLD_START_RUNS)
    bare = bare_start(runs=1 if args.quick else COLD_START_RUNS)
    run = {
        "quick": args.quick,
        "machine": machine(),
        "settings": {"samples": 1 if args.quick else SAMPLES, "seconds": None if args.quick else SAMPLE_SECONDS},
        "payloads": payload_summary(operations),
        "workloads": [{"operation": load.operation, "size": load.size, "fault_path": load.fault_path,
                       "fault_keyword": load.fault_keyword} for load in loads],
        "checks": checks,
        "results": results,
        "cold_start_ms": {"median": statistics.median(cold), "samples": list(cold),
                          "bare_python_median": statistics.median(bare), "bare_python_samples": list(bare)},
        "memory": peak_rss(),
    }
    found = targets(run, {operation for operation in operations if has_phone_or_iban(operation)})
    run["targets"] = [{"target": t.name, "subject": t.subject, "value": t.value, "passed": t.passed} for t in found]
    print(render(run, found), end="")
    if args.json:
        args.json.write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

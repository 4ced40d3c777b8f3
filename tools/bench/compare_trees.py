#!/usr/bin/env python3
"""invoicespec against itself: two source trees, the same payloads, alternating, the least time of many rounds.

    python3 tools/bench/compare_trees.py BEFORE/src AFTER/src            # every operation and size, 4 rounds
    python3 tools/bench/compare_trees.py OLD/src src --rounds 6 --ops riverty.create_receivable

Where ``run.py`` compares the library with its peers in one run, this answers "did a change make it slower?" on a
machine whose speed drifts between runs by more than the change: each figure is timed in a fresh process per tree,
the trees alternate, and each tree keeps its least time over all rounds (the run least disturbed). The payloads are
``run.py``'s (``workloads.py``): ``is_valid`` on the valid payload, ``errors`` on the one with one fault. A tree is a
folder that holds the ``invoicespec`` package (``git worktree add ../before REV`` gives ``../before/src``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {"getbill.create_debt": [None], "pigello.create_debt_invoice": [None]}
ITEM_SIZES = [1, 10, 100]
FIGURES = ("is_valid", "errors")


def _measure(operation: str, size: int | None, figure: str, repeats: int, seconds: float) -> float:
    """The least µs per call over ``repeats`` batches of about ``seconds`` each (in this process's tree)."""
    sys.path.insert(0, str(HERE))
    import invoicespec
    import workloads

    workload = next(w for w in workloads.workloads((operation,)) if w.size == size)
    validator = invoicespec.validator(operation)
    payload = workload.valid if figure == "is_valid" else workload.invalid
    call = validator.is_valid if figure == "is_valid" else validator.errors
    call(payload)
    start, loops = time.perf_counter(), 0
    while time.perf_counter() - start < seconds / 4:
        call(payload)
        loops += 1
    loops = max(loops * 4, 1)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            call(payload)
        best = min(best, (time.perf_counter() - start) / loops * 1e6)
    return best


def _timed(tree: str, operation: str, size: int | None, figure: str, repeats: int, seconds: float) -> float:
    command = [sys.executable, __file__, "--worker", operation, str(size), figure, str(repeats), str(seconds)]
    done = subprocess.run(command, env=dict(os.environ, PYTHONPATH=tree), capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["--worker"]:
        operation, size, figure, repeats, seconds = arguments[1:6]
        print(_measure(operation, None if size == "None" else int(size), figure, int(repeats), float(seconds)))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("before", help="the folder holding the invoicespec package before the change")
    parser.add_argument("after", help="the folder holding it after the change")
    parser.add_argument("--ops", nargs="+", default=[
        "getbill.create_debt", "pigello.create_debt_invoice", "nitrobox.create_deposit_invoice",
        "pennylane.create_customer_invoice", "riverty.create_receivable",
    ])
    parser.add_argument("--rounds", type=int, default=4, help="alternations of the two trees per figure")
    parser.add_argument("--repeats", type=int, default=15, help="batches timed per process (the least counts)")
    parser.add_argument("--seconds", type=float, default=0.05, help="about how long one batch lasts")
    args = parser.parse_args(arguments)
    for tree in (args.before, args.after):
        if not (Path(tree) / "invoicespec" / "__init__.py").is_file():
            parser.error(f"{tree} holds no invoicespec package")
    print("| operation | items | figure | before µs | after µs | after ÷ before |")
    print("|---|---|---|---:|---:|---:|")
    for operation in args.ops:
        for size in SIZES.get(operation, ITEM_SIZES):
            for figure in FIGURES:
                best = {"before": float("inf"), "after": float("inf")}
                for _ in range(args.rounds):
                    for name in ("before", "after"):
                        timed = _timed(getattr(args, name), operation, size, figure, args.repeats, args.seconds)
                        best[name] = min(best[name], timed)
                print(f"| {operation} | {size or 'single'} | {figure} | {best['before']:,.2f} | {best['after']:,.2f} "
                      f"| {best['after'] / best['before']:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

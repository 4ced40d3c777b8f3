"""Examples per second of invoicespec.strategies.payloads and faults, per operation part.

    python tools/bench_strategies.py [--examples N] [--parts request|all]

Each strategy is run under Hypothesis's @given with generation only (no shrinking,
no database) for N examples; the time per example is the whole cost of one draw as
a test sees it (Hypothesis's engine included), nothing validated.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

from hypothesis import HealthCheck, Phase, given, settings

import invoicespec
from invoicespec.strategies import faults, payloads


def per_example(strategy, examples: int) -> float:
    count = 0

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(value):
        nonlocal count
        count += 1

    draw()  # warm-up: builds the strategy and its caches
    count = 0
    start = time.perf_counter()
    draw()
    return (time.perf_counter() - start) / max(count, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="examples per strategy (default 200)")
    parser.add_argument("--parts", choices=("request", "all"), default="request",
                        help="only request bodies (default) or every part")
    args = parser.parse_args(argv)
    print(f"# {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
          f"hypothesis {__import__('hypothesis').__version__}, {args.examples} examples each")
    print(f"{'operation':36} {'part':16} {'payloads ms':>12} {'per s':>8} {'faults ms':>10} {'per s':>8}")
    worst = 0.0
    for operation in invoicespec.operations():
        for part in invoicespec.parts(operation):
            if args.parts == "request" and part != "request":
                continue
            valid = per_example(payloads(operation, part), args.examples)
            broken = per_example(faults(operation, part), args.examples)
            worst = max(worst, valid)
            print(f"{operation:36} {part:16} {valid * 1000:12.2f} {1 / valid:8.0f} "
                  f"{broken * 1000:10.2f} {1 / broken:8.0f}")
    print(f"# slowest valid payload: {worst * 1000:.2f} ms per example")
    return 0


if __name__ == "__main__":
    sys.exit(main())

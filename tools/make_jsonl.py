"""Write a JSON Lines file of generated payloads for one operation part: test data for batch validation at scale.

    python tools/make_jsonl.py OPERATION OUT [--part PART] [--records N] [--distinct N]
                               [--invalid-share F] [--seed N]

A pool of ``--distinct`` different valid payloads is drawn once with
``invoicespec.strategies.payloads`` (Hypothesis, fixed seed), plus a smaller pool
of payloads with one fault each (``invoicespec.strategies.faults``, about
``distinct * invalid-share`` of them); the file then cycles through the pools,
one record per line, an invalid record spread evenly every ``1 / invalid-share``
records. The same arguments give the same bytes on every run (with the same
versions of invoicespec and Hypothesis). Lines are written as they are made:
memory does not grow with ``--records``. ``OUT`` may be ``-`` (standard output).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from fractions import Fraction
from collections.abc import Callable
from typing import Any, TextIO

from hypothesis import HealthCheck, Phase, given, seed, settings

import invoicespec
from invoicespec.strategies import faults, payloads


def draw(strategy: Any, count: int, seed_value: int, pick: Callable[[Any], Any] = lambda value: value) -> list[str]:
    """Up to ``count`` distinct JSON texts of ``pick(drawn value)``, the same ones for the same seed."""
    lines: dict[str, None] = {}  # insertion-ordered set: the order of the draws is part of the output

    # Twice as many draws as wanted: some draws repeat a payload (Hypothesis favours small examples).
    @seed(seed_value)
    @settings(max_examples=2 * count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        if len(lines) < count:
            lines.setdefault(json.dumps(pick(value), ensure_ascii=False, separators=(",", ":")), None)

    collect()
    return list(lines)


def is_invalid(index: int, share: Fraction) -> bool:
    """Whether record ``index`` is an invalid one: exactly ``share`` of every prefix, rounded down, spread evenly."""
    return (index + 1) * share.numerator // share.denominator > index * share.numerator // share.denominator


def write(out: TextIO, records: int, valid: list[str], invalid: list[str], share: Fraction) -> int:
    """Write the records; returns how many are invalid."""
    bad = 0
    for index in range(records):
        if invalid and is_invalid(index, share):
            out.write(invalid[bad % len(invalid)])
            bad += 1
        else:
            out.write(valid[(index - bad) % len(valid)])
        out.write("\n")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("operation", metavar="OPERATION", help="an operation id, such as getbill.create_debt")
    parser.add_argument("out", metavar="OUT", help="the JSON Lines file to write; - is standard output")
    parser.add_argument("--part", default="request", help="the part (default: request)")
    parser.add_argument("--records", type=int, default=1_000_000, help="records to write (default 1,000,000)")
    parser.add_argument("--distinct", type=int, default=500, help="distinct valid payloads to cycle (default 500)")
    parser.add_argument("--invalid-share", default="0.05",
                        help="share of invalid records, such as 0.05 or 1/20 (default 0.05)")
    parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0)")
    args = parser.parse_args(argv)
    try:
        share = Fraction(args.invalid_share).limit_denominator(1_000_000)
    except (ValueError, ZeroDivisionError):
        parser.error(f"--invalid-share: not a number: {args.invalid_share!r}")
    if not 0 <= share <= 1:
        parser.error("--invalid-share must be between 0 and 1")
    if args.records < 0 or args.distinct < 1:
        parser.error("--records must be 0 or more and --distinct 1 or more")
    try:
        invoicespec.validator(args.operation, args.part)
    except invoicespec.InvoicespecError as error:
        parser.error(str(error))

    start = time.perf_counter()
    valid = draw(payloads(args.operation, args.part), args.distinct, args.seed)
    wanted_faults = math.ceil(args.distinct * share)
    # A fault is drawn as (payload, path, keyword): the payload is the record.
    invalid = draw(faults(args.operation, args.part), wanted_faults, args.seed, lambda fault: fault[0])
    drawn = time.perf_counter() - start
    if args.out == "-":
        bad = write(sys.stdout, args.records, valid, invalid, share)
    else:
        with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
            bad = write(handle, args.records, valid, invalid, share)
    print(f"{args.records} records ({bad} invalid) of {args.operation} {args.part} from {len(valid)} valid and "
          f"{len(invalid)} invalid payloads (drawn in {drawn:.1f} s, seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

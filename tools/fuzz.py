"""A long fuzz run: the properties of ``tests/test_fuzz.py`` on every part, for as long as it is given.

    python3 tools/fuzz.py [--minutes 15] [--seed 0] [--round 50] [--parts OP[:PART] ...] [--json FILE]

Parts take turns, ``--round`` examples each, every turn with its own seed derived from ``--seed`` (the same seed
and budget replay the same payloads, as far as timing lets the last turn end at the same place), until the time
is up. Prints, per part, the examples that kept every property and the distinct failures (each with its shrunk
payload, abbreviated); exits 1 when anything failed. Run it before a release; the test suite runs the same
properties at a small budget.
"""

from __future__ import annotations

import argparse
import json
import reprlib
import resource
import sys
import time
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from hostile import ALL_PARTS, check_part, hostile  # noqa: E402

_abbreviate = reprlib.Repr()
_abbreviate.maxstring = _abbreviate.maxother = 80
_abbreviate.maxlevel = 4


def _abbreviated(value: Any) -> str:
    try:
        return _abbreviate.repr(value)[:300]
    except ValueError:  # an integer too long for Python to print, at the top level
        return f"<{type(value).__name__}>"


class Tally:
    """One part's counts: examples that kept every property, and distinct failures."""

    def __init__(self) -> None:
        self.examples = 0
        self.turns = 0
        self.failures: dict[str, dict[str, Any]] = {}


def _turn(operation: str, part: str, examples: int, turn_seed: int, tally: Tally) -> None:
    """Run ``examples`` examples of one part; a failure is recorded with its shrunk payload."""
    last_failing: list[Any] = [None]

    @seed(turn_seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False, print_blob=False,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def fuzz(data: Any) -> None:
        payload = data.draw(hostile(operation, part))
        try:
            check_part(operation, part, payload)
        except BaseException:
            last_failing[0] = payload  # Hypothesis replays the shrunk example last
            raise
        tally.examples += 1

    tally.turns += 1
    try:
        fuzz()
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # an assertion of the properties, or an exception a call let out
        first = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:200]
        found = tally.failures.setdefault(first, {"seed": turn_seed, "count": 0,
                                                  "payload": _abbreviated(last_failing[0])})
        found["count"] += 1


def _selected(names: list[str]) -> list[tuple[str, str]]:
    if not names:
        return ALL_PARTS
    chosen = []
    for name in names:
        operation, _, part = name.partition(":")
        chosen += [(op, p) for op, p in ALL_PARTS if op == operation and (not part or p == part)]
    if not chosen:
        raise SystemExit(f"no part matches {names}: parts are written OPERATION or OPERATION:PART")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0, help="time budget (default 15)")
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--round", type=int, default=50, help="examples per part per turn (default 50)")
    parser.add_argument("--parts", nargs="*", default=[], metavar="OP[:PART]", help="parts to fuzz (default all)")
    parser.add_argument("--json", metavar="FILE", help="also write the counts as JSON")
    parser.add_argument("--memory", type=float, default=3.0, metavar="GIB",
                        help="address space limit (default 3 GiB): a runaway payload is a MemoryError, not a swap storm")
    args = parser.parse_args(argv)
    limit = int(args.memory * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))

    parts = _selected(args.parts)
    tallies = {key: Tally() for key in parts}
    start = time.monotonic()
    deadline = start + args.minutes * 60
    turn = 0
    while time.monotonic() < deadline:
        for index, (operation, part) in enumerate(parts):
            if time.monotonic() >= deadline:
                break
            turn_seed = zlib.crc32(f"{args.seed}:{turn}:{index}".encode())
            _turn(operation, part, args.round, turn_seed, tallies[operation, part])
        turn += 1
    elapsed = time.monotonic() - start

    width = max(len(f"{op} {part}") for op, part in parts)
    print(f"{'part':<{width}}  examples  turns  failures")
    for (operation, part), tally in tallies.items():
        print(f"{operation + ' ' + part:<{width}}  {tally.examples:>8,}  {tally.turns:>5}  {len(tally.failures):>8}")
    total = sum(tally.examples for tally in tallies.values())
    failures = sum(len(tally.failures) for tally in tallies.values())
    print(f"{'total':<{width}}  {total:>8,}  {turn:>5}  {failures:>8}")
    print(f"seed {args.seed}, {elapsed / 60:.1f} minutes, {total / elapsed:,.0f} examples/s, {len(parts)} parts")
    for (operation, part), tally in tallies.items():
        for first, found in tally.failures.items():
            print(f"\nFAILURE {operation} {part} (seed {found['seed']}, {found['count']} turns): {first}\n"
                  f"  shrunk payload: {found['payload']}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "seed": args.seed, "minutes": elapsed / 60, "examples": total, "failures": failures,
            "parts": {f"{op} {part}": {"examples": tally.examples, "turns": tally.turns, "failures": tally.failures}
                      for (op, part), tally in tallies.items()},
        }, indent=2) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

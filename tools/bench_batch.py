"""Records per second and peak memory of batch validation on one JSON Lines file, three ways, in one run.

    python tools/make_jsonl.py ...              # or any JSON Lines file of one operation's payloads
    python tools/bench_batch.py FILE.jsonl OPERATION [--part PART]

Runs, one after the other on the same file: the peer, a loop of ``orjson.loads`` and jsonschema-rs ``is_valid``
on the standard keywords only (every ``x-`` keyword dropped: it checks less, see ``bench/contenders.py``);
``invoicespec validate --jobs 1``, ``invoicespec validate --jobs 2`` (both ``--format json`` to /dev/null) and
``tools/bench_dask.py`` (Dask's local process scheduler, 2 workers). Each is a fresh process timed from its start,
imports and compilation included, as a user sees it. Peak RSS is the largest of the process tree's, as
``/usr/bin/time`` or getrusage reports it. Prints each target with PASS or FAIL: one process at least half the
peer's rate, and ``--jobs 2`` at least 1.7 times ``--jobs 1`` (on an otherwise idle machine of 2 cores or more).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


# Runs one command and prints the peak RSS (KiB) of the largest process in its tree: getrusage's
# RUSAGE_CHILDREN covers every descendant that was waited for, and a fresh wrapper per command keeps
# one command's peak from showing in the next one's figure.
_MEASURE = (
    "import resource, subprocess, sys; "
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MiB) of the largest process the command ran."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return elapsed, int(done.stdout.split()[-1]) / 1024


def peer_loop(file: Path, operation: str) -> int:
    """The peer: ``orjson.loads`` and jsonschema-rs on each line (run in a process of its own)."""
    import orjson

    sys.path.insert(0, str(HERE / "bench"))
    from contenders import _rs

    validator = _rs(operation)
    invalid = 0
    with file.open("rb") as handle:
        for line in handle:
            if line.strip() and not validator.is_valid(orjson.loads(line)):
                invalid += 1
    print(invalid, file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--peer"]:
        return peer_loop(Path(sys.argv[2]), sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("operation")
    parser.add_argument("--part", default="request")
    args = parser.parse_args(argv)
    records = count_lines(args.file)
    size = args.file.stat().st_size / 2 ** 20
    print(f"# {records:,} records, {size:,.0f} MiB, {args.operation} {args.part}; "
          f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    cli = [sys.executable, "-m", "invoicespec", "validate", args.operation, "--part", args.part,
           "--format", "json", "--no-progress", str(args.file)]
    rows = []
    for label, command in (
        ("orjson + jsonschema-rs loop (peer)", [sys.executable, __file__, "--peer", str(args.file), args.operation]),
        ("invoicespec validate --jobs 1", [*cli, "--jobs", "1"]),
        ("invoicespec validate --jobs 2", [*cli, "--jobs", "2"]),
        ("dask, local processes, 2 workers",
         [sys.executable, str(HERE / "bench_dask.py"), str(args.file), args.operation, "--part", args.part,
          "--workers", "2"]),
    ):
        elapsed, peak = run(command)
        rows.append((label, elapsed, peak))
        print(f"{label:34} {records / elapsed:10,.0f} records/s {elapsed:8.1f} s  peak RSS {peak:6.0f} MiB",
              flush=True)
    peer, one, two = rows[0][1], rows[1][1], rows[2][1]
    print("# speed-up over --jobs 1: " + ", ".join(f"{label}: {one / elapsed:.2f}x" for label, elapsed, _ in rows))
    for name, ratio, limit in (("--jobs 1 rate / peer rate", peer / one, 0.5),
                               ("--jobs 2 rate / --jobs 1 rate", one / two, 1.7)):
        print(f"{'PASS' if ratio >= limit else 'FAIL'}  {name}: {ratio:.2f} (target >= {limit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

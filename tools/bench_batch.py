"""Records per second and peak memory of batch validation on one JSON Lines file, three ways, in one run.

    python tools/make_jsonl.py ...              # or any JSON Lines file of one operation's payloads
    python tools/bench_batch.py FILE.jsonl OPERATION [--part PART]

Runs, one after the other on the same file: ``invoicespec validate --jobs 1``,
``invoicespec validate --jobs 2`` (both ``--format json`` to /dev/null) and
``tools/bench_dask.py`` (Dask's local process scheduler, 2 workers). Peak RSS is
the largest of the process tree's, as ``/usr/bin/time`` or getrusage reports it.
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


def main(argv: list[str] | None = None) -> int:
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
    base = rows[0][1]
    print("# speed-up over --jobs 1: " + ", ".join(f"{label}: {base / elapsed:.2f}x" for label, elapsed, _ in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

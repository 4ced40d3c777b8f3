"""Records per second of invoicespec.dask on Dask's local process scheduler, and peak memory.

    python tools/bench_dask.py FILE.jsonl OPERATION [--part PART] [--workers 2] [--blocksize "4 MiB"]

FILE is JSON Lines (such as what tools/make_jsonl.py writes). The time is that of
``summary(verdicts(FILE, OPERATION, PART))`` from the call to the result, start-up of
the worker processes (each imports invoicespec and compiles its validator) included,
as a user sees it. Peak RSS comes from ``resource.getrusage``: this process, and the
largest of its finished children (the workers, which Dask shuts down after the run).
CPU seconds (this process and the workers) are printed too: on a busy machine the
wall-clock rate drops while the CPU cost per record does not.
Prints one line; exit status 2, with a message, for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time


def _peak_mib(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


def _cpu_seconds() -> float:
    return sum(usage.ru_utime + usage.ru_stime
               for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a JSON Lines file (or a glob of them)")
    parser.add_argument("operation", help="an operation id, such as getbill.create_debt")
    parser.add_argument("--part", default="request", help="the part each record is (default: request)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--blocksize", default=None,
                        help='bytes per partition, such as "4 MiB" (default: invoicespec.dask.DEFAULT_BLOCKSIZE)')
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    import dask

    import invoicespec
    import invoicespec.dask as isd

    blocksize = args.blocksize or isd.DEFAULT_BLOCKSIZE
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    try:
        checked = isd.verdicts(args.file, args.operation, args.part, blocksize=blocksize)
    except (LookupError, OSError, ValueError) as error:  # unknown names, missing file, bad blocksize
        print(f"bench_dask: {error}", file=sys.stderr)
        return 2
    with dask.config.set(scheduler="processes", num_workers=args.workers):
        result = isd.summary(checked)
    elapsed = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start  # this process and the workers: shows contention when wall >> cpu / workers

    try:
        size = f"{sum(os.path.getsize(path) for path in _files(args.file)) / 1e6:.1f} MB"
    except OSError:  # not a local file (s3://...): its size is not needed for the rate
        size = "size unknown"
    print(
        f"bench_dask: {args.operation} {args.part}: {result['total']} records "
        f"({result['valid']} valid, {result['invalid']} invalid, {result['unreadable']} unreadable; "
        f"{size}, {checked.npartitions} partitions, blocksize {blocksize}) in {elapsed:.1f} s = "
        f"{result['total'] / elapsed:.0f} records/s on {args.workers} processes "
        f"(CPU {cpu:.1f} s, {cpu / max(result['total'], 1) * 1e6:.0f} us/record); peak RSS "
        f"{_peak_mib(resource.RUSAGE_SELF):.0f} MiB here, {_peak_mib(resource.RUSAGE_CHILDREN):.0f} MiB "
        f"largest worker (invoicespec {_version(invoicespec)}, dask {dask.__version__}, "
        f"{os.cpu_count()} CPUs)"
    )
    return 0


def _files(pattern: str) -> list[str]:
    import glob

    return sorted(glob.glob(pattern)) or [pattern]


def _version(module) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module.__name__)
    except PackageNotFoundError:
        return "(source)"


if __name__ == "__main__":  # the guard matters: worker processes are spawned and re-import this file
    sys.exit(main())

"""Measurements: time per call (calibrated loops, median of samples), cold start and peak memory.

Loops run with the garbage collector on, as in a service: validators that
allocate much pay for their collections here (``timeit`` would switch it off).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["QUICK_LOOPS", "Timing", "bare_start", "cold_start", "peak_rss", "time_call"]

CALIBRATION_SECONDS = 0.02  # the first estimate of a call's cost runs at least this long
QUICK_LOOPS = 3  # calls per sample when no sample length is asked for (smoke runs)


@dataclass(frozen=True)
class Timing:
    """Microseconds per call: the median, every sample, and the loops each sample ran."""

    median_us: float
    samples_us: tuple[float, ...]
    loops: int


def _run(call: Callable[[Any], Any], payload: Any, loops: int) -> float:
    """Seconds for ``loops`` calls of ``call(payload)``."""
    started = time.perf_counter()
    for _ in range(loops):
        call(payload)
    return time.perf_counter() - started


def _calibrate(call: Callable[[Any], Any], payload: Any, seconds: float) -> int:
    """How many calls make one sample last about ``seconds``."""
    loops = 1
    while (elapsed := _run(call, payload, loops)) < CALIBRATION_SECONDS:
        loops *= 2
    return max(1, round(loops * seconds / elapsed))


def time_call(call: Callable[[Any], Any], payload: Any, *, samples: int, seconds: float | None) -> Timing:
    """Time ``call(payload)``: ``samples`` samples of about ``seconds`` each (of QUICK_LOOPS calls if None)."""
    call(payload)  # warm-up: lazy compilation and caches
    loops = QUICK_LOOPS if seconds is None else _calibrate(call, payload, seconds)
    measured = tuple(_run(call, payload, loops) / loops * 1e6 for _ in range(samples))
    return Timing(statistics.median(measured), measured, loops)


def _python(code: str) -> str:
    """Run ``code`` in a fresh interpreter and return its output; exit with its error output if it fails."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"a measurement subprocess failed:\n{done.stderr[-3000:]}")
    return done.stdout


def cold_start(payload: Any, *, runs: int) -> tuple[float, ...]:
    """Wall milliseconds of each of ``runs`` fresh interpreters importing invoicespec and validating ``payload``."""
    code = f"import invoicespec; assert invoicespec.is_valid('getbill.create_debt', {payload!r})"
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        _python(code)
        found.append((time.perf_counter() - started) * 1000)
    return tuple(found)


def bare_start(*, runs: int) -> tuple[float, ...]:
    """Wall milliseconds of each of ``runs`` fresh interpreters running ``pass``: what a cold start adds to."""
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        _python("pass")
        found.append((time.perf_counter() - started) * 1000)
    return tuple(found)


# Compiles both engines of every part of every operation (they compile on first need otherwise) and
# validates one example of each request part, then prints the process's peak RSS in KiB (Linux's unit
# for ru_maxrss); then also compiles every subschema the error reports may ask the fast path about
# (compiled one by one as reports need them: the worst case) and prints the peak again.
_ALL_PARTS = """
import resource, invoicespec
from invoicespec.keywords import standard as _keywords
for operation in invoicespec.operations():
    for part in invoicespec.parts(operation):
        validator = invoicespec.validator(operation, part)
        validator._fast_path(), validator._full_path()
        if part.startswith("request") and validator.examples:
            assert validator.is_valid(validator.examples[0]), (operation, part)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
for pruner in _keywords.PRUNERS.values():
    pruner.warm()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# Runs ``python -c pass`` and prints its peak RSS in KiB: a fresh parent per measurement keeps
# RUSAGE_CHILDREN to that one child.
_BARE = (
    "import resource, subprocess, sys; subprocess.run([sys.executable, '-c', 'pass'], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _python_from_small_parent(code: str) -> str:
    """Like :func:`_python`, but started by a fresh interpreter: on Linux a child's peak RSS starts at
    its parent's size at fork time, and this benchmark's own process is large by then."""
    relay = (
        "import subprocess, sys; done = subprocess.run([sys.executable, '-c', sys.argv[1]], capture_output=True, "
        "text=True); sys.stdout.write(done.stdout); sys.stderr.write(done.stderr); sys.exit(done.returncode)"
    )
    done = subprocess.run([sys.executable, "-c", relay, code], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"a measurement subprocess failed:\n{done.stderr[-3000:]}")
    return done.stdout


def peak_rss() -> dict[str, float]:
    """Peak RSS in MiB of a process with every part compiled, and of a bare ``python -c pass``."""
    compiled, every_subschema = (int(kib) / 1024 for kib in _python_from_small_parent(_ALL_PARTS).split()[-2:])
    return {"all_parts_mib": compiled, "every_subschema_mib": every_subschema,
            "bare_python_mib": int(_python(_BARE).split()[-1]) / 1024}

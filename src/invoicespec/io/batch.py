"""Batch validation for ``invoicespec validate``: files, directories, globs and JSON Lines, at any size.

Data flow: the command's arguments expand into *sources* (a payload file, a JSON
Lines file, standard input, or a problem such as a glob that matches nothing);
the sources stream *tasks* (a file to read, a block of JSON Lines, ...); the
tasks are checked in this process and, with ``--jobs N``, in a pool of N − 1
worker processes besides, results coming back in input order; a *writer* turns
each outcome into text, JSON, GitHub workflow annotations or JUnit XML as it
arrives. This module is the run (the pool, its chunks, the outcomes); the
sources and their records are ``io.inputs``, the writers ``io.writers``, the
progress bar ``io.progress``.

Memory stays flat whatever the input's size: a JSON Lines file is read a block
of lines at a time (never whole), the pool has at most a few chunks of records
in flight, and no writer keeps the results (JSON is written incrementally; JUnit
spools each suite to a temporary file because its header carries counts known
only at the end).
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import BrokenExecutor
from typing import Any, NamedTuple, TextIO, Union

from invoicespec.engine.validator import Validator
from invoicespec.io.files import MAX_DOCUMENT_BYTES, PayloadFileError, parse_json_bytes, parse_text, read_payload
from invoicespec.io.inputs import JSONL_SUFFIXES, Meta, Source, Task, block_records, expand_inputs, tasks_of
from invoicespec.io.progress import BarSafe, isatty, show_progress
from invoicespec.io.writers import FORMATS, WRITERS, Output, github_data, github_property

__all__ = [
    "FORMATS",
    "JSONL_SUFFIXES",
    "Outcome",
    "Source",
    "expand_inputs",
    "github_data",
    "github_property",
    "read_task",
    "resolve_jobs",
    "run",
    "show_progress",
]

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

#: Payload files per task sent to a worker: large enough that pickling and IPC are small next to the
#: validation, small enough to keep every worker busy (JSON Lines go by blocks: ``inputs.BLOCK_BYTES``).
CHUNK_RECORDS = 128
#: Chunks in flight per worker: the bound on memory in a pooled run, and enough queue to never
#: leave a worker idle while this process checks a chunk of its own and writes results.
CHUNKS_PER_WORKER = 4

#: The result of checking one record: a problem (the input could not be read) as a message, or
#: the errors as (path, keyword, message) triples; an empty tuple is a valid payload.
Result = Union[str, tuple[tuple[str, str, str], ...]]


# -- records and their checking ------------------------------------------------------------------


class Outcome(NamedTuple):
    """One checked record: where it comes from and its result (a problem message or the errors)."""

    source: int
    file: str
    line: int | None
    weight: int
    result: Result

    @property
    def name(self) -> str:
        """``FILE`` for a single payload, ``FILE:LINE`` for a JSON Lines record."""
        return self.file if self.line is None else f"{self.file}:{self.line}"


def read_task(task: Task, *, text_plain: bool, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """The payload a task holds; :class:`PayloadFileError` says why it cannot be read.

    ``text_plain``: the part's media type is ``text/plain``, so a file's text is the payload. A file over
    ``max_bytes`` is refused unread.
    """
    kind, data = task
    if kind == "file":
        return read_payload(data, as_text=text_plain, max_bytes=max_bytes)
    if kind == "line":
        return parse_json_bytes(data)
    if kind == "text":  # standard input, read by the parent
        return data if text_plain else parse_text(data)
    raise PayloadFileError(str(data))  # "problem": found while expanding or reading, passed on in order


def _check(checker: Validator, task: Task, max_bytes: int = MAX_DOCUMENT_BYTES) -> Result:
    """Check one record's task; the same function in this process and in the workers (same output)."""
    try:
        payload = read_task(task, text_plain=checker.media_type == "text/plain", max_bytes=max_bytes)
    except PayloadFileError as error:
        return str(error)
    return tuple((error.path, error.keyword, error.message) for error in checker.errors(payload))


#: What checking a task gives: ``(line, bytes, result)`` for each record of a block of JSON Lines, else the one
#: record's result (its place is the task's).
Checked = Union[Result, list[tuple[int, int, Result]]]


def _check_task(checker: Validator, task: Task, max_bytes: int = MAX_DOCUMENT_BYTES) -> Checked:
    if task[0] != "block":
        return _check(checker, task, max_bytes)
    return [(line, weight, _check(checker, record, max_bytes)) for line, weight, record in block_records(*task[1])]


def _outcomes_of(meta: Meta, checked: Checked) -> Iterator[Outcome]:
    if isinstance(checked, list):
        for line, weight, result in checked:
            yield Outcome(meta.source, meta.file, line, weight, result)
    else:
        yield Outcome(*meta, checked)


# -- the process pool --------------------------------------------------------------------------

_WORKER_CHECKER: Validator | None = None
_WORKER_MAX_BYTES = MAX_DOCUMENT_BYTES


def _init_worker(checker: Validator, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """In each worker, once: the validator, which unpickles by name (its catalog's folders, its operation and
    part) and compiles once per worker, not per record; and the size limit of payload files."""
    global _WORKER_CHECKER, _WORKER_MAX_BYTES
    _WORKER_MAX_BYTES = max_bytes
    # Ctrl-C is the parent's to handle: it stops the pool. Workers dying of it would print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_CHECKER = checker


def _check_chunk(tasks: list[Task]) -> list[Checked]:
    checker = _WORKER_CHECKER
    assert checker is not None, "the pool's initializer builds the validator"
    return [_check_task(checker, task, _WORKER_MAX_BYTES) for task in tasks]


def resolve_jobs(jobs: int) -> int:
    """``--jobs``: 0 means one worker per CPU this process may use."""
    if jobs > 0:
        return jobs
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+: honours CPU affinity
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _pool_context() -> Any:
    """How workers start: a plain fork when that is safe, else a fork server (POSIX) or a fresh interpreter.

    A fork is instant and the worker inherits the validator already compiled here
    (loading the schemas costs about a second per fresh interpreter). It is safe on
    Linux when this process runs one thread (forking a threaded process can copy a
    lock held by another thread: Python 3.12 warns, 3.14 no longer forks by
    default); output buffers are flushed before forking (see :func:`_start_pool`).
    Elsewhere, and inside threaded applications, each worker starts clean and
    rebuilds the validator by name in its initializer.
    """
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _start_pool(checker: Validator, jobs: int, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """Start ``jobs`` worker processes, each with the validator built by name (once per worker).

    Called before the progress bar exists (tqdm may start a thread), so that a fork
    is still possible.
    """
    from concurrent.futures import ProcessPoolExecutor

    context = _pool_context()
    if context.get_start_method() == "fork":
        checker.is_valid(None)  # compiled here, once: every forked worker inherits it
        # A forked child flushes its copy of the standard streams when it ends: what is still
        # buffered here would be written twice.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
    executor = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(checker, max_bytes)
    )
    executor.submit(int)  # with fork, every worker is started now, while this process is single-threaded
    return executor


def _pooled(
    tasks: Iterator[tuple[Meta, Task]], executor: Any, window: int, check: Callable[[Task], Checked],
) -> Iterator[Outcome]:
    """Check tasks in the pool's workers and in this process, yielding outcomes in input order.

    Chunks of :data:`CHUNK_RECORDS` tasks (a block of JSON Lines is a chunk of its own)
    go to the workers while fewer than ``window`` are in flight; past that, this process
    checks the next chunk itself (``check``) instead of waiting: the pool has one worker
    fewer than ``--jobs``, and every process checks. ``Pool.imap`` and ``Executor.map``
    would read the whole input ahead into their queues (a multi-GB file into memory), so
    the window is kept here: results waiting for their turn are bounded too.
    """
    pending: deque[tuple[list[Meta], Any]] = deque()  # in input order: a future, or the results checked here
    flying: list[Any] = []  # the futures the workers have not finished

    def run(chunk: list[tuple[Meta, Task]]) -> None:
        metas, chunk_tasks = [meta for meta, _ in chunk], [task for _, task in chunk]
        flying[:] = [future for future in flying if not future.done()]
        if len(flying) < window:
            flying.append(executor.submit(_check_chunk, chunk_tasks))
            pending.append((metas, flying[-1]))
        else:
            pending.append((metas, [check(task) for task in chunk_tasks]))

    def ready(wait: bool) -> Iterator[Outcome]:
        """The outcomes at the head of the line that are done (``wait``: the head's, done or not)."""
        while pending:
            metas, done = pending[0]
            if not isinstance(done, list):
                if not (wait or done.done()):
                    return
                done = done.result()
            pending.popleft()
            for meta, checked in zip(metas, done):
                yield from _outcomes_of(meta, checked)
            wait = False

    chunk: list[tuple[Meta, Task]] = []
    for item in tasks:
        block = item[1][0] == "block"
        if block and chunk:
            run(chunk)
            chunk = []
        chunk.append(item)
        if block or len(chunk) == CHUNK_RECORDS:
            run(chunk)
            chunk = []
            yield from ready(wait=len(pending) > 2 * window)
    if chunk:
        run(chunk)
    while pending:
        yield from ready(wait=True)


def _outcomes(
    sources: Sequence[Source], checker: Validator, executor: Any, jobs: int, max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Generator[Outcome, None, None]:
    """Every record's outcome, in input order: checked here, and in the pool when there is one."""
    tasks = tasks_of(sources, max_bytes, blocks=True)
    if executor is not None:
        yield from _pooled(tasks, executor, (jobs - 1) * CHUNKS_PER_WORKER,
                           lambda task: _check_task(checker, task, max_bytes))
        return
    for meta, task in tasks:
        yield from _outcomes_of(meta, _check_task(checker, task, max_bytes))


# -- the command -------------------------------------------------------------------------------


def run(
    checker: Validator,
    arguments: Sequence[str],
    *,
    output_format: str = "text",
    jobs: int = 1,
    stdin_jsonl: bool = False,
    progress: bool = True,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    quiet: bool = False,
    out: TextIO,
    err: TextIO,
) -> int:
    """Validate every payload the arguments name against ``checker``; returns the exit status.

    0 when every payload is valid, 1 when some payload is invalid, 2 when some input
    could not be read (a missing file, a malformed JSON Lines line, a glob matching
    nothing, a file over ``max_bytes``): the other inputs are still checked. ``quiet``: the text format
    prints nothing for valid payloads.
    """
    sources = expand_inputs(arguments, text_plain=checker.media_type == "text/plain", stdin_jsonl=stdin_jsonl)
    records = sum(1 for source in sources if not source.jsonl and source.problem is None)
    sizes = [source.size for source in sources if source.problem is None]
    known = sum(size for size in sizes if size is not None)
    jobs = resolve_jobs(jobs)
    executor = _start_pool(checker, jobs - 1, max_bytes) if jobs > 1 else None  # and this process
    bar = None
    if show_progress(enabled=progress, stderr_tty=isatty(err), stdout_tty=isatty(out), records=records,
                     size=known):
        from tqdm import tqdm

        total = known if None not in sizes else None
        bar = tqdm(total=total, file=err, unit="B", unit_scale=True, unit_divisor=1024, leave=False,
                   desc="validating", dynamic_ncols=True)
        err = BarSafe(err, tqdm)  # type: ignore[assignment]
    kind = WRITERS[output_format]
    output = Output(out, kind.errors)
    writer = kind(output, err, checker.operation, checker.part, quiet=quiet)  # type: ignore[arg-type]
    summary = {"payloads": 0, "valid": 0, "invalid": 0, "unreadable": 0}
    outcomes = _outcomes(sources, checker, executor, jobs, max_bytes)
    step = 0
    try:
        for outcome in outcomes:
            writer.record(outcome)
            summary["payloads"] += 1
            result = outcome.result
            summary["unreadable" if isinstance(result, str) else "invalid" if result else "valid"] += 1
            if bar is not None:
                step += outcome.weight
                if summary["payloads"] % 256 == 0:  # tqdm is cheap per call, but not free
                    bar.update(step)
                    step = 0
    except BrokenExecutor as error:  # a worker killed (out of memory, a signal): no traceback
        output.flush()
        print(f"invoicespec: error: a worker process stopped ({error}); the rest was not checked", file=err)
        return EXIT_USAGE
    finally:
        outcomes.close()
        if executor is not None:  # also on an early stop (a broken pipe, Ctrl-C): drop what is queued
            executor.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.update(step)
            bar.close()
    writer.finish(summary)
    output.flush()
    if summary["unreadable"]:
        return EXIT_USAGE
    return EXIT_INVALID if summary["invalid"] else EXIT_VALID

"""Batch validation for ``invoicespec validate``: files, directories, globs and JSON Lines, at any size.

Data flow: the command's arguments expand into *sources* (a payload file, a JSON
Lines file, standard input, or a problem such as a glob that matches nothing);
the sources stream *tasks* (a file to read, one line of JSON Lines, ...); the
tasks are checked in this process or in a pool of worker processes, results
coming back in input order; a *writer* turns each outcome into text, JSON,
GitHub workflow annotations or JUnit XML as it arrives.

Memory stays flat whatever the input's size: a JSON Lines file is read line by
line (never whole), the pool has at most a few chunks of records in flight, and
no writer keeps the results (JSON is written incrementally; JUnit spools each
suite to a temporary file because its header carries counts known only at the
end).
"""

from __future__ import annotations

import codecs
import glob
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass
from typing import IO, Any, NamedTuple, TextIO, Union
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

import invoicespec
from invoicespec._errors import error_count, error_line
from invoicespec.io.files import PayloadFileError, parse_json_line, parse_text, read_payload
from invoicespec.engine.validator import Validator

__all__ = [
    "FORMATS",
    "JSONL_SUFFIXES",
    "Outcome",
    "Source",
    "expand_inputs",
    "github_data",
    "github_property",
    "resolve_jobs",
    "run",
    "show_progress",
]

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

FORMATS = ("text", "json", "github", "junit")
#: Single payload files picked in directories (and .txt too for text/plain parts).
PAYLOAD_SUFFIXES = (".json", ".yaml", ".yml")
TEXT_SUFFIXES = (".txt",)
#: JSON Lines: one payload per line.
JSONL_SUFFIXES = (".jsonl", ".ndjson")

#: A JSON Lines line longer than this is reported (and skipped) rather than read: one runaway line
#: must not undo the flat memory of streaming. 64 MiB is far above any real API payload.
MAX_LINE_BYTES = 64 * 1024 * 1024
#: Records per task sent to a worker: large enough that pickling and IPC are small next to the
#: validation (about 150 µs per small payload), small enough to keep every worker busy.
CHUNK_RECORDS = 128
#: Chunks in flight per worker: the bound on memory in a pooled run, and enough queue to never
#: leave a worker idle while the parent writes results.
CHUNKS_PER_WORKER = 4
#: The progress bar appears above these sizes: at about 150 µs per small payload on one core,
#: about a second of work or more. Below that a bar would only flash.
PROGRESS_MIN_RECORDS = 2_000
PROGRESS_MIN_BYTES = 4 * 1024 * 1024
#: A JUnit suite's test cases stay in memory up to this size, then spill to a temporary file.
JUNIT_SPOOL_BYTES = 1024 * 1024

#: The result of checking one record: a problem (the input could not be read) as a message, or
#: the errors as (path, keyword, message) triples; an empty tuple is a valid payload.
Result = Union[str, tuple[tuple[str, str, str], ...]]
Task = tuple[str, Any]


# -- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One input: a payload file, a JSON Lines file, standard input, or a problem to report.

    ``name`` is what the outputs show (the path as given or found, ``<stdin>``, or the
    argument that failed); ``path`` is what to open (``None`` for standard input and
    problems); ``size`` is its size in bytes when known (for the progress bar).
    """

    name: str
    path: str | None
    jsonl: bool = False
    size: int | None = None
    problem: str | None = None


def _suffixes(text_plain: bool) -> tuple[str, ...]:
    return PAYLOAD_SUFFIXES + JSONL_SUFFIXES + (TEXT_SUFFIXES if text_plain else ())


def _sort_key(path: str) -> tuple[str, ...]:
    # Component by component, as a tree lists them (a folder's files where its name sorts: "a/z.json"
    # before "a.json"), and the same order whichever separator the platform writes.
    return tuple(path.replace(os.sep, "/").split("/"))


def _is_jsonl(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in JSONL_SUFFIXES


def _file_source(path: str) -> Source:
    try:
        size: int | None = os.stat(path).st_size
    except OSError:  # reported when the file is read, with the same message as any other
        size = None
    return Source(path, path, _is_jsonl(path), size)


def _stdin_size() -> int | None:
    """Standard input's size when it is a regular file (``< big.jsonl``); ``None`` for a pipe."""
    try:
        info = os.fstat(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):  # replaced, closed or captured (tests)
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def _walk(directory: str, suffixes: tuple[str, ...]) -> list[Source]:
    """The payload files under ``directory``, recursively, in sorted order.

    Hidden files and folders (a leading dot: ``.git``, ``.venv``) are skipped; symbolic
    links to folders are not followed (no cycles); a folder that cannot be listed is
    reported as a problem in its place.
    """
    found: list[tuple[tuple[str, ...], Source]] = []

    def unreadable(error: OSError) -> None:
        name = error.filename or directory
        found.append((_sort_key(name), Source(name, None, problem=f"cannot be read: {error.strerror or error}")))

    for root, folders, files in os.walk(directory, onerror=unreadable):
        folders[:] = [folder for folder in folders if not folder.startswith(".")]
        for file in files:
            if not file.startswith(".") and os.path.splitext(file)[1].lower() in suffixes:
                path = os.path.join(root, file)
                found.append((_sort_key(path), _file_source(path)))
    found.sort(key=lambda item: item[0])
    return [source for _, source in found]


def _glob(pattern: str, suffixes: tuple[str, ...]) -> list[Source]:
    """A glob pattern's files (``**`` spans folders), sorted, each once.

    Files the pattern names are taken whatever their extension (the pattern chose
    them); folders it names are searched like a folder argument.
    """
    found: dict[str, Source] = {}
    for match in glob.glob(pattern, recursive=True):
        for source in _walk(match, suffixes) if os.path.isdir(match) else [_file_source(match)]:
            found.setdefault(source.name, source)
    return [found[name] for name in sorted(found, key=_sort_key)]


def expand_inputs(arguments: Iterable[str], *, text_plain: bool = False, stdin_jsonl: bool = False) -> list[Source]:
    """Expand the command's FILE arguments into sources, in a deterministic order.

    ``-`` is standard input (JSON Lines with ``stdin_jsonl``). A folder gives its
    payload files recursively, sorted (.json .yaml .yml .jsonl .ndjson, and .txt
    when ``text_plain``). An argument with ``*``, ``?`` or ``[`` that names no
    existing file is a glob pattern, expanded here so that quoted patterns work
    in every shell. Anything else is a file. A folder without payload files and
    a pattern matching nothing become problem sources (a usage error, exit 2).
    """
    suffixes = _suffixes(text_plain)
    sources: list[Source] = []
    for argument in arguments:
        if argument == "-":
            sources.append(Source("<stdin>", None, stdin_jsonl, _stdin_size()))
        elif os.path.isdir(argument):
            found = _walk(argument, suffixes)
            sources.extend(found or [Source(argument, None, problem=(
                f"is a directory with no payload files ({' '.join(suffixes)})"))])
        elif any(magic in argument for magic in "*?[") and not os.path.lexists(argument):
            found = _glob(argument, suffixes)
            sources.extend(found or [Source(argument, None, problem="no file matches this pattern")])
        else:
            sources.append(_file_source(argument))
    return sources


# -- records and their checking ------------------------------------------------------------------


class _Meta(NamedTuple):
    """Where a record comes from: kept in the parent while its task is checked."""

    source: int  # index of its source, so that outputs can group records by input file
    file: str
    line: int | None  # the line of a JSON Lines record, else None
    weight: int  # bytes it accounts for, for the progress bar


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


def _parse_line(raw: bytes) -> Any:
    """One JSON Lines record: strict JSON, positions given as columns of the line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadFileError(f"is not UTF-8 text (byte {error.start})") from None
    return parse_json_line(text)


def _check(checker: Validator, task: Task) -> Result:
    """Check one task; the same function in this process and in the workers (same output)."""
    kind, data = task
    try:
        if kind == "file":
            payload = read_payload(data, as_text=checker.media_type == "text/plain")
        elif kind == "line":
            payload = _parse_line(data)
        elif kind == "text":  # standard input, read by the parent
            payload = data if checker.media_type == "text/plain" else parse_text(data)
        else:  # "problem": found while expanding or reading, passed through in order
            return str(data)
    except PayloadFileError as error:
        return str(error)
    return tuple((error.path, error.keyword, error.message) for error in checker.errors(payload))


def _jsonl_lines(stream: IO[bytes]) -> Iterator[tuple[int, int, Task]]:
    """``(line number, bytes, task)`` per record of a JSON Lines stream, reading one line at a time.

    Blank lines are skipped (their bytes count towards the next record's). A line
    over :data:`MAX_LINE_BYTES` is skipped in pieces and reported.
    """
    number = 0
    carried = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        weight = carried + len(raw)
        carried = 0
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # the rest of the runaway line, a bounded piece at a time
                piece = stream.readline(1024 * 1024)
                weight += len(piece)
                if not piece or piece.endswith(b"\n"):
                    break
            limit = f"{MAX_LINE_BYTES // (1024 * 1024)} MiB" if MAX_LINE_BYTES >= 1024 * 1024 else (
                f"{MAX_LINE_BYTES} bytes")
            yield number, weight, ("problem", f"the line is longer than {limit}: not read")
            continue
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if not raw.strip():
            carried = weight
            continue
        # Without its line ending, so that a parse error's column is all the position there is.
        yield number, weight, ("line", raw[:-2] if raw.endswith(b"\r\n") else raw.rstrip(b"\n"))


def _source_tasks(index: int, source: Source) -> Iterator[tuple[_Meta, Task]]:
    if source.problem is not None:
        yield _Meta(index, source.name, None, 0), ("problem", source.problem)
        return
    if not source.jsonl:
        if source.path is not None:  # the worker reads the file itself: reading is work too
            yield _Meta(index, source.name, None, source.size or 0), ("file", source.path)
            return
        try:  # standard input is the parent's: read it here
            text = read_payload("-", as_text=True)
        except PayloadFileError as error:
            yield _Meta(index, source.name, None, 0), ("problem", str(error))
            return
        yield _Meta(index, source.name, None, len(text)), ("text", text)
        return
    if source.path is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            yield _Meta(index, source.name, None, 0), ("problem", "standard input cannot be read")
            return
        yield from _stream_tasks(index, source.name, stream)
        return
    try:
        handle = open(source.path, "rb", buffering=1024 * 1024)
    except FileNotFoundError:
        yield _Meta(index, source.name, None, 0), ("problem", "no such file")
        return
    except OSError as error:
        yield _Meta(index, source.name, None, 0), ("problem", f"cannot be read: {error.strerror or error}")
        return
    with handle:
        yield from _stream_tasks(index, source.name, handle)


def _stream_tasks(index: int, name: str, stream: IO[bytes]) -> Iterator[tuple[_Meta, Task]]:
    lines = _jsonl_lines(stream)
    number = 0
    while True:
        try:
            number, weight, task = next(lines)
        except StopIteration:
            return
        except OSError as error:  # a read failing midway (a disk or network error): the rest is lost
            yield _Meta(index, name, number + 1, 0), ("problem", f"cannot be read: {error.strerror or error}")
            return
        yield _Meta(index, name, number, weight), task


def _tasks(sources: Sequence[Source]) -> Iterator[tuple[_Meta, Task]]:
    for index, source in enumerate(sources):
        yield from _source_tasks(index, source)


# -- the process pool --------------------------------------------------------------------------

_WORKER_CHECKER: Validator | None = None


def _init_worker(operation: str, part: str) -> None:
    """In each worker, once: build the validator by name (compiled once per worker, not per record)."""
    global _WORKER_CHECKER
    # Ctrl-C is the parent's to handle: it stops the pool. Workers dying of it would print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_CHECKER = invoicespec.validator(operation, part)


def _check_chunk(tasks: list[Task]) -> list[Result]:
    checker = _WORKER_CHECKER
    assert checker is not None, "the pool's initializer builds the validator"
    return [_check(checker, task) for task in tasks]


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


def _start_pool(checker: Validator, jobs: int) -> Any:
    """Start ``jobs`` worker processes, each with the validator built by name (once per worker).

    Called before the progress bar exists (tqdm may start a thread), so that a fork
    is still possible.
    """
    from concurrent.futures import ProcessPoolExecutor

    context = _pool_context()
    if context.get_start_method() == "fork":
        # A forked child flushes its copy of the standard streams when it ends: what is still
        # buffered here would be written twice.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
    executor = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(checker.operation, checker.part)
    )
    executor.submit(int)  # with fork, every worker is started now, while this process is single-threaded
    return executor


def _pooled(tasks: Iterator[tuple[_Meta, Task]], executor: Any, window: int) -> Iterator[Outcome]:
    """Check tasks in the pool's workers, yielding outcomes in input order.

    An ordered map over chunks of :data:`CHUNK_RECORDS` tasks, with at most
    ``window`` chunks in flight: ``Pool.imap`` and ``Executor.map`` would read the
    whole input ahead into their queues (a multi-GB file into memory), so the
    window is kept here. The head of the window is awaited before more is read.
    """
    pending: deque[tuple[list[_Meta], Any]] = deque()

    def submit(chunk: list[tuple[_Meta, Task]]) -> None:
        pending.append(([meta for meta, _ in chunk], executor.submit(_check_chunk, [task for _, task in chunk])))

    def ready(metas: list[_Meta], future: Any) -> Iterator[Outcome]:
        for meta, result in zip(metas, future.result()):
            yield Outcome(*meta, result)

    chunk: list[tuple[_Meta, Task]] = []
    for item in tasks:
        chunk.append(item)
        if len(chunk) == CHUNK_RECORDS:
            submit(chunk)
            chunk = []
            if len(pending) >= window:
                yield from ready(*pending.popleft())
    if chunk:
        submit(chunk)
    while pending:
        yield from ready(*pending.popleft())


def _outcomes(sources: Sequence[Source], checker: Validator, executor: Any, jobs: int) -> Iterator[Outcome]:
    """Every record's outcome, in input order: checked here, or in the pool when there is one."""
    tasks = _tasks(sources)
    if executor is not None:
        yield from _pooled(tasks, executor, jobs * CHUNKS_PER_WORKER)
        return
    for meta, task in tasks:
        yield Outcome(*meta, _check(checker, task))


# -- writers -----------------------------------------------------------------------------------


def _json_escape(error: UnicodeEncodeError) -> tuple[str, int]:
    """Codec error handler: what the stream cannot encode, as JSON ``\\uXXXX`` escapes (pairs above U+FFFF).

    Only strings can hold such characters in the JSON output, and there a ``\\u``
    escape is the same JSON value: the document stays valid whatever the stream's
    encoding, and a lone surrogate quoted from a payload survives.
    """
    escaped = []
    for char in error.object[error.start:error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            escaped.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


codecs.register_error("invoicespec.json", _json_escape)


def _write(stream: TextIO, text: str, errors: str = "backslashreplace") -> None:
    """Write text; what the stream cannot encode (a lone surrogate quoted from a payload) is escaped."""
    try:
        stream.write(text)
    except UnicodeEncodeError:  # the whole string is encoded before anything is written
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, errors).decode(encoding, "replace"))


class _Output:
    """An output stream written in large pieces: one system call per 64 KiB, not one per record.

    (Standard output may be unbuffered: ``PYTHONUNBUFFERED``, ``-u``.) On a terminal
    each piece is written at once, so that people see records as they are checked.
    """

    def __init__(self, stream: TextIO, errors: str = "backslashreplace") -> None:
        self.stream, self.errors = stream, errors
        self.encoding = getattr(stream, "encoding", None)
        self._limit = 0 if _isatty(stream) else 64 * 1024
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self._limit:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            text = "".join(self._parts)
            self._parts, self._size = [], 0
            _write(self.stream, text, self.errors)


def _error_line(error: tuple[str, str, str]) -> str:
    return error_line(*error)  # errors cross the process pool as (path, keyword, message)


class _Writer:
    """Turns outcomes into one output format as they arrive; ``finish`` closes the document."""

    errors = "backslashreplace"  # how ``out`` escapes what its encoding cannot carry

    def __init__(self, out: TextIO, err: TextIO, operation: str, part: str) -> None:
        self.out, self.err, self.operation, self.part = out, err, operation, part

    def record(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def finish(self, summary: dict[str, int]) -> None:
        """Nothing to close by default."""


class _TextWriter(_Writer):
    """``FILE: valid`` / ``FILE: invalid (N errors)`` and the errors; unreadable inputs on stderr."""

    def record(self, outcome: Outcome) -> None:
        result = outcome.result
        if isinstance(result, str):
            _write(self.err, f"{outcome.name}: {result}\n")
        elif result:
            lines = [f"{outcome.name}: invalid ({error_count(result)})"] + [f"  {_error_line(e)}" for e in result]
            self.out.write("\n".join(lines) + "\n")
        else:
            self.out.write(f"{outcome.name}: valid\n")


_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]  # the C one: json.dumps(s, ensure_ascii=False)


def _json_result(outcome: Outcome) -> str:
    """One result as ``json.dumps(result, indent=2)`` writes it at depth 2 of the document, built directly.

    ``json.dumps`` with ``indent`` runs the encoder in Python and builds it anew on
    every call: for millions of records, this is most of the parent's time.
    """
    parts = [f'{{\n      "file": {_quote(outcome.file)},\n']
    if outcome.line is not None:
        parts.append(f'      "line": {outcome.line},\n')
    result = outcome.result
    if isinstance(result, str):
        parts.append(f'      "valid": null,\n      "problem": {_quote(result)}\n    }}')
    elif not result:
        parts.append('      "valid": true,\n      "errors": []\n    }')
    else:
        errors = ",\n".join(
            f'        {{\n          "path": {_quote(path)},\n          "keyword": {_quote(keyword)},\n'
            f'          "message": {_quote(message)}\n        }}'
            for path, keyword, message in result
        )
        parts.append(f'      "valid": false,\n      "errors": [\n{errors}\n      ]\n    }}')
    return "".join(parts)


class _JsonWriter(_Writer):
    """One JSON document, ``{operation, part, results: [...], summary}``, written a result at a time.

    The bytes are those ``json.dump(document, indent=2, ensure_ascii=False)`` would
    write for the whole document, without holding it.
    """

    errors = "invoicespec.json"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._first = True
        head = json.dumps({"operation": self.operation, "part": self.part}, indent=2, ensure_ascii=False)
        self.out.write(head[:-2] + ',\n  "results": [')

    def record(self, outcome: Outcome) -> None:
        self.out.write(("\n    " if self._first else ",\n    ") + _json_result(outcome))
        self._first = False

    def finish(self, summary: dict[str, int]) -> None:
        closing = "]" if self._first else "\n  ]"
        body = json.dumps(summary, indent=2).replace("\n", "\n  ")
        self.out.write(f'{closing},\n  "summary": {body}\n}}\n')


def github_data(text: str) -> str:
    """Escape a workflow command's message, as GitHub's runner decodes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """Escape a workflow command's property value (``file=``, ``title=``): also ``:`` and ``,``."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


class _GithubWriter(_Writer):
    """``::error`` workflow commands, one per error (GitHub shows them as annotations); valid: nothing."""

    def record(self, outcome: Outcome) -> None:
        where = f"file={github_property(outcome.file)}"
        if outcome.line is not None:
            where += f",line={outcome.line}"
        if isinstance(outcome.result, str):
            self.out.write(f"::error {where},title=invoicespec::{github_data(outcome.result)}\n")
            return
        for path, keyword, message in outcome.result:
            title = github_property(f"invoicespec {keyword}")
            text = github_data(f"{path or '(root)'}: {message}")
            self.out.write(f"::error {where},title={title}::{text}\n")

    def finish(self, summary: dict[str, int]) -> None:
        self.out.write(f"invoicespec {self.operation} {self.part}: {_summary_text(summary)}\n")


def _summary_text(summary: dict[str, int]) -> str:
    return (f"{summary['payloads']} payloads, {summary['valid']} valid, {summary['invalid']} invalid, "
            f"{summary['unreadable']} unreadable")


# Characters XML 1.0 cannot carry even escaped (controls, lone surrogates, U+FFFE/FFFF).
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """XML-safe, ASCII-only text: invalid characters spelled ``\\uXXXX``, the rest as character references.

    ASCII output is well-formed whatever the encoding of the stream it goes to.
    """
    text = _XML_INVALID.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _attr(text: str) -> str:
    return _xml_text(_xml_quoteattr(text))


class _Spool:
    """A text spool: in memory up to :data:`JUNIT_SPOOL_BYTES`, then a temporary file."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=JUNIT_SPOOL_BYTES, mode="w+", encoding="ascii")

    def copy_to(self, target: IO[str]) -> None:
        self.file.seek(0)
        shutil.copyfileobj(self.file, target)  # type: ignore[misc]
        self.file.close()


class _JunitWriter(_Writer):
    """JUnit XML: one ``<testsuite>`` per input file, one ``<testcase>`` per payload.

    An invalid payload is a ``<failure>`` listing every error with its pointer; an
    unreadable one an ``<error>``. Test cases spool per suite (the suite's header
    carries its counts), suites spool until the end (so does ``<testsuites>``).
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._classname = _attr(f"{self.operation}.{self.part}")
        self._suites = _Spool()
        self._cases: _Spool | None = None
        self._suite: tuple[int, str] | None = None
        self._counts = [0, 0, 0]  # tests, failures, errors of the current suite

    def _close_suite(self) -> None:
        if self._cases is None or self._suite is None:
            return
        tests, failures, errors = self._counts
        self._suites.file.write(
            f'  <testsuite name={_attr(self._suite[1])} tests="{tests}" failures="{failures}" '
            f'errors="{errors}" skipped="0">\n'
        )
        self._cases.copy_to(self._suites.file)  # type: ignore[arg-type]
        self._suites.file.write("  </testsuite>\n")
        self._cases = None

    def record(self, outcome: Outcome) -> None:
        if self._suite is None or self._suite[0] != outcome.source:
            self._close_suite()
            self._suite = (outcome.source, outcome.file)
            self._cases = _Spool()
            self._counts = [0, 0, 0]
        assert self._cases is not None
        self._counts[0] += 1
        case = f"    <testcase classname={self._classname} name={_attr(outcome.name)}"
        result = outcome.result
        if isinstance(result, str):
            self._counts[2] += 1
            case += (f">\n      <error message={_attr(result)} type=\"unreadable\">{_xml_text(_xml_escape(result))}"
                     "</error>\n    </testcase>\n")
        elif result:
            self._counts[1] += 1
            first = _error_line(result[0]) + (f" (and {len(result) - 1} more)" if len(result) > 1 else "")
            listing = "\n".join(_error_line(error) for error in result)
            case += (f">\n      <failure message={_attr(first)} type={_attr(result[0][1])}>"
                     f"{_xml_text(_xml_escape(listing))}</failure>\n    </testcase>\n")
        else:
            case += "/>\n"
        self._cases.file.write(case)

    def finish(self, summary: dict[str, int]) -> None:
        self._close_suite()
        failures, errors = summary["invalid"], summary["unreadable"]
        self.out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<testsuites name={_attr(f'invoicespec {self.operation} {self.part}')} tests=\"{summary['payloads']}\" "
            f'failures="{failures}" errors="{errors}">\n'
        )
        self._suites.copy_to(self.out)
        self.out.write("</testsuites>\n")


_WRITERS: dict[str, type[_Writer]] = {
    "text": _TextWriter, "json": _JsonWriter, "github": _GithubWriter, "junit": _JunitWriter,
}


# -- progress ----------------------------------------------------------------------------------


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def show_progress(*, enabled: bool, stderr_tty: bool, stdout_tty: bool, records: int, size: int) -> bool:
    """Whether to draw a progress bar on standard error.

    Only when asked (no ``--no-progress``), when standard error is a terminal and
    standard output is not (the records' own lines would tear a bar drawn on the
    same screen), and when the input is large: more than
    :data:`PROGRESS_MIN_RECORDS` payload files or more than
    :data:`PROGRESS_MIN_BYTES` bytes (JSON Lines count by their size, which is
    known without reading them).
    """
    large = records > PROGRESS_MIN_RECORDS or size > PROGRESS_MIN_BYTES
    return enabled and stderr_tty and not stdout_tty and large


class _BarSafe:
    """Standard error while a bar is drawn on it: each message clears the bar first."""

    def __init__(self, stream: TextIO, tqdm: Any) -> None:
        self._stream, self._tqdm = stream, tqdm
        self.encoding = getattr(stream, "encoding", None)

    def write(self, text: str) -> None:
        with self._tqdm.external_write_mode(file=self._stream):
            self._stream.write(text)


# -- the command -------------------------------------------------------------------------------


def run(
    checker: Validator,
    arguments: Sequence[str],
    *,
    output_format: str = "text",
    jobs: int = 1,
    stdin_jsonl: bool = False,
    progress: bool = True,
    out: TextIO,
    err: TextIO,
) -> int:
    """Validate every payload the arguments name against ``checker``; returns the exit status.

    0 when every payload is valid, 1 when some payload is invalid, 2 when some input
    could not be read (a missing file, a malformed JSON Lines line, a glob matching
    nothing): the other inputs are still checked.
    """
    sources = expand_inputs(arguments, text_plain=checker.media_type == "text/plain", stdin_jsonl=stdin_jsonl)
    records = sum(1 for source in sources if not source.jsonl and source.problem is None)
    sizes = [source.size for source in sources if source.problem is None]
    known = sum(size for size in sizes if size is not None)
    jobs = resolve_jobs(jobs)
    executor = _start_pool(checker, jobs) if jobs > 1 else None
    bar = None
    if show_progress(enabled=progress, stderr_tty=_isatty(err), stdout_tty=_isatty(out), records=records,
                     size=known):
        from tqdm import tqdm

        total = known if None not in sizes else None
        bar = tqdm(total=total, file=err, unit="B", unit_scale=True, unit_divisor=1024, leave=False,
                   desc="validating", dynamic_ncols=True)
        err = _BarSafe(err, tqdm)  # type: ignore[assignment]
    kind = _WRITERS[output_format]
    output = _Output(out, kind.errors)
    writer = kind(output, err, checker.operation, checker.part)  # type: ignore[arg-type]
    summary = {"payloads": 0, "valid": 0, "invalid": 0, "unreadable": 0}
    outcomes = _outcomes(sources, checker, executor, jobs)
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

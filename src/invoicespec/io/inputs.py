"""The inputs of a batch run: the command's arguments expanded into sources, and the records they hold.

An argument is a payload file, a folder (its payload files, recursively, sorted), a
glob pattern (expanded here, so that quoted patterns work in every shell), ``-``
(standard input) or a JSON Lines file; each becomes a :class:`Source`, or a problem
source that is reported in its place. The sources then stream *tasks*, one per
record: a file for the checker to read, one line of JSON Lines (read one line at a
time, never whole, so memory stays flat), standard input's text, or a problem.
"""

from __future__ import annotations

import codecs
import glob
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from invoicespec.io.files import MAX_DOCUMENT_BYTES, PayloadFileError, read_payload

__all__ = [
    "BLOCK_BYTES", "JSONL_SUFFIXES", "MAX_LINE_BYTES", "Meta", "Source", "Task", "block_records", "expand_inputs",
    "tasks_of",
]

#: Single payload files picked in directories (and .txt too for text/plain parts).
PAYLOAD_SUFFIXES = (".json", ".yaml", ".yml")
TEXT_SUFFIXES = (".txt",)
#: JSON Lines: one payload per line.
JSONL_SUFFIXES = (".jsonl", ".ndjson")

#: A JSON Lines line longer than this is reported (and skipped) rather than read: one runaway line
#: must not undo the flat memory of streaming. 64 MiB is far above any real API payload.
MAX_LINE_BYTES = 64 * 1024 * 1024
#: JSON Lines are read, and handed to worker processes, in blocks of whole lines of about this size: large
#: enough that messaging costs little next to checking its records, small enough to keep every worker busy.
BLOCK_BYTES = 128 * 1024

#: A record to check: ``("file", path)``, ``("line", bytes)``, ``("text", text)`` or ``("problem", message)``; or
#: a block of JSON Lines records, ``("block", (number of its first line, bytes))``.
Task = tuple[str, Any]


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


# -- records -------------------------------------------------------------------------------------


class Meta(NamedTuple):
    """Where a record comes from: kept in the parent while its task is checked."""

    source: int  # index of its source, so that outputs can group records by input file
    file: str
    line: int | None  # the line of a JSON Lines record, else None
    weight: int  # bytes it accounts for, for the progress bar


def _blocks(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None, int]]:
    """``(number of its first line, its bytes, the bytes of the stream it stands for)`` per block of whole lines
    of a JSON Lines stream, read a block at a time (the stream's last line may lack its ending). A line growing
    past :data:`MAX_LINE_BYTES` is never held whole: the rest of it is skipped in pieces, and it comes alone, as
    ``(number, None, size)``."""
    read = getattr(stream, "read1", stream.read)  # what is there: a pipe's records are checked as they come
    number, pending = 1, b""
    while True:
        piece = read(BLOCK_BYTES)
        if not piece:
            if pending:
                yield number, pending, len(pending)
            return
        data = pending + piece if pending else piece
        cut = data.rfind(b"\n") + 1
        if not cut:
            if len(data) <= MAX_LINE_BYTES:
                pending = data
                continue
            yield number, None, len(data) + _skip_line(stream)
            number, pending = number + 1, b""
            continue
        yield number, data[:cut], cut
        number += data.count(b"\n", 0, cut)
        pending = data[cut:]


def _skip_line(stream: IO[bytes]) -> int:
    """Read past the rest of a line, a bounded piece at a time; the bytes it had."""
    skipped = 0
    while True:
        piece = stream.readline(1024 * 1024)
        skipped += len(piece)
        if not piece or piece.endswith(b"\n"):
            return skipped


def _too_long() -> Task:
    limit = f"{MAX_LINE_BYTES // (1024 * 1024)} MiB" if MAX_LINE_BYTES >= 1024 * 1024 else f"{MAX_LINE_BYTES} bytes"
    return "problem", f"the line is longer than {limit}: not read"


def block_records(first: int, block: bytes) -> Iterator[tuple[int, int, Task]]:
    """``(line number, bytes, task)`` per record of a block of JSON Lines whose first line is ``first``.

    Blank lines are skipped (their bytes count towards the block's next record). A line over
    :data:`MAX_LINE_BYTES` is reported, not read. A byte order mark is skipped on the stream's first line.
    """
    lines = block.split(b"\n")
    if not lines[-1]:  # the block ends with a line ending
        lines.pop()
    last = len(lines) - 1
    unended = not block.endswith(b"\n")
    carried = 0
    for offset, raw in enumerate(lines):
        weight = carried + len(raw) + (not (unended and offset == last))
        carried = 0
        if len(raw) > MAX_LINE_BYTES:
            yield first + offset, weight, _too_long()
            continue
        if raw.endswith(b"\r"):  # without its line ending, so that a parse error's column is all the position
            raw = raw[:-1]
        if first + offset == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        if not raw.strip():
            carried = weight
            continue
        yield first + offset, weight, ("line", raw)


def _source_tasks(index: int, source: Source, max_bytes: int, blocks: bool) -> Iterator[tuple[Meta, Task]]:
    if source.problem is not None:
        yield Meta(index, source.name, None, 0), ("problem", source.problem)
        return
    if not source.jsonl:
        if source.path is not None:  # the worker reads the file itself: reading is work too
            yield Meta(index, source.name, None, source.size or 0), ("file", source.path)
            return
        try:  # standard input is the parent's: read it here
            text = read_payload("-", as_text=True, max_bytes=max_bytes)
        except PayloadFileError as error:
            yield Meta(index, source.name, None, 0), ("problem", str(error))
            return
        yield Meta(index, source.name, None, len(text)), ("text", text)
        return
    if source.path is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            yield Meta(index, source.name, None, 0), ("problem", "standard input cannot be read")
            return
        yield from _stream_tasks(index, source.name, stream, blocks)
        return
    try:
        handle = open(source.path, "rb", buffering=1024 * 1024)
    except FileNotFoundError:
        yield Meta(index, source.name, None, 0), ("problem", "no such file")
        return
    except OSError as error:
        yield Meta(index, source.name, None, 0), ("problem", f"cannot be read: {error.strerror or error}")
        return
    with handle:
        yield from _stream_tasks(index, source.name, handle, blocks)


def _stream_tasks(index: int, name: str, stream: IO[bytes], blocks: bool) -> Iterator[tuple[Meta, Task]]:
    read = _blocks(stream)
    first, block = 0, None  # as if a runaway line 0 came before the first block
    while True:
        try:
            first, block, size = next(read)
        except StopIteration:
            return
        except OSError as error:  # a read failing midway (a disk or network error): the rest is lost
            following = first + (1 if block is None else max(block.count(b"\n"), 1))  # the line after the last
            yield Meta(index, name, following, 0), ("problem", f"cannot be read: {error.strerror or error}")
            return
        if block is None:
            yield Meta(index, name, first, size), _too_long()
        elif blocks:
            yield Meta(index, name, first, size), ("block", (first, block))
        else:
            for number, weight, task in block_records(first, block):
                yield Meta(index, name, number, weight), task


def tasks_of(
    sources: Sequence[Source], max_bytes: int = MAX_DOCUMENT_BYTES, blocks: bool = False,
) -> Iterator[tuple[Meta, Task]]:
    """Every source's tasks, in order; standard input (read here) refused past ``max_bytes``.

    ``blocks``: a JSON Lines source gives a task per block of lines, ``("block", (first line, bytes))``, that
    :func:`block_records` turns into its records where it is checked; else a task per record.
    """
    for index, source in enumerate(sources):
        yield from _source_tasks(index, source, max_bytes, blocks)

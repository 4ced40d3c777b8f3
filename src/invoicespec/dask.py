"""Validate JSON Lines datasets with Dask: a verdict per record and a summary of the errors.

    import invoicespec.dask as isd

    checked = isd.verdicts("data/debts-*.jsonl", "getbill.create_debt")   # a dask.bag.Bag, lazy
    isd.summary(checked)                  # {"total": ..., "valid": ..., "by_keyword": {...}, ...}
    checked.filter(lambda v: not v["valid"]).take(5)

Needs the ``dask`` extra (``pip install "invoicespec[dask]"``). The same calls run
on Dask's local schedulers and on a ``dask.distributed`` cluster: tasks carry the
operation and part names, never a compiled schema, and each worker process builds
its validator once (``invoicespec.validator`` caches it).

Each record's verdict is a dict ``{"source", "valid", "readable", "errors"}``:
``source`` is ``"FILE:LINE"`` (line numbers count from 1, blank lines included, and
are exact whatever the block size), ``readable`` is false for a line that is not
strict JSON (bad syntax, NaN, Infinity, duplicate keys, nesting deeper than 100,
non-UTF-8 bytes) and ``errors`` lists ``{"path", "keyword", "message"}`` dicts, as
:meth:`invoicespec.Error.to_dict` gives them. A line that cannot be read is one
verdict with a ``json`` error, never an exception that stops the computation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from os import PathLike, fspath
from typing import TYPE_CHECKING, Any, Literal, overload

try:
    import dask.bag as db
    import fsspec
    from dask.base import tokenize
    from dask.delayed import Delayed, delayed
    from dask.utils import parse_bytes
    from fsspec.core import OpenFile, get_fs_token_paths
    from fsspec.utils import infer_compression, read_block
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError('invoicespec.dask needs Dask: pip install "invoicespec[dask]"') from error

import invoicespec
from invoicespec.io.files import PayloadFileError, parse_json_bytes, parse_json_line

if TYPE_CHECKING:
    from invoicespec._contracts import Catalog

__all__ = ["DEFAULT_BLOCKSIZE", "summary", "verdicts"]

#: Bytes of a file per partition when ``blocksize`` is not given. Validation runs at
#: roughly 0.5 to 1 MB of JSON Lines per second per core, so 4 MiB is a few seconds of
#: work per task: enough to dwarf the scheduler's overhead, small enough to balance.
DEFAULT_BLOCKSIZE = "4 MiB"

_NEWLINE = b"\n"
_BOM = b"\xef\xbb\xbf"
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")  # RFC 6901 array indices: no leading zeros

Source = str | PathLike[str] | Sequence[str | PathLike[str]] | db.Bag


def verdicts(
    source: Source,
    operation: str,
    part: str = "request",
    *,
    blocksize: int | str | None = DEFAULT_BLOCKSIZE,
    compression: str | None = "infer",
    storage_options: dict[str, Any] | None = None,
    catalog: Catalog | None = None,
) -> db.Bag:
    """A lazy bag of one verdict per record of ``source`` as a ``part`` of ``operation``.

    ``source`` is a path, a glob (``"data/*.jsonl"``), a URL that fsspec reads
    (``"s3://bucket/debts/*.jsonl.gz"``) or a list of them, each file JSON Lines
    (one JSON value per line; blank lines are skipped but still counted for line
    numbers). Files are split into partitions of about ``blocksize`` bytes at line
    boundaries (``None``: one partition per file); compressed files (``compression``,
    inferred from the extension by default) are one partition each, as they cannot
    be split. ``storage_options`` go to fsspec (credentials, endpoints). ``catalog``: the one
    :func:`invoicespec.load_catalog` gave, for operations of your own (by default the shipped one).

    ``source`` may instead be a ``dask.bag.Bag``: its ``str`` (or ``bytes``) items are
    JSON text, one record each, as ``dask.bag.read_text`` gives them; any other item is
    a payload already parsed. A bag's records have the source
    ``"partition-P:N"``: the N-th item (from 1) of ``bag.get_partition(P)``.

    Verdicts are dicts ``{"source", "valid", "readable", "errors"}`` in the order of
    the files and lines (or of the bag). Mistakes fail here, not at compute time:
    unknown names raise ``UnknownOperation``/``UnknownPart``, a path that matches no
    file ``FileNotFoundError``, a bad ``blocksize`` or ``compression`` ``ValueError``.
    """
    _validator(catalog, operation, part)  # unknown names fail now, with the library's message
    if isinstance(source, db.Bag):
        return _bag_verdicts(source, operation, part, catalog)
    return _file_verdicts(source, operation, part, _block_bytes(blocksize), _compression(compression),
                          storage_options or {}, catalog)


def _validator(catalog: Catalog | None, operation: str, part: str) -> invoicespec.Validator:
    """The validator of the shipped catalog, or of ``catalog`` (it pickles by its folders: workers load it once)."""
    return invoicespec.validator(operation, part) if catalog is None else catalog.validator(operation, part)


@overload
def summary(checked: db.Bag, *, compute: Literal[True] = ...) -> dict[str, Any]: ...


@overload
def summary(checked: db.Bag, *, compute: Literal[False]) -> db.Item: ...


def summary(checked: db.Bag, *, compute: bool = True) -> dict[str, Any] | db.Item:
    """Counts of a bag of verdicts, computed as a Dask reduction (verdicts are never collected).

    Returns ``{"total", "valid", "invalid", "unreadable", "errors", "by_keyword",
    "by_path", "samples"}``: records in all, valid ones, readable ones with errors,
    unreadable lines (so ``total = valid + invalid + unreadable``), errors in all;
    errors per keyword (most frequent first); errors per path pattern and keyword,
    array indices written ``*`` (``[{"path": "/invoice_lines/*/vat_rate", "keyword":
    "enum", "count": 3}, ...]``, most frequent first); and for each keyword its first
    error in the bag's order (``{"source", "path", "keyword", "message"}``). The result
    is JSON-ready and the same on every scheduler.

    With ``compute=False`` it returns a lazy ``dask.bag.Item``, to compute together
    with other results of the same verdicts in one pass:
    ``dask.compute(summary(checked, compute=False), checked.filter(...))``.
    """
    if not isinstance(checked, db.Bag):
        raise TypeError(f"summary() takes the bag that verdicts() returns, not {type(checked).__name__}")
    lazy: db.Item = checked.reduction(_summarize, _merge, name="invoicespec-summary").apply(_finish_summary)
    if compute:
        counts: dict[str, Any] = lazy.compute()
        return counts
    return lazy


# -- files -------------------------------------------------------------------------------------------


def _block_bytes(blocksize: int | str | None) -> int | None:
    if blocksize is None:
        return None
    try:
        size = parse_bytes(blocksize) if isinstance(blocksize, str) else blocksize
    except (ValueError, TypeError):
        size = None
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ValueError(f"blocksize must be a positive number of bytes (like 4000000 or '4 MiB') "
                         f"or None, not {blocksize!r}")
    return size


def _compression(compression: str | None) -> str | None:
    known = [name for name in fsspec.available_compressions() if name]
    if compression is not None and compression != "infer" and compression not in known:
        raise ValueError(f"unknown compression {compression!r}: use 'infer', None or one of {', '.join(known)}")
    return compression


def _paths(source: Any, storage_options: dict[str, Any]) -> tuple[Any, str, list[str]]:
    """The filesystem, its token and the files ``source`` names, globs expanded, each once."""
    if isinstance(source, str | PathLike):
        urls = [fspath(source)]
    elif isinstance(source, Sequence) and source and all(isinstance(item, str | PathLike) for item in source):
        urls = [fspath(item) for item in source]
    else:
        raise TypeError("verdicts() reads a path, a glob, a URL or a non-empty list of them, or a dask.bag.Bag; "
                        f"got {type(source).__name__}")
    fs, fs_token, paths = get_fs_token_paths(urls, mode="rb", storage_options=storage_options)
    if not paths:
        raise FileNotFoundError(f"no file matches {' '.join(urls)}")
    return fs, fs_token, list(dict.fromkeys(paths))  # overlapping globs would count records twice


def _file_verdicts(
    source: Any, operation: str, part: str, blocksize: int | None, compression: str | None,
    storage_options: dict[str, Any], catalog: Catalog | None,
) -> db.Bag:
    fs, fs_token, paths = _paths(source, storage_options)
    local = bool({"file", "local"} & set(fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,)))
    check = delayed(_check_block, pure=True)
    count = delayed(_count_newlines, pure=True)
    starts = delayed(_line_starts, pure=True)
    partitions: list[Delayed] = []
    for path in paths:
        try:
            size = fs.info(path)["size"]
            ukey = fs.ukey(path)
        except FileNotFoundError:
            raise FileNotFoundError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise IsADirectoryError(f"is a directory, not a JSON Lines file: {path}") from None
        name = path if local else fs.unstrip_protocol(path)
        comp = infer_compression(path) if compression == "infer" else compression
        blocks = _blocks(size, None if comp else blocksize)
        token = tokenize(fs_token, path, ukey, comp, blocks, operation, part, _folders(catalog))

        file = OpenFile(fs, path, mode="rb", compression=comp)  # holds no handle until a task opens it
        # Line numbers without reading twice what matters: when a file is split, a cheap
        # first pass counts the newlines of each block (bytes.count runs at GB/s, validation
        # at MB/s) so that every block knows its first line number; validation tasks then
        # stream and reduce freely, with no barrier holding verdicts in memory.
        firsts = None
        if len(blocks) > 1:
            counts = [count(file, offset, length, dask_key_name=f"invoicespec-newlines-{index}-{token}")
                      for index, (offset, length) in enumerate(blocks[:-1])]
            firsts = starts(*counts, dask_key_name=f"invoicespec-line-starts-{token}")
        partitions.extend(
            check(file, name, offset, length, firsts, index, operation, part, catalog,
                  dask_key_name=f"invoicespec-verdicts-{index}-{token}")
            for index, (offset, length) in enumerate(blocks)
        )
    bag: db.Bag = db.from_delayed(partitions)
    return bag


def _blocks(size: int | None, blocksize: int | None) -> list[tuple[int, int | None]]:
    """(offset, length) of each block; ``length`` None reads to the end of the file."""
    if blocksize is None or size is None or size <= blocksize:
        return [(0, None)]
    count = size // blocksize
    offsets = [size * index // count for index in range(count)] + [size]
    return [(start, end - start) for start, end in zip(offsets, offsets[1:])]


def _read(file: OpenFile, offset: int, length: int | None) -> bytes:
    # read_block moves both ends to just after a newline (except the file's start and
    # end), so the blocks of one file hold every line exactly once.
    with file as handle:
        block: bytes = read_block(handle, offset, length, _NEWLINE)
        return block


def _count_newlines(file: OpenFile, offset: int, length: int | None) -> int:
    return _read(file, offset, length).count(_NEWLINE)


def _line_starts(*counts: int) -> list[int]:
    """The first line number of each block, given the newlines of every block but the last."""
    firsts = [1]
    for count in counts:
        firsts.append(firsts[-1] + count)
    return firsts


def _check_block(
    file: OpenFile, name: str, offset: int, length: int | None, firsts: list[int] | None, index: int,
    operation: str, part: str, catalog: Catalog | None = None,
) -> list[dict[str, Any]]:
    data = _read(file, offset, length)
    if offset == 0 and data.startswith(_BOM):
        data = data[len(_BOM):]
    validator = _validator(catalog, operation, part)  # cached per process: compiled once per worker
    first = firsts[index] if firsts is not None else 1
    return [
        _verdict(validator, f"{name}:{number}", line)
        for number, line in enumerate(data.split(_NEWLINE), start=first)
        if line.strip()  # blank lines (and the split after the last newline) are not records
    ]


# -- bags --------------------------------------------------------------------------------------------


def _folders(catalog: Catalog | None) -> tuple[str, ...]:
    return () if catalog is None else catalog.folders


def _bag_verdicts(bag: db.Bag, operation: str, part: str, catalog: Catalog | None = None) -> db.Bag:
    check = delayed(_check_items, pure=True)
    partitions: list[Delayed] = bag.to_delayed(optimize_graph=True)
    checked: db.Bag = db.from_delayed([
        check(items, index, operation, part, catalog, dask_key_name=f"invoicespec-verdicts-{index}-"
              f"{tokenize(bag.name, operation, part, _folders(catalog))}")
        for index, items in enumerate(partitions)
    ])
    return checked


def _check_items(
    items: Iterable[Any], index: int, operation: str, part: str, catalog: Catalog | None = None,
) -> list[dict[str, Any]]:
    validator = _validator(catalog, operation, part)
    found = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, str | bytes | bytearray) and not item.strip():
            continue  # a blank line of read_text, as blank lines of files
        found.append(_verdict(validator, f"partition-{index}:{number}", item))
    return found


# -- one record --------------------------------------------------------------------------------------


def _verdict(validator: invoicespec.Validator, source: str, record: Any) -> dict[str, Any]:
    """The verdict on one record: JSON text (``str`` or ``bytes``) or a parsed payload."""
    if isinstance(record, bytes | bytearray):
        try:
            record = parse_json_bytes(record)  # orjson where it reads the line as the strict parser would
        except PayloadFileError as error:
            try:
                bytes(record).decode("utf-8")
            except UnicodeDecodeError as undecoded:
                return _unreadable(source, f"not UTF-8 text (byte {undecoded.start + 1} of the line)")
            return _unreadable(source, str(error))
    elif isinstance(record, str):
        try:
            record = parse_json_line(record)
        except PayloadFileError as error:
            return _unreadable(source, str(error))
    errors = [error.to_dict() for error in validator.errors(record)]
    return {"source": source, "valid": not errors, "readable": True, "errors": errors}


def _unreadable(source: str, message: str) -> dict[str, Any]:
    return {"source": source, "valid": False, "readable": False,
            "errors": [{"path": "", "keyword": "json", "message": message}]}


# -- the summary -------------------------------------------------------------------------------------


def _path_pattern(pointer: str) -> str:
    """A JSON Pointer with its array indices written ``*``: ``/items/3/name`` -> ``/items/*/name``.

    Any segment that is a canonical array index counts, so an object key such as
    ``"12"`` becomes ``*`` too (rare in these schemas, and harmless for counting).
    """
    return "/".join("*" if _ARRAY_INDEX.fullmatch(segment) else segment for segment in pointer.split("/"))


def _summarize(checked: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The partial summary of one partition (counters, and the first error of each keyword)."""
    partial = _empty()
    for verdict in checked:
        partial["total"] += 1
        if verdict["valid"]:
            partial["valid"] += 1
            continue
        partial["unreadable" if not verdict["readable"] else "invalid"] += 1
        for error in verdict["errors"]:
            keyword = error["keyword"]
            partial["by_keyword"][keyword] += 1
            partial["by_path"][(_path_pattern(error["path"]), keyword)] += 1
            if keyword not in partial["samples"]:
                partial["samples"][keyword] = {"source": verdict["source"], **error}
    return partial


def _merge(partials: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Partial summaries merged; Dask passes them in partition order, so samples stay the first."""
    merged = _empty()
    for partial in partials:
        for key in ("total", "valid", "invalid", "unreadable"):
            merged[key] += partial[key]
        merged["by_keyword"].update(partial["by_keyword"])
        merged["by_path"].update(partial["by_path"])
        for keyword, sample in partial["samples"].items():
            merged["samples"].setdefault(keyword, sample)
    return merged


def _empty() -> dict[str, Any]:
    return {"total": 0, "valid": 0, "invalid": 0, "unreadable": 0,
            "by_keyword": Counter(), "by_path": Counter(), "samples": {}}


def _finish_summary(merged: dict[str, Any]) -> dict[str, Any]:
    by_keyword = sorted(merged["by_keyword"].items(), key=lambda item: (-item[1], item[0]))
    by_path = sorted(merged["by_path"].items(), key=lambda item: (-item[1], item[0]))
    return {
        "total": merged["total"],
        "valid": merged["valid"],
        "invalid": merged["invalid"],
        "unreadable": merged["unreadable"],
        "errors": sum(merged["by_keyword"].values()),
        "by_keyword": dict(by_keyword),
        "by_path": [{"path": path, "keyword": keyword, "count": count} for (path, keyword), count in by_path],
        "samples": [merged["samples"][keyword] for keyword, _ in by_keyword],
    }

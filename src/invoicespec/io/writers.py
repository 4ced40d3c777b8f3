"""The writers of a batch run: each turns outcomes into one output format as they arrive.

``text`` (one line per payload, then its errors), ``json`` (one document, written
incrementally), ``github`` (workflow command annotations) and ``junit`` (XML; each
suite spooled to a temporary file past :data:`JUNIT_SPOOL_BYTES`, since its header
carries counts known only at the end). No writer keeps the results.
"""

from __future__ import annotations

import codecs
import json
import re
import shutil
import tempfile
from typing import IO, TYPE_CHECKING, Any, TextIO

from invoicespec._errors import error_count, error_line
from invoicespec.io.progress import isatty
from invoicespec.rules.display import printable

if TYPE_CHECKING:
    from invoicespec.io.batch import Outcome

__all__ = [
    "FORMATS", "JUNIT_SPOOL_BYTES", "MAX_LISTED_ERRORS", "WRITERS", "Output", "Writer", "github_data",
    "github_property",
]

#: The output formats, as ``--format`` names them.
FORMATS = ("text", "json", "github", "junit")
#: A JUnit suite's test cases stay in memory up to this size, then spill to a temporary file.
JUNIT_SPOOL_BYTES = 1024 * 1024
#: The most errors any report lists for one payload (the count stays exact): a payload with 300,000 wrong
#: items must not print 300,000 lines.
MAX_LISTED_ERRORS = 100


def _more(errors: tuple[Any, ...], listed: str = "shown") -> str:
    """What a report says after the errors it listed: how many more there are."""
    return f"... and {len(errors) - MAX_LISTED_ERRORS:,} more errors (not {listed})"


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: what the stream cannot encode, as JSON ``\\uXXXX`` escapes (pairs above U+FFFF).

    Only strings can hold such characters in the JSON output, and there a ``\\u``
    escape is the same JSON value: the document stays valid whatever the stream's
    encoding, and a lone surrogate quoted from a payload survives.
    """
    if not isinstance(error, UnicodeEncodeError):  # registered for encoding only
        raise error
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


class Output:
    """An output stream written in large pieces: one system call per 64 KiB, not one per record.

    (Standard output may be unbuffered: ``PYTHONUNBUFFERED``, ``-u``.) On a terminal
    each piece is written at once, so that people see records as they are checked.
    """

    def __init__(self, stream: TextIO, errors: str = "backslashreplace") -> None:
        self.stream, self.errors = stream, errors
        self.encoding = getattr(stream, "encoding", None)
        self._limit = 0 if isatty(stream) else 64 * 1024
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


class Writer:
    """Turns outcomes into one output format as they arrive; ``finish`` closes the document."""

    errors = "backslashreplace"  # how ``out`` escapes what its encoding cannot carry

    def __init__(self, out: TextIO, err: TextIO, operation: str, part: str, *, quiet: bool = False) -> None:
        self.out, self.err, self.operation, self.part = out, err, operation, part
        self.quiet = quiet  # the text format's valid lines left out

    def record(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def finish(self, summary: dict[str, int]) -> None:
        """Nothing to close by default."""


class _TextWriter(Writer):
    """``FILE: valid`` / ``FILE: invalid (N errors)`` and the errors; unreadable inputs on stderr."""

    def record(self, outcome: Outcome) -> None:
        result = outcome.result
        name = printable(outcome.name)
        if isinstance(result, str):
            _write(self.err, f"{name}: {printable(result)}\n")
        elif result:
            lines = [f"{name}: invalid ({error_count(result)})"]
            lines += [f"  {_error_line(e)}" for e in result[:MAX_LISTED_ERRORS]]
            if len(result) > MAX_LISTED_ERRORS:
                lines.append(f"  {_more(result)}")
            self.out.write("\n".join(lines) + "\n")
        elif not self.quiet:
            self.out.write(f"{name}: valid\n")


_quote = json.encoder.encode_basestring  # the C one: json.dumps(s, ensure_ascii=False)


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
            for path, keyword, message in result[:MAX_LISTED_ERRORS]
        )
        count = (f',\n      "error_count": {len(result)},\n      "truncated": true'
                 if len(result) > MAX_LISTED_ERRORS else "")
        parts.append(f'      "valid": false,\n      "errors": [\n{errors}\n      ]{count}\n    }}')
    return "".join(parts)


class _JsonWriter(Writer):
    """One JSON document, ``{operation, part, results: [...], summary}``, written a result at a time.

    The bytes are those ``json.dump(document, indent=2, ensure_ascii=False)`` would
    write for the whole document, without holding it.
    """

    errors = "invoicespec.json"

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
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


class _GithubWriter(Writer):
    """``::error`` workflow commands, one per error (GitHub shows them as annotations); valid: nothing."""

    def record(self, outcome: Outcome) -> None:
        where = f"file={github_property(printable(outcome.file))}"
        if isinstance(outcome.result, str):
            self.out.write(f"::error {where}{_position(outcome.line, outcome.result)},title=invoicespec::"
                           f"{github_data(printable(outcome.result))}\n")
            return
        if outcome.line is not None:
            where += f",line={outcome.line}"
        for path, keyword, message in outcome.result[:MAX_LISTED_ERRORS]:
            title = github_property(f"invoicespec {keyword}")
            text = github_data(printable(f"{path or '(root)'}: {message}"))
            self.out.write(f"::error {where},title={title}::{text}\n")
        if len(outcome.result) > MAX_LISTED_ERRORS:
            self.out.write(f"::error {where},title=invoicespec::{_more(outcome.result)}\n")

    def finish(self, summary: dict[str, int]) -> None:
        self.out.write(f"invoicespec {self.operation} {self.part}: {_summary_text(summary)}\n")


# Where a reader's message places a problem: "(line 3, column 5)" in a file, "(column 5)" in a JSON Lines line.
_PROBLEM_AT = re.compile(r"\((?:line (\d+), )?column (\d+)\)")


def _position(line: int | None, problem: str) -> str:
    """``,line=N,col=M`` of an unreadable input, for the annotation to land where its message says."""
    found = _PROBLEM_AT.search(problem)
    if found is not None and line is None:
        line = int(found.group(1)) if found.group(1) else None
    position = "" if line is None else f",line={line}"
    if found is not None and line is not None:
        position += f",col={found.group(2)}"
    return position


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
    from xml.sax.saxutils import quoteattr  # only JUnit needs it (it imports urllib, http and ssl)

    return _xml_text(quoteattr(text))


def _xml_escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


class _Spool:
    """A text spool: in memory up to :data:`JUNIT_SPOOL_BYTES`, then a temporary file."""

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=JUNIT_SPOOL_BYTES, mode="w+", encoding="ascii")

    def copy_to(self, target: IO[str]) -> None:
        self.file.seek(0)
        shutil.copyfileobj(self.file, target)
        self.file.close()


class _JunitWriter(Writer):
    """JUnit XML: one ``<testsuite>`` per input file, one ``<testcase>`` per payload.

    An invalid payload is a ``<failure>`` listing every error with its pointer; an
    unreadable one an ``<error>``. Test cases spool per suite (the suite's header
    carries its counts), suites spool until the end (so does ``<testsuites>``).
    """

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
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
        self._cases.copy_to(self._suites.file)
        self._suites.file.write("  </testsuite>\n")
        self._cases = None

    def record(self, outcome: Outcome) -> None:
        if self._suite is None or self._suite[0] != outcome.source:
            self._close_suite()
            self._suite = (outcome.source, printable(outcome.file))
            self._cases = _Spool()
            self._counts = [0, 0, 0]
        assert self._cases is not None
        self._counts[0] += 1
        case = f"    <testcase classname={self._classname} name={_attr(printable(outcome.name))}"
        result = outcome.result
        if isinstance(result, str):
            self._counts[2] += 1
            result = printable(result)
            case += (f">\n      <error message={_attr(result)} type=\"unreadable\">{_xml_text(_xml_escape(result))}"
                     "</error>\n    </testcase>\n")
        elif result:
            self._counts[1] += 1
            first = _error_line(result[0]) + (f" (and {len(result) - 1} more)" if len(result) > 1 else "")
            listing = "\n".join(_error_line(error) for error in result[:MAX_LISTED_ERRORS])
            if len(result) > MAX_LISTED_ERRORS:
                listing += "\n" + _more(result, "listed")
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


WRITERS: dict[str, type[Writer]] = {
    "text": _TextWriter, "json": _JsonWriter, "github": _GithubWriter, "junit": _JunitWriter,
}

"""Reading payload files (JSON or YAML) strictly, with a clear message for every failure.

``json.loads`` accepts ``NaN`` and ``Infinity``, turns ``1e400`` into ``inf``,
keeps the last of two duplicate keys and raises ``RecursionError`` on deep
nesting; all of those become a :class:`PayloadFileError` here. YAML goes
through the bounded, JSON-only loader of ``_yaml``.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import orjson

from invoicespec.io.yaml_loader import EMPTY_DOCUMENT, MAX_DEPTH, YAMLError, integer_too_long, load_untrusted

__all__ = [
    "MAX_DOCUMENT_BYTES", "PayloadFileError", "parse_json", "parse_json_bytes", "parse_json_line", "parse_text",
    "read_payload", "too_large",
]


#: A payload file (or standard input) larger than this is refused unread (``--max-bytes``): an API payload is
#: kilobytes, and /dev/zero or a runaway pipe must not be read until memory runs out.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


def too_large(limit: int) -> str:
    """Why an input over ``limit`` bytes is not read."""
    size = f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit:,} bytes"
    return f"is larger than {size} (--max-bytes): not read"


class PayloadFileError(ValueError):
    """A payload file that cannot be read as JSON data; the text says why."""


def _no_constant(name: str) -> Any:
    raise PayloadFileError(f"{name} is not valid JSON: only finite numbers are allowed")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise PayloadFileError(f"the number {text[:30]} is too large to be represented")
    return value


def _readable_int(text: str) -> int:
    problem = integer_too_long(text)
    if problem is not None:
        raise PayloadFileError(f"not valid JSON: {problem}")
    return int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PayloadFileError(f"duplicate key {key[:60]!r} in an object")
        result[key] = value
    return result


def _too_deep(text: str | bytes | bytearray, value: Any) -> bool:
    """Whether ``value``, read from ``text``, nests more than :data:`MAX_DEPTH` levels deep: only a text that
    opens more arrays and objects than that can, so nearly every value is never walked."""
    if isinstance(text, str):
        openings = text.count("[") + text.count("{")
    else:
        openings = text.count(b"[") + text.count(b"{")
    if openings <= MAX_DEPTH:
        return False
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def parse_json(text: str) -> Any:
    """Parse JSON text strictly: no NaN/Infinity, no overflow, no duplicate keys, bounded depth.

    The depth bound is the YAML reader's (100 levels), whatever the Python version's
    own JSON parser tolerates (3.13 reads thousands of levels, 3.11 fewer).
    """
    try:
        value = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite_float, object_pairs_hook=_unique_keys
        )
    except json.JSONDecodeError as error:
        raise PayloadFileError(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise PayloadFileError(f"the document is nested more than {MAX_DEPTH} levels deep") from None
    except PayloadFileError:
        raise
    except ValueError as error:
        # An integer with more digits than Python converts: read again, checking each integer's text (only
        # now: a hook on every integer would slow every valid document), to say so in the payload's words.
        try:
            json.loads(text, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_readable_int,
                       object_pairs_hook=_unique_keys)
        except PayloadFileError:
            raise
        except (ValueError, RecursionError):
            pass
        raise PayloadFileError(f"not valid JSON: {str(error)[:200]}") from None
    if _too_deep(text, value):
        raise PayloadFileError(f"the document is nested more than {MAX_DEPTH} levels deep")
    return value


# Integers orjson reads as floats, where the exact parser keeps them exact: those of 20 digits or more, and those
# of 19 below -2**63 (every 19-digit one above fits its unsigned 64 bits). Found in C: every digit made "9", signs
# made "-", points and exponent marks kept, all else a space; then, only in a text with a run of 19 digits, a run
# no point touches and no exponent mark follows (the digits of a float's mantissa, which both parsers round alike,
# are left to orjson; an exponent's go to the exact parser, as a signed run or a long one).
_NUMBER_SHAPES = bytes(
    ord("9") if chr(byte).isdigit() and byte < 128 else ord("-") if chr(byte) in "+-" else byte if chr(byte) in ".eE"
    else ord(" ")
    for byte in range(256)
)
_LONG_DIGITS = b"9" * 19
_WIDE_INTEGER = re.compile(rb"(?<![.9])(?:-9{19}|9{20,})(?![.9eE])")
_LOWEST_INT64 = b"-9223372036854775808"  # of 20 characters, like every run of -9{19}: compared as text
_ESCAPED_COLONS = (b"\\u003a", b"\\u003A")


def _wide_integer(raw: bytes | bytearray) -> bool:
    """Whether ``raw`` may hold an integer orjson does not read exactly (strings and exponents may say yes)."""
    shapes = raw.translate(_NUMBER_SHAPES)
    if _LONG_DIGITS not in shapes:
        return False
    for found in _WIDE_INTEGER.finditer(shapes):
        start, end = found.span()
        if raw[start] != ord("-") or raw[start:end] > _LOWEST_INT64:  # a long run, or a sign that is no minus
            return True
    return False


def _quick(raw: bytes | bytearray) -> tuple[bool, Any]:
    """``(True, value)`` when orjson reads ``raw`` as :func:`parse_json` would, else ``(False, None)``.

    orjson refuses what the exact parser refuses (NaN, Infinity, numbers too large for a float, invalid UTF-8,
    trailing commas), and more (a lone surrogate escape, nesting past 1,024 levels), which the exact parser
    then decides. It keeps the last of duplicate keys silently; a value read without any has exactly as many
    colons, written out again, as the text has plus its escaped ones (the colons of keys, and those inside
    strings): with one, the keys it dropped are missing. Where that count or the nesting cannot be told
    cheaply, the exact parser decides too.
    """
    if _wide_integer(raw):
        return False, None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False, None
    colons = raw.count(b":") + sum(raw.count(escaped) for escaped in _ESCAPED_COLONS)
    if colons != orjson.dumps(value).count(b":"):
        return False, None
    if _too_deep(raw, value):
        return False, None
    return True, value


def parse_json_bytes(raw: bytes | bytearray) -> Any:
    """:func:`parse_json_line` of UTF-8 bytes: orjson where it reads them exactly as :func:`parse_json`
    would (batches of JSON Lines spend most of their time parsing), else the exact parser, for its
    message or its answer."""
    read, value = _quick(raw)
    if read:
        return value
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadFileError(f"is not UTF-8 text (byte {error.start})") from None
    return parse_json_line(text)


_FIRST_LINE = re.compile(r"\(line 1, column (\d+)\)$")


def parse_json_line(text: str) -> Any:
    """Parse one record of a JSON Lines file as :func:`parse_json` does.

    Positions in its messages are columns of that line: the line's own number is
    the caller's to give (``FILE:LINE``), and "line 1" would only mislead.
    """
    try:
        return parse_json(text)
    except PayloadFileError as error:
        message = str(error)
        if "\n" not in text.strip():  # text holding several lines keeps its line numbers
            message = _FIRST_LINE.sub(r"(column \1)", message)
        raise PayloadFileError(message) from None


def parse_text(text: str, name: str = "") -> Any:
    """Parse a payload: by extension when ``name`` has one, else JSON first and YAML second.

    A document with no value (empty, blank, only YAML comments) is refused in every format.
    """
    if not text.strip(" \t\r\n"):  # JSON's whitespace
        raise PayloadFileError(EMPTY_DOCUMENT)
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return parse_json(text)
    if suffix in (".yaml", ".yml"):
        try:
            return load_untrusted(text)
        except YAMLError as error:
            raise PayloadFileError(str(error)) from None
    try:
        return parse_json(text)
    except PayloadFileError as as_json:
        stripped = text.lstrip()
        if stripped.startswith(("{", "[", '"')) or not stripped:
            raise
        try:
            return load_untrusted(text)
        except YAMLError as as_yaml:
            if str(as_yaml) == EMPTY_DOCUMENT:  # only comments: YAML says more than JSON's "expecting value"
                raise PayloadFileError(EMPTY_DOCUMENT) from None
            raise as_json from None


def read_payload(name: str, *, as_text: bool = False, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """Read and parse one payload file (``-`` is standard input).

    With ``as_text`` (parts whose media type is ``text/plain``), the payload is the
    file's text itself, as one string. More than ``max_bytes`` is refused, having read
    no more than one byte past the limit.
    """
    try:
        if name == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise PayloadFileError("no such file") from None
    except IsADirectoryError:
        raise PayloadFileError("is a directory, not a file") from None
    except OSError as error:
        raise PayloadFileError(f"cannot be read: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise PayloadFileError(too_large(max_bytes))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PayloadFileError(f"is not UTF-8 text (byte {error.start})") from None
    if as_text:
        return text
    return parse_text(text, "" if name == "-" else name)

"""ECMA-262 regular expressions, spelled so that every engine reads them alike.

JSON Schema patterns are ECMA-262 regular expressions, but the engines that run
them disagree on the shorthands: RE2's ``\\s`` is ASCII whitespace while ECMA's
includes the no-break space and the other Unicode spaces; RE2's ``.`` matches a
carriage return, ECMA's does not; Rust's ``\\d`` and ``\\w`` are Unicode, ECMA's
are ASCII. :func:`explicit` rewrites each shorthand as the explicit character
class ECMA-262 defines, so that the RE2 path and the jsonschema-rs fast path
give the same answer for every string. ``^`` and ``$`` need no rewriting: without
the multiline flag both engines anchor them at the very ends of the text (Python's
``re`` is the one that lets ``$`` match before a final newline, and it is not used).

Shorthands with no explicit spelling inside a character class (``[\\S]``,
``[\\W]``, ``[\\D]``) and word boundaries (``\\b``, ``\\B``, Unicode in Rust) are
refused with :class:`PatternError` when the schema loads.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["PatternError", "explicit", "ECMA_SPACE"]

#: ECMA-262 WhiteSpace and LineTerminator: what ``\\s`` matches.
ECMA_SPACE = (
    r"\t\n\x{0B}\x{0C}\r\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}"
)
_LINE_TERMINATORS = r"\n\r\x{2028}\x{2029}"

_OUTSIDE = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": "[A-Za-z0-9_]",
    "W": "[^A-Za-z0-9_]",
    "s": f"[{ECMA_SPACE}]",
    "S": f"[^{ECMA_SPACE}]",
}
_INSIDE = {"d": "0-9", "w": "A-Za-z0-9_", "s": ECMA_SPACE}


class PatternError(ValueError):
    """A pattern uses a construct the engines would read differently."""


@lru_cache(maxsize=None)  # patterns come from schemas: the cache is bounded by them
def explicit(pattern: str) -> str:
    """``pattern`` with ``\\d \\D \\w \\W \\s \\S`` and ``.`` written as ECMA-262's explicit classes."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            letter = pattern[index + 1]
            index += 2
            if letter in "bB":
                raise PatternError(f"\\{letter} (a word boundary) is not supported: engines disagree on it")
            if in_class:
                if letter in "DWS":
                    raise PatternError(f"\\{letter} inside a character class is not supported: write the class out")
                out.append(_INSIDE.get(letter, "\\" + letter))
            else:
                out.append(_OUTSIDE.get(letter, "\\" + letter))
            continue
        index += 1
        if in_class:
            if char == "]":
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if pattern.startswith("^", index):  # a leading ^ or ] is part of the class, not its end
                out.append("^")
                index += 1
            if pattern.startswith("]", index):
                out.append("\\]")
                index += 1
        elif char == ".":
            out.append(f"[^{_LINE_TERMINATORS}]")
        else:
            out.append(char)
    return "".join(out)

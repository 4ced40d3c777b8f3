"""A YAML loader that fits the JSON data model.

PyYAML's default resolvers follow YAML 1.1: ``NO`` becomes ``False`` (Norway),
``2024-01-01`` becomes a ``datetime.date``, ``0612345678`` is read as an octal
number and keys can be anything hashable. Here only the scalars JSON itself has
are resolved (the YAML 1.2 "JSON schema"): ``null``, ``true``/``false`` and
numbers in JSON's grammar. Everything else stays a string, keys are always
strings (their text as written), duplicate keys are an error, and only the
standard JSON-like tags are constructed.

Untrusted files (the CLI's input) are read with the pure-Python parser (libyaml
crashes the process on very deep nesting), with a bound on nesting depth and on
the size of the document once aliases are expanded (billion laughs).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Hashable, Iterator
from typing import Any, ClassVar

import yaml

__all__ = ["EMPTY_DOCUMENT", "YAMLError", "integer_too_long", "load_trusted", "load_untrusted"]

#: The deepest nesting an untrusted document may have.
MAX_DEPTH = 100
#: The most nodes an untrusted document may expand to, aliases counted each time used.
MAX_NODES = 1_000_000
#: What a document without a value (nothing, blanks, comments, a lone ``---``) is: a file that holds no payload,
#: not a null one (an explicit ``null`` or ``~`` is a payload).
EMPTY_DOCUMENT = "the document is empty"

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^-?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)$")

_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


class YAMLError(ValueError):
    """A YAML document that cannot be read as JSON data."""


class _JSONResolver(yaml.resolver.BaseResolver):
    # first character of a plain scalar -> the (tag, regexp) pairs that may resolve it; filled below.
    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


for _tag, _regexp, _first in (
    (_NULL_TAG, _NULL, ["~", "n", "N", ""]),
    (_BOOL_TAG, _BOOL, list("tTfF")),
    (_INT_TAG, _INT, list("-0123456789")),
    (_FLOAT_TAG, _FLOAT, list("-0123456789")),
):
    _JSONResolver.add_implicit_resolver(_tag, _regexp, _first)


class _JSONConstructor(yaml.constructor.BaseConstructor):
    # PyYAML looks a node's constructor up here by tag (None: every other tag); filled below.
    yaml_constructors: ClassVar[dict[str | None, Any]] = {}

    def construct_mapping(  # noqa: D102 - PyYAML hook
        self, node: yaml.MappingNode | yaml.SequenceNode | yaml.ScalarNode, deep: bool = False
    ) -> dict[Hashable, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        mapping: dict[Hashable, Any] = {}  # str keys only: PyYAML's hook declares Hashable
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    "keys must be plain scalars (JSON keys are strings)", key_node.start_mark,
                )
            key = key_node.value
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key {key[:60]!r}", key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _construct_null(loader: _JSONConstructor, node: yaml.ScalarNode) -> None:
    return None


def _construct_bool(loader: _JSONConstructor, node: yaml.ScalarNode) -> bool:
    return loader.construct_scalar(node).lower() == "true"


def integer_too_long(text: str) -> str | None:
    """What is wrong with an integer's text that Python will not convert (longer than its int-from-text limit),
    in the payload's words; None when it converts."""
    digits = len(text.lstrip("+-"))
    limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0  # 0: no limit
    if limit and digits > limit:
        return f"an integer of {digits:,} digits is longer than the limit ({limit:,} digits)"
    return None


def _construct_int(loader: _JSONConstructor, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    problem = integer_too_long(text)
    if problem is not None:
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return int(text)


def _construct_float(loader: _JSONConstructor, node: yaml.ScalarNode) -> float:
    return float(loader.construct_scalar(node))


def _construct_str(loader: _JSONConstructor, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


def _construct_seq(loader: _JSONConstructor, node: yaml.SequenceNode) -> Iterator[list[Any]]:
    items: list[Any] = []
    yield items
    items.extend(loader.construct_sequence(node))


def _construct_map(loader: _JSONConstructor, node: yaml.MappingNode) -> Iterator[dict[Hashable, Any]]:
    mapping: dict[Hashable, Any] = {}
    yield mapping
    mapping.update(loader.construct_mapping(node))


def _construct_unknown(loader: _JSONConstructor, node: yaml.Node) -> None:
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {node.tag!r} has no JSON equivalent", node.start_mark
    )


# What add_constructor does for a class that has its own table (types-PyYAML would accept only PyYAML's own
# loader classes as the constructors' first argument).
_JSONConstructor.yaml_constructors.update({
    _NULL_TAG: _construct_null,
    _BOOL_TAG: _construct_bool,
    _INT_TAG: _construct_int,
    _FLOAT_TAG: _construct_float,
    _STR_TAG: _construct_str,
    _SEQ_TAG: _construct_seq,
    _MAP_TAG: _construct_map,
    None: _construct_unknown,
})


class _PurePythonLoader(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
    yaml.composer.Composer, _JSONConstructor, _JSONResolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _JSONConstructor.__init__(self)
        _JSONResolver.__init__(self)


_TrustedLoader: type[_JSONConstructor] = _PurePythonLoader
# NOTE: PyYAML 6 does not export CParser from the top-level ``yaml`` module (only yaml.cyaml's __all__, the C*Loader
# and C*Dumper classes), so this test is False even with libyaml and shipped schemas use the pure-Python parser.
# Kept as it was: switching to libyaml (test ``yaml.__with_libyaml__``) is a change of behaviour to make on purpose.
if hasattr(yaml, "CParser"):  # pragma: no cover

    class _CLoader(yaml.CBaseLoader, _JSONConstructor, _JSONResolver):
        """libyaml's parser with the JSON constructor and resolver (CBaseLoader's __init__ sets up all three)."""

    _TrustedLoader = _CLoader


class _UntrustedLoader(_PurePythonLoader):
    """Pure-Python loader with bounded depth and bounded alias expansion."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:  # noqa: D102 - PyYAML hook
        # Only collections count as a level, as in the JSON reader and the validator.
        collection = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        self._depth += collection
        if self._depth > MAX_DEPTH:
            raise YAMLError(f"the document is nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= collection

    def get_single_node(self) -> yaml.Node | None:  # noqa: D102 - PyYAML hook
        node = super().get_single_node()
        # None: no document at all; a plain scalar with no text: a document marker (---) with nothing after it.
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value == "" and node.style is None):
            raise YAMLError(EMPTY_DOCUMENT)
        _check_expanded_size(node)
        return node


def _check_expanded_size(root: yaml.Node) -> None:
    """Refuse a node graph whose tree expansion is larger than MAX_NODES."""
    sizes: dict[int, int] = {}
    # Iterative post-order walk; a node reached twice through aliases is sized once.
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if done:
            total = 1 + sum(sizes[id(child)] for child in children)
            if total > MAX_NODES:
                raise YAMLError(
                    f"the document expands to more than {MAX_NODES:,} values (aliases are expanded)"
                )
            sizes[id(node)] = total
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _load(text: str, loader: type[_JSONConstructor]) -> Any:
    try:
        # types-PyYAML lists PyYAML's own loader classes only; any BaseConstructor subclass works.
        return yaml.load(text, Loader=loader)  # type: ignore[arg-type]  # noqa: S506 - our JSON-only loader
    except YAMLError:
        raise
    except yaml.YAMLError as error:
        raise YAMLError(_describe(error)) from None
    except RecursionError:
        raise YAMLError(f"the document is nested more than {MAX_DEPTH} levels deep") from None


def _describe(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    mark = getattr(error, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"not valid YAML: {str(problem)[:200]}{where}"


def load_trusted(text: str) -> Any:
    """Load a YAML document that ships with the library (fast C parser when available)."""
    return _load(text, _TrustedLoader)


def load_untrusted(text: str) -> Any:
    """Load a YAML document from outside: safe, bounded in depth and alias expansion."""
    return _load(text, _UntrustedLoader)

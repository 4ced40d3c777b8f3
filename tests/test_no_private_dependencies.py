"""The package uses only the public API of its dependencies.

A private name of a dependency (jsonschema's ``exceptions._unset``, a validator's
``_resolver``, ``ValidationError._set``) can change in any release, bounds or not.
This test reads every module of the package and fails on:

- an import of a private name or module of a dependency (``from jsonschema.exceptions
  import _unset``, ``import hypothesis.strategies._internal``);
- a dotted path through one (``jsonschema._keywords.type``);
- an attribute of another object named like a private attribute of a dependency's
  classes, collected here from the classes themselves (``validator._resolver``,
  ``error._set(...)``, ``resolver._base_uri``); ``self.`` and ``cls.`` are the
  package's own objects (it composes the dependencies' classes, never subclasses them);
- a private keyword argument to ``evolve`` (``evolve(schema=s, _resolver=r)``);
- ``getattr``, ``setattr`` or ``hasattr`` with a private name.

Comments and strings are not read (documentation may name what the code does not use).
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "invoicespec"
DEPENDENCIES = (
    "jsonschema", "jsonschema_specifications", "referencing", "jsonschema_rs", "hypothesis", "phonenumbers",
    "schwifty", "re2", "dask", "tqdm", "yaml", "jinja2", "rpds",
)
_DEPENDENCY = "|".join(DEPENDENCIES)
PRIVATE_IMPORT = re.compile(rf"^\s*from\s+({_DEPENDENCY})(\.\w+)*\s+import\s+\(?[^#\n]*\b_[A-Za-z]\w*", re.M)
PRIVATE_MODULE = re.compile(rf"\b({_DEPENDENCY})(\.[A-Za-z]\w*)*\._[A-Za-z]\w*")
PRIVATE_EVOLVE = re.compile(r"\bevolve\([^)]*\b_[A-Za-z]\w*\s*=")
PRIVATE_GETATTR = re.compile(r"\b(?:getattr|setattr|hasattr)\([^,()]+,\s*[\"']_[A-Za-z]\w*[\"']")

# Files another change owns, with the private uses still in them (remove a line once its file
# is fixed; the test then keeps it fixed). Each is ``(file, exact text of the use)``.
PENDING: set[tuple[str, str]] = set()
# The public way for them (``invoicespec.engine.descend``): ``resolver_of(inner)`` for the resolver,
# ``holds(inner, value, schema, resolver)`` for ``inner.evolve(schema=schema, _resolver=resolver).is_valid(value)``.


def _private_attributes() -> frozenset[str]:
    """Private attribute and method names of the dependencies' classes the package touches."""
    import attrs
    import jsonschema
    import jsonschema.exceptions
    import jsonschema.protocols
    import referencing
    import referencing.jsonschema

    classes: list[type] = [
        jsonschema.Draft202012Validator, jsonschema.exceptions.ValidationError, jsonschema.exceptions.SchemaError,
        jsonschema.FormatChecker, jsonschema.TypeChecker,
        referencing.Registry, referencing.Resource, referencing.Specification, referencing.Anchor,
        referencing.jsonschema.DynamicAnchor,
    ]
    resource = referencing.jsonschema.DRAFT202012.create_resource({"$id": "urn:x"})
    resolver = referencing.Registry().with_resource("urn:x", resource).resolver()
    classes += [type(resolver), type(resolver.lookup("urn:x"))]
    import jsonschema_rs
    import phonenumbers
    import re2
    import schwifty
    import tqdm

    classes += [
        type(jsonschema_rs.validator_for({})), jsonschema_rs.ValidationError, phonenumbers.PhoneNumber,
        schwifty.IBAN, type(re2.compile("x")), tqdm.tqdm,
    ]
    names: set[str] = set()
    for cls in classes:
        names.update(dir(cls))
        if attrs.has(cls):
            names.update(field.name for field in attrs.fields(cls))
    names.update(vars(jsonschema.exceptions.ValidationError("x")))
    names.update(vars(jsonschema.FormatChecker()))
    return frozenset(name for name in names if name.startswith("_") and not name.startswith("__"))


_NOT_CODE = {tokenize.COMMENT, tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}  # 3.12+


def _code(source: str) -> str:
    """``source`` without its comments and string literals (docs may name what the code does not
    use), each line where it was."""
    lines = source.splitlines(keepends=True)
    blanks: list[tuple[tuple[int, int], tuple[int, int]]] = [
        (token.start, token.end) for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type in _NOT_CODE
    ]
    for (row, column), (end_row, end_column) in reversed(blanks):
        if row == end_row:
            line = lines[row - 1]
            lines[row - 1] = line[:column] + '""' + line[end_column:]
        else:
            lines[row - 1] = lines[row - 1][:column] + '""\n'
            for inner in range(row, end_row - 1):
                lines[inner] = "\n"
            lines[end_row - 1] = lines[end_row - 1][end_column:]
    return "".join(lines)


def _uses() -> list[tuple[str, int, str]]:
    private = _private_attributes()
    attribute = re.compile(r"(?<![\w.])(\w+(?:\.\w+|\(\))*)\.(_[A-Za-z]\w*)\b")
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        raw = path.read_text(encoding="utf-8")
        text = _code(raw)
        for match in PRIVATE_GETATTR.finditer(raw):
            found.append((relative, raw.count("\n", 0, match.start()) + 1, match.group(0).strip()))
        for pattern in (PRIVATE_IMPORT, PRIVATE_MODULE, PRIVATE_EVOLVE):
            for match in pattern.finditer(text):
                if not match.group(0).lstrip().startswith(("from invoicespec", "invoicespec")):
                    found.append((relative, text.count("\n", 0, match.start()) + 1, match.group(0).strip()))
        for number, line in enumerate(text.splitlines(), 1):
            for match in attribute.finditer(line):
                owner, name = match.groups()
                if name in private and owner not in ("self", "cls") and not owner.startswith("invoicespec"):
                    found.append((relative, number, match.group(0)))
    return found


def test_the_package_uses_no_private_name_of_a_dependency():
    found = [use for use in _uses() if (use[0], use[2]) not in PENDING]
    assert not found, "private names of dependencies:\n" + "\n".join(f"{f}:{n}: {t}" for f, n, t in found)


def test_the_pending_list_holds_only_uses_that_are_still_there():
    still = {(use[0], use[2]) for use in _uses()}
    assert PENDING <= still, f"fixed, remove from PENDING: {sorted(PENDING - still)}"


@pytest.mark.parametrize("text", [
    "from jsonschema.exceptions import _unset\n",
    "import x\nx = validator._resolver\n",
    "error._set(validator=k)\n",
    "v.evolve(schema=s, _resolver=r)\n",
    "jsonschema._keywords.type\n",
    "key = resolver._base_uri\n",
    "value = getattr(error, '_type_checker')\n",
])
def test_the_check_finds_each_kind_of_use(tmp_path, monkeypatch, text):
    (tmp_path / "m.py").write_text(text, encoding="utf-8")
    monkeypatch.setitem(globals(), "SOURCE", tmp_path)
    assert _uses()

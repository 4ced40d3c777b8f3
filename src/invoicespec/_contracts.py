"""Catalogs: the shipped operations, and those of contract folders of one's own (:func:`load_catalog`)."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from invoicespec._errors import Error, SchemaError, UnknownOperation, UnknownPart
from invoicespec.catalog import load as _load

if TYPE_CHECKING:
    from invoicespec.engine.validator import Validator
    from invoicespec.keywords.keyword import Keyword

__all__ = ["Catalog", "configured_catalog", "configured_folders", "load_catalog"]

_PART_NAME = re.compile(r"(request|request\.headers|request\.path|response\.[1-5]([0-9][0-9]|[xX][xX]))")
#: The environment variable naming contract folders (separated by ``os.pathsep``).
ENVIRONMENT = "INVOICESPEC_SCHEMAS"


class Catalog:
    """A set of operations and a cached validator per part: :func:`invoicespec.load_catalog` gives one.

    Its methods have the signatures of the module-level functions (``invoicespec.validator`` ...), which serve
    the shipped catalog. A catalog is immutable and thread-safe, and pickles as its folders (so its validators
    work with ``--jobs`` and :mod:`invoicespec.dask`).
    """

    def __init__(
        self, contents: _load.Catalog, *, folders: tuple[str, ...] = (), shipped: bool = True,
        keywords: tuple[Keyword, ...] = (), cache: dict[tuple[str, str], Validator] | None = None,
    ) -> None:
        self._contents = contents
        #: The contract folders, as absolute paths (empty for the shipped catalog).
        self.folders = folders
        self._shipped = shipped
        self._keywords = keywords
        self._lock = threading.Lock()
        # (operation, part) as asked and as declared -> its validator
        self._validators: dict[tuple[str, str], Validator] = {} if cache is None else cache

    @property
    def loaded(self) -> _load.Catalog:
        """The checked documents and manifests (what the docs and the OpenAPI export read)."""
        return self._contents

    def __repr__(self) -> str:
        where = ", ".join(self.folders) or "the shipped schemas"
        return f"<invoicespec.Catalog of {where}: {len(self._contents.operations)} operations>"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        if not self.folders:
            return _shipped_catalog, ()
        return _reloaded, (self.folders, self._shipped, self._keywords)

    def operations(self) -> tuple[str, ...]:
        """The ids of every operation, such as ``"getbill.create_debt"``, sorted."""
        return tuple(self._contents.operations)

    def operation_info(self, operation: str) -> _load.Operation:
        """What the manifest says of an operation: vendor, method, path, summary, docs and parts."""
        found = self._contents.operations.get(operation) if isinstance(operation, str) else None
        if found is None:
            known = ", ".join(self.operations())
            raise UnknownOperation(f"unknown operation {operation!r}: the operations are {known}")
        return found

    def parts(self, operation: str) -> tuple[str, ...]:
        """The parts of an operation: ``request``, ``request.headers``, ``request.path`` and ``response.<status>``."""
        return tuple(self.operation_info(operation).parts)

    def validator(self, operation: str, part: str = "request") -> Validator:
        """The validator of one part of an operation, compiled on first use and cached.

        ``response.404`` falls back to ``response.4XX`` when the operation declares no
        404 of its own. Raises :class:`~invoicespec.UnknownOperation` or
        :class:`~invoicespec.UnknownPart` (both ``LookupError``) for unknown names.
        """
        key = (operation, part)
        found = self._validators.get(key) if isinstance(operation, str) and isinstance(part, str) else None
        if found is not None:
            return found
        info = self.operation_info(operation)
        declared = _resolve_part(info, part)
        with self._lock:
            found = self._validators.get((operation, declared))
            if found is None:
                from invoicespec.engine.validator import Validator

                spec = info.parts[declared]
                found = Validator(
                    self._contents.documents[spec.schema_uri],
                    None,
                    operation=operation,
                    part=declared,
                    media_type=spec.media_type,
                    rebuild=self._rebuild(operation, declared),
                    catalog=self._contents,
                )
                self._validators[(operation, declared)] = found
            self._validators[key] = found
        return found

    def _rebuild(self, operation: str, part: str) -> tuple[Any, tuple[Any, ...]]:
        if not self.folders:
            import invoicespec._api

            return invoicespec._api.validator, (operation, part)
        return _validator_of, (self.folders, self._shipped, self._keywords, operation, part)

    def errors(self, operation: str, instance: Any, part: str = "request") -> list[Error]:
        """Every problem in ``instance`` as a part of ``operation``; empty when it is valid."""
        return self.validator(operation, part).errors(instance)

    def is_valid(self, operation: str, instance: Any, part: str = "request") -> bool:
        """Whether ``instance`` is a valid part of ``operation``."""
        return self.validator(operation, part).is_valid(instance)

    def normalize(self, operation: str, instance: Any, part: str = "request") -> Any:
        """A new normalized copy of ``instance``; raises :class:`~invoicespec.InvalidPayload` if invalid."""
        return self.validator(operation, part).normalize(instance)


def _resolve_part(info: _load.Operation, part: Any) -> str:
    if not isinstance(part, str) or not _PART_NAME.fullmatch(part):
        raise UnknownPart(
            f"{part!r} is not a part name: use request, request.headers, request.path or response.<status> "
            f"(such as response.201 or response.4XX); {info.id} has {', '.join(info.parts)}"
        )
    if part in info.parts:
        return part
    if part.startswith("response."):
        status_class = f"response.{part[len('response.')]}XX"
        if status_class in info.parts:
            return status_class
    raise UnknownPart(f"{info.id} has no part {part!r}: its parts are {', '.join(info.parts)}")


_shipped_lock = threading.Lock()
_SHIPPED: list[Catalog] = []
#: The shipped catalog's validators, by (operation, part) as asked and as declared.
SHIPPED_VALIDATORS: dict[tuple[str, str], Validator] = {}


def _shipped_catalog() -> Catalog:
    """The catalog of the shipped schemas (the module-level functions' own)."""
    if not _SHIPPED:
        with _shipped_lock:  # one load, even when many threads ask first
            if not _SHIPPED:
                _SHIPPED.append(Catalog(_load.shipped(), cache=SHIPPED_VALIDATORS))
    return _SHIPPED[0]


def _use_keywords(keywords: Iterable[Keyword]) -> tuple[Keyword, ...]:
    """Register the keywords not registered yet (the same object again is fine, another of the same name not)."""
    from invoicespec.keywords.keyword import Keyword
    from invoicespec.keywords.registry import REGISTRY, register

    used = tuple(keywords)
    for keyword in used:
        if not isinstance(keyword, Keyword):
            raise TypeError(f"keywords= takes invoicespec.extend.Keyword values, not {type(keyword).__name__}")
        known = REGISTRY.get(keyword.name)
        if known is None:
            try:
                register(keyword)
            except ValueError as error:
                raise SchemaError(f"keyword {keyword.name!r}: {error}") from None
        elif known is not keyword:
            raise SchemaError(f"keyword {keyword.name!r} is already registered with another definition "
                              "(a shipped keyword, or one registered before)")
    return used


def load_catalog(*paths: str | os.PathLike[str], shipped: bool = True, keywords: Iterable[Keyword] = ()) -> Catalog:
    """A catalog of the operations in contract folders, checked as the shipped schemas are.

    Each path is a folder laid out like the shipped ``schemas/``: ``<api>/<operation>/operation.yaml`` and one
    YAML file per part (operation ids are ``<api>.<operation>``). With ``shipped=True`` the shipped operations
    are in the catalog too; the shipped documents are always there to ``$ref``. ``keywords`` are
    :class:`invoicespec.extend.Keyword` values the folders' schemas use (registered for the whole process).

    Raises :class:`~invoicespec.SchemaError` for the first problem found (file, JSON Pointer, message);
    ``invoicespec lint`` lists them all.
    """
    used = _use_keywords(keywords)
    folders = tuple(str(Path(path).resolve()) for path in paths)
    if not folders and shipped:
        return _shipped_catalog()
    return _reloaded(folders, bool(shipped), used)


def _digests(folders: tuple[str, ...]) -> tuple[str, ...]:
    """What the folders hold now (a changed file loads afresh; the same files are loaded once per process)."""
    return tuple(_load.digest(Path(folder)) if Path(folder).is_dir() else "" for folder in folders)


@lru_cache(maxsize=None)
def _cached(folders: tuple[str, ...], digests: tuple[str, ...], shipped: bool, keywords: tuple[Keyword, ...]) -> Catalog:
    from invoicespec.catalog.folders import load_folders

    loaded = load_folders(folders, with_shipped_operations=shipped)
    if loaded.catalog is None:
        more = len(loaded.problems) - 1
        also = f" (and {more} more problem{'s' * (more > 1)}: run invoicespec lint)" if more else ""
        raise SchemaError(loaded.problems[0] + also)
    return Catalog(loaded.catalog, folders=folders, shipped=shipped, keywords=keywords)


def _reloaded(folders: tuple[str, ...], shipped: bool, keywords: tuple[Keyword, ...]) -> Catalog:
    return _cached(folders, _digests(folders), shipped, _use_keywords(keywords))


def _validator_of(
    folders: tuple[str, ...], shipped: bool, keywords: tuple[Keyword, ...], operation: str, part: str,
) -> Validator:
    return _reloaded(folders, shipped, keywords).validator(operation, part)


# -- where the command line and the pytest plugin find contract folders ---------------------------------------


def _toml(data: bytes) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib.loads(data.decode("utf-8"))


def pyproject_folders(pyproject: Path) -> tuple[Path, ...]:
    """The folders ``[tool.invoicespec] schemas`` names in ``pyproject`` (relative to it); raises SchemaError."""
    try:
        data = pyproject.read_bytes()
    except FileNotFoundError:
        return ()
    except OSError as error:
        raise SchemaError(f"{pyproject}: cannot be read: {error.strerror or error}") from None
    if b"invoicespec" not in data:
        return ()
    try:
        document = _toml(data)
    except (UnicodeDecodeError, ValueError) as error:
        raise SchemaError(f"{pyproject}: not valid TOML: {error}") from None
    tool = document.get("tool")
    section = tool.get("invoicespec") if isinstance(tool, dict) else None
    value = section.get("schemas") if isinstance(section, dict) else None
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise SchemaError(f'{pyproject}: [tool.invoicespec] schemas must be a list of folders, such as ["contracts"]')
    return tuple(pyproject.parent / item for item in value)


def _nearest_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def configured_folders(explicit: Sequence[str | os.PathLike[str]] = (), start: Path | None = None,
                       pyproject: Path | None = None) -> tuple[Path, ...]:
    """The contract folders in force: those given (``--schemas``), else ``INVOICESPEC_SCHEMAS``, else
    ``[tool.invoicespec] schemas`` of ``pyproject`` (by default the nearest ``pyproject.toml`` above ``start``)."""
    if explicit:
        return tuple(Path(path) for path in explicit)
    variable = os.environ.get(ENVIRONMENT, "")
    if variable.strip():
        return tuple(Path(path) for path in variable.split(os.pathsep) if path)
    found = pyproject or _nearest_pyproject((start or Path.cwd()).resolve())
    return pyproject_folders(found) if found is not None else ()


def configured_catalog(explicit: Sequence[str | os.PathLike[str]] = (), start: Path | None = None,
                       pyproject: Path | None = None) -> Catalog:
    """The catalog of :func:`configured_folders`, or the shipped one when none is configured."""
    folders = configured_folders(explicit, start, pyproject)
    return load_catalog(*folders) if folders else _shipped_catalog()

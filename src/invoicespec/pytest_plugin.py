"""pytest plugin: invoicespec's strategies and samples as fixtures (the ``pytest11`` entry point).

Installed with invoicespec, it is active in every pytest run; importing it imports
pytest and nothing else. The library, its schemas and Hypothesis load only when a
test asks for one of these fixtures (or, for the library, when a payload fixture
file is collected):

``invoicespec_strategies``
    :mod:`invoicespec.strategies` (``payloads``, ``faults``) for use inside ``@given``
    tests with ``st.data()``, session-scoped. Made inside a test, a strategy is built
    at its first draw, which Hypothesis leaves out of the test's deadline (a part's
    first build takes longer than the default 200 ms); the names are still checked
    at once.

``invoicespec_samples``
    A function ``(operation, part="request", count=10, faults=False)`` that returns
    ``count`` drawn payloads (or ``(payload, path, keyword)`` faults). The draws are
    derandomized: the same list every run, for tests that are not Hypothesis tests.

``invoicespec_mock``
    The base URL (``http://127.0.0.1:PORT``) of the contract mock (``invoicespec mock``),
    started on a free loopback port for the session (needs ``invoicespec[mock]``).

``invoicespec_check``
    A function ``(operation, payload, part="request")`` that fails the test with a
    readable report (every error as ``<pointer>: <message> [<keyword>]``) when the
    payload is invalid, and returns the normalized payload when it is valid.

Contract folders of one's own are loaded with the shipped ones when ``INVOICESPEC_SCHEMAS`` or
``[tool.invoicespec] schemas`` (in the rootdir's ``pyproject.toml``) names them: the fixtures,
``invoicespec_catalog`` (the :class:`~invoicespec.Catalog` in force) and the fixture files then know
their operations.

It also collects payload fixture files as test items, one per file, checked against
an operation part: files matched by the globs of ``[tool.invoicespec.fixtures]`` in
the rootdir's ``pyproject.toml``, and files under a folder named
``invoicespec-fixtures/<operation>/<part>/``. The configuration is read once per
session; the library loads only when a file matches.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the plugin imports nothing of the library until a fixture or a fixture file needs it
    from invoicespec._contracts import Catalog
    from invoicespec._errors import Error


_CATALOG = pytest.StashKey["Catalog"]()


def _catalog(config: pytest.Config) -> Catalog:
    """The catalog the configuration names (``INVOICESPEC_SCHEMAS``, else ``[tool.invoicespec] schemas``), loaded
    once per session; the shipped one when none is named. A broken folder stops the run with a usage error."""
    found = config.stash.get(_CATALOG, None)
    if found is None:
        from invoicespec._contracts import configured_catalog
        from invoicespec._errors import SchemaError

        try:
            found = configured_catalog(pyproject=config.rootpath / "pyproject.toml")
        except SchemaError as error:
            raise pytest.UsageError(f"invoicespec: {error}") from None
        config.stash[_CATALOG] = found
    return found


@pytest.fixture(scope="session")
def invoicespec_catalog(pytestconfig: pytest.Config) -> Catalog:
    """The :class:`~invoicespec.Catalog` in force: the shipped operations and those of the configured folders."""
    return _catalog(pytestconfig)


class _StrategiesInTests:
    """:mod:`invoicespec.strategies` for test bodies: each strategy is built inside its first draw.

    ``invoicespec.strategies.payloads`` builds a part's strategy when it is made (the
    first time per part; then it is cached), so that draws are quick. Inside a
    ``@given`` test body, making counts towards Hypothesis's deadline and drawing
    does not (``data.draw`` time is left out), so here making only checks the names
    and the build happens in the first draw. Other attributes are the module's.
    """

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def payloads(self, operation: str, part: str = "request", *, catalog: Catalog | None = None) -> Any:
        """A strategy of valid instances (see :func:`invoicespec.strategies.payloads`)."""
        return self._deferred(self._module.payloads, operation, part, catalog)

    def faults(self, operation: str, part: str = "request", *, catalog: Catalog | None = None) -> Any:
        """A strategy of ``(instance, expected_path, keyword)`` (see :func:`invoicespec.strategies.faults`)."""
        return self._deferred(self._module.faults, operation, part, catalog)

    @staticmethod
    def _deferred(make: Callable[..., Any], operation: str, part: str, catalog: Catalog | None) -> Any:
        import invoicespec
        from hypothesis import strategies as st

        (catalog or invoicespec).validator(operation, part)  # unknown names fail here, not at the draw
        return st.deferred(lambda: make(operation, part, catalog=catalog))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


@pytest.fixture(scope="session")
def invoicespec_strategies() -> Any:
    """:mod:`invoicespec.strategies`, its strategies built inside their first draw (see the module's docstring)."""
    import invoicespec.strategies
    from invoicespec.rules.phones import example_numbers

    # The phone numbers every part with a phone draws from take about 0.4 s to gather, once per process:
    # gathered here, outside any test, so that no first draw comes near Hypothesis's too_slow health check.
    example_numbers()
    return _StrategiesInTests(invoicespec.strategies)


@pytest.fixture(scope="session")
def invoicespec_samples(pytestconfig: pytest.Config) -> Callable[..., list[Any]]:
    """A function returning a fixed list of drawn payloads (or faults) for an operation part."""
    import invoicespec.strategies
    from hypothesis import HealthCheck, Phase, given, settings

    def samples(operation: str, part: str = "request", count: int = 10, faults: bool = False) -> list[Any]:
        draw = invoicespec.strategies.faults if faults else invoicespec.strategies.payloads
        strategy = draw(operation, part, catalog=_catalog(pytestconfig))
        drawn: list[Any] = []

        @settings(max_examples=count, derandomize=True, database=None, deadline=None,
                  phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(value: Any) -> None:
            drawn.append(value)

        collect()
        return drawn[:count]

    return samples


@pytest.fixture(scope="session")
def invoicespec_mock() -> Iterator[str]:
    """The base URL of the contract mock, serving every shipped operation on a free loopback port."""
    from invoicespec.live.app import running

    with running() as base_url:
        yield base_url


# --- invoicespec_check -------------------------------------------------------------------------------------------


def _error_lines(errors: Iterable[Error]) -> list[str]:
    # The command line's format, so a report reads the same in a test run and in a terminal.
    from invoicespec._errors import error_line  # here, not at the top: the plugin stays import-light

    return [f"  {error_line(error.path, error.keyword, error.message)}" for error in errors]


def _count(errors: Sized) -> str:
    from invoicespec._errors import error_count

    return error_count(errors)


@pytest.fixture(scope="session")
def invoicespec_check(pytestconfig: pytest.Config) -> Callable[..., Any]:
    """A function ``check(operation, payload, part="request")`` that asserts a payload is valid.

    ``payload`` is the value itself (a ``str`` for ``text/plain`` parts), or a
    ``pathlib.Path`` to a JSON, YAML or text file, read strictly as the command line
    reads it. When the payload is valid, ``check`` returns its normalized form (a new
    object; the input is untouched). When it is invalid, the test fails with a report
    that lists every error as ``<pointer>: <message> [<keyword>]``, without a
    traceback into the library; an unknown operation or part, or a file that cannot be
    read, fails the test the same way with the reason.
    """

    def check(operation: str, payload: Any, part: str = "request") -> Any:
        import invoicespec
        from invoicespec.io.files import PayloadFileError, read_payload

        # pytest.fail is called outside the except blocks, so the report is not chained to the library's exception.
        report: list[str] = []
        try:
            checker = _catalog(pytestconfig).validator(operation, part)
        except LookupError as error:  # UnknownOperation, UnknownPart: a mistake in the test itself
            report = [f"invoicespec_check: {error}"]
        else:
            trailer: list[str] = []
            if isinstance(payload, os.PathLike):  # a Path is never JSON data, so it can only mean a file
                trailer = [f"file: {os.fsdecode(payload)}"]
                try:  # absolute, so that a file named "-" is not read as standard input
                    payload = read_payload(os.path.abspath(os.fsdecode(payload)),
                                           as_text=checker.media_type == "text/plain")
                except PayloadFileError as error:
                    report = [f"cannot be read as a payload: {error}", *trailer]
            if not report:
                try:
                    return checker.normalize(payload)
                except invoicespec.InvalidPayload as invalid:
                    report = [f"not a valid {operation} {part} ({_count(invalid.errors)})",
                              *_error_lines(invalid.errors), *trailer]
        pytest.fail("\n".join(report), pytrace=False)

    return check


# --- payload fixture files as test items -------------------------------------------------------------------------

_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".txt"})
_CONVENTION_FOLDER = "invoicespec-fixtures"
_TABLE = "[tool.invoicespec.fixtures]"
_VALUE_SHAPE = '"<operation>[:<part>[:valid|invalid]]"'


@dataclass(frozen=True)
class _Target:
    """What one fixture file is checked against, and why (for the report)."""

    operation: str
    part: str
    expect_valid: bool
    origin: str | None  # the configuration line that matched the file; None for the folder convention
    problem: str | None = None  # a file misplaced in the convention folder: its item fails with this


@dataclass
class _Entry:
    """One ``"glob" = "operation:part"`` line of the configuration."""

    glob: str
    segments: tuple[str, ...]
    target: _Target
    checked: bool = False  # operation and part looked up in the library (at the first file that matches)
    problem: str | None = None


@dataclass
class _Settings:
    config: pytest.Config
    rootpath: Path
    entries: list[_Entry]
    problems: list[str] = field(default_factory=list)  # unknown names found during collection


_SETTINGS = pytest.StashKey[_Settings]()


def _glob_matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Whether ``path``'s segments match ``pattern``'s: fnmatch per segment, ``**`` for any folders."""
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_glob_matches(rest, path[start:]) for start in range(len(path) + 1))
    return bool(path) and fnmatchcase(path[0], head) and _glob_matches(rest, path[1:])


def _glob_segments(glob: str) -> tuple[tuple[str, ...], str | None]:
    """The glob's segments (consecutive ``**`` folded), or a reason it is refused."""
    if not glob:
        return (), "the glob is empty"
    if "\\" in glob:
        return (), "use / to separate folders"
    if glob.startswith("/") or (len(glob) > 1 and glob[1] == ":"):
        return (), "the glob must be relative to the folder of pyproject.toml"
    segments: list[str] = []
    for segment in glob.split("/"):
        if segment in ("", ".", ".."):
            return (), "empty, '.' and '..' folder names are not allowed"
        if not (segment == "**" and segments and segments[-1] == "**"):
            segments.append(segment)
    return tuple(segments), None


def _parse_value(glob: str, value: Any) -> tuple[_Target | None, str | None]:
    origin = f'pyproject.toml {_TABLE} "{glob}"'
    if not isinstance(value, str):
        return None, f"{origin}: the value must be a string {_VALUE_SHAPE}, not {type(value).__name__}"
    pieces = value.split(":")
    if len(pieces) > 3 or any(not piece or piece != piece.strip() for piece in pieces):
        return None, f"{origin}: {value!r} is malformed: write {_VALUE_SHAPE}, such as \"getbill.create_debt:request\""
    if len(pieces) == 3 and pieces[2] not in ("valid", "invalid"):
        return None, f"{origin}: {value!r}: the third field must be valid or invalid, not {pieces[2]!r}"
    operation = pieces[0]
    part = pieces[1] if len(pieces) > 1 else "request"
    expect_valid = len(pieces) < 3 or pieces[2] == "valid"
    return _Target(operation, part, expect_valid, f'{origin} = "{value}"'), None


def _load_toml(data: bytes) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib.loads(data.decode("utf-8"))


def _read_configuration(pyproject: Path) -> list[_Entry]:
    """The entries of ``[tool.invoicespec.fixtures]``; a bad configuration raises ``pytest.UsageError``."""
    try:
        data = pyproject.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise pytest.UsageError(f"invoicespec: {pyproject} cannot be read: {error.strerror or error}") from None
    if b"invoicespec" not in data:  # most projects: no need to parse the file at all
        return []
    try:
        document = _load_toml(data)
    except (UnicodeDecodeError, ValueError) as error:  # tomllib.TOMLDecodeError is a ValueError
        raise pytest.UsageError(f"invoicespec: {pyproject} is not valid TOML: {error}") from None
    tool = document.get("tool")
    section = tool.get("invoicespec") if isinstance(tool, dict) else None
    if section is None:
        return []
    if not isinstance(section, dict):
        raise pytest.UsageError("invoicespec: pyproject.toml [tool.invoicespec] must be a table")
    table = section.get("fixtures")
    if table is None:
        return []
    if not isinstance(table, dict):
        raise pytest.UsageError(
            f"invoicespec: pyproject.toml {_TABLE} must be a table of \"<glob>\" = {_VALUE_SHAPE}"
        )
    entries: list[_Entry] = []
    problems: list[str] = []
    for glob, value in table.items():
        segments, refused = _glob_segments(glob)
        if refused is not None:
            problems.append(f'pyproject.toml {_TABLE} "{glob}": {refused}')
            continue
        target, problem = _parse_value(glob, value)
        if target is None:
            problems.append(problem or "")
            continue
        entries.append(_Entry(glob, segments, target))
    if problems:
        raise pytest.UsageError("invoicespec: bad fixture configuration:\n" + "\n".join(problems))
    return entries


def _check_entry(entry: _Entry, settings: _Settings) -> None:
    """Look the entry's operation and part up in the library, once: the first time a file matches it."""
    entry.checked = True
    try:
        _catalog(settings.config).validator(entry.target.operation, entry.target.part)
    except LookupError as error:  # UnknownOperation, UnknownPart: their messages list the names that exist
        entry.problem = f"{entry.target.origin}: {error}"
        settings.problems.append(entry.problem)


def _convention_target(parts: tuple[str, ...]) -> _Target | None:
    """The target of a file under ``invoicespec-fixtures/``, from its folders; None for other files."""
    folders = parts[:-1]
    if _CONVENTION_FOLDER not in folders:
        return None
    below = parts[len(folders) - folders[::-1].index(_CONVENTION_FOLDER):]  # after the nearest such folder
    if len(below) < 3:
        return _Target("", "", True, None, problem=(
            f"misplaced: a payload file must be in {_CONVENTION_FOLDER}/<operation>/<part>/ (or below it), "
            f"such as {_CONVENTION_FOLDER}/getbill.create_debt/request/"
        ))
    return _Target(below[0], below[1], not (len(below) > 3 and below[2] == "invalid"), None)


def _target_for(path: Path, settings: _Settings) -> _Target | None:
    try:
        parts = path.relative_to(settings.rootpath).parts
    except ValueError:  # outside the rootdir: globs do not apply, the folder convention does
        return _convention_target(path.parts)
    for entry in settings.entries:
        if _glob_matches(entry.segments, parts):  # the first entry that matches wins
            if not entry.checked:
                _check_entry(entry, settings)
            return None if entry.problem else entry.target
    return _convention_target(parts)


class _FixtureFailure(Exception):
    """A fixture file that fails its check; the text is the whole report (no traceback is shown)."""


class InvoicespecFile(pytest.File):
    """A payload fixture file: it collects one :class:`InvoicespecItem`."""

    def __init__(self, *, target: _Target, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target = target

    def collect(self) -> Iterator[InvoicespecItem]:
        yield InvoicespecItem.from_parent(self, name=self.path.name, target=self.target)


class InvoicespecItem(pytest.Item):
    """One payload fixture file checked against an operation part."""

    def __init__(self, *, target: _Target, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target = target

    def _shown(self) -> str:
        try:
            return self.path.relative_to(self.config.rootpath).as_posix()
        except ValueError:  # a file outside the rootdir, given on the command line
            return str(self.path)

    def runtest(self) -> None:
        from invoicespec.io.files import PayloadFileError, read_payload

        target = self.target
        # The report: what is wrong first (pytest's short summary shows that line), then the file and, for a
        # configured glob, the line that matched it.
        trailer = [f"file: {self._shown()}"]
        if target.origin is not None:
            trailer.append(f"matched by: {target.origin}")
        if target.problem is not None:
            raise _FixtureFailure("\n".join([target.problem, *trailer]))
        try:
            checker = _catalog(self.config).validator(target.operation, target.part)
        except LookupError as error:  # only folder names get here: configured names are checked at collection
            raise _FixtureFailure("\n".join([
                f"{error} (the folders below {_CONVENTION_FOLDER}/ name the operation, then the part)", *trailer,
            ])) from None
        what = f"{target.operation} {target.part}"
        try:
            payload = read_payload(str(self.path), as_text=checker.media_type == "text/plain")
        except PayloadFileError as error:
            raise _FixtureFailure("\n".join([f"cannot be read as a payload: {error}", *trailer])) from None
        errors = checker.errors(payload)
        if target.expect_valid and errors:
            raise _FixtureFailure("\n".join([
                f"not a valid {what} ({_count(errors)})", *_error_lines(errors), *trailer,
            ]))
        if not target.expect_valid and not errors:
            where = "" if target.origin is not None else " (the file is in an invalid/ folder)"
            raise _FixtureFailure("\n".join([f"expected an invalid {what}{where}, but it is valid", *trailer]))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, _FixtureFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self._shown()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Read ``[tool.invoicespec.fixtures]`` once; a bad configuration stops the run with a usage error."""
    config = session.config
    config.stash[_SETTINGS] = _Settings(config, config.rootpath, _read_configuration(config.rootpath / "pyproject.toml"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> InvoicespecFile | None:
    """A collector for a payload fixture file; None, at the cost of a suffix test, for any other file."""
    if file_path.suffix.lower() not in _SUFFIXES:
        return None
    settings = parent.config.stash.get(_SETTINGS, None)
    if settings is None:  # collection outside a session (never in a normal run)
        return None
    target = _target_for(file_path, settings)
    if target is None:
        return None
    return InvoicespecFile.from_parent(parent, path=file_path, target=target)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Stop with a usage error when a configured operation or part does not exist (found while collecting)."""
    settings = config.stash.get(_SETTINGS, None)
    if settings is not None and settings.problems:
        raise pytest.UsageError("invoicespec: bad fixture configuration:\n" + "\n".join(settings.problems))

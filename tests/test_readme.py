"""Every Python and shell block of the README runs as written, from a scratch folder outside the repository.

A newcomer copies a block into a file or a terminal of their own, in a folder of their own, with the package
installed: so does this test, block by block, whatever sections the README has. Blocks are found by their fence:

- ``python``: saved as a file and run with ``python3 FILE``; a block that defines ``test_`` functions is a test
  module, saved as ``test_readme_block.py`` and run with ``python3 -m pytest`` (Hypothesis's default settings:
  none of this repository's conftest or profiles);
- ``sh``, ``bash``, ``shell``: run with ``bash -e``;
- ``console``: each ``$ command`` (``\\`` continues it) is run, and its standard output must be the lines shown
  under it.

HTML comments on the lines right above a block tell this test more about it:

- ``<!-- readme-test: skip REASON -->``: the block only illustrates (the reader's own function, a cluster's
  address); it is reported as skipped with its name and the reason, never dropped silently;
- ``<!-- readme-test: copy SRC [DEST] -->``: the repository's file or folder ``SRC`` is copied to ``DEST`` (by
  default ``SRC``) in the scratch folder first, for a block that names a file the reader would have.

Other fences (``json``, ``text``, none) are data or pictures, not run here (``test_docs`` checks the payloads).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import invoicespec

from conftest import ROOT

README = ROOT / "README.md"
RUN_LANGUAGES = {"python", "sh", "bash", "shell", "console"}
MARKER = re.compile(r"<!--\s*readme-test:\s*(skip|copy)\b\s*(.*?)\s*-->")
FENCE = re.compile(r"^(?P<indent> {0,3})```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)


@dataclass
class Block:
    """A fenced block of the README: where it is, what it is, and what its markers say."""

    name: str
    line: int
    language: str
    body: str
    skip: str | None = None
    copies: list[tuple[str, str]] = field(default_factory=list)


def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-") or "top"


def readme_blocks(text: str) -> list[Block]:
    """The README's runnable blocks, each named after its section (``command-line-2``: the section's second)."""
    blocks: list[Block] = []
    per_section: dict[str, int] = {}
    for found in FENCE.finditer(text):
        language = found["lang"].lower()
        before = text[: found.start()]
        headings = re.findall(r"^#{1,6} (.+)$", before, flags=re.M)
        section = _slug(headings[-1]) if headings else "top"
        if language not in RUN_LANGUAGES:
            continue
        per_section[section] = per_section.get(section, 0) + 1
        block = Block(f"{section}-{per_section[section]}", before.count("\n") + 1, language, found["body"])
        for line in reversed(before.rstrip("\n").split("\n")):  # the comment lines right above the fence
            marker = MARKER.fullmatch(line.strip())
            if marker is None:
                break
            kind, argument = marker.groups()
            if kind == "skip":
                block.skip = argument or "marked as an illustration"
            else:
                source, _, target = argument.partition(" ")
                block.copies.append((source, target.strip() or source))
        blocks.append(block)
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def _environment() -> dict[str, str]:
    """The installed package, as this test run imports it (an editable install or a checkout under test)."""
    env = dict(os.environ)
    package_root = str(Path(invoicespec.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    # The console script sits next to the interpreter; first on PATH so the same installation answers.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("HYPOTHESIS_PROFILE", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(command: list[str] | str, folder: Path, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=folder, env=_environment(), capture_output=True, text=True, timeout=600,
                          shell=isinstance(command, str), **options)  # type: ignore[call-overload]


def _console_steps(body: str) -> list[tuple[str, list[str]]]:
    """``(command, expected output lines)`` of a console session."""
    steps: list[tuple[str, list[str]]] = []
    lines = body.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.startswith("$ "):
            assert steps, f"console output before any command: {line!r}"
            steps[-1][1].append(line.rstrip())
            continue
        command = line[2:]
        while command.rstrip().endswith("\\") and index < len(lines):
            command = command.rstrip() + "\n" + lines[index]  # bash joins the lines itself
            index += 1
        steps.append((command, []))
    return steps


@pytest.fixture()
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme-block")
    assert ROOT not in folder.resolve().parents, "the scratch folder must be outside the repository"
    return folder


def test_the_readme_has_blocks_of_every_kind_to_run():
    runnable = [block for block in BLOCKS if block.skip is None]
    assert {block.language for block in runnable} >= {"python", "console"}
    assert any("def test_" in block.body for block in runnable)  # the pytest plugin's snippet
    assert all(block.skip.strip() for block in BLOCKS if block.skip is not None)  # every skip says why


def test_markers_are_well_formed_and_sit_on_a_block():
    text = README.read_text(encoding="utf-8")
    marked = sum(1 for line in text.splitlines() if "readme-test" in line)
    assert marked == sum((block.skip is not None) + len(block.copies) for block in BLOCKS)
    for block in BLOCKS:
        for source, _ in block.copies:
            assert (ROOT / source).exists(), f"{block.name}: copy names {source}, which does not exist"


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_readme_block_runs_as_written(block: Block, scratch: Path):
    if block.skip is not None:
        pytest.skip(f"README.md:{block.line} {block.name}: {block.skip}")
    for source, target in block.copies:
        destination = scratch / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, destination)
        else:
            shutil.copyfile(ROOT / source, destination)
    where = f"README.md:{block.line} ({block.name})"
    if block.language == "python":
        is_test_module = re.search(r"^(async )?def test_", block.body, flags=re.M) is not None
        script = scratch / ("test_readme_block.py" if is_test_module else "readme_block.py")
        script.write_text(block.body, encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", script.name] if (
            is_test_module) else [sys.executable, script.name]
        done = _run(command, scratch)
        assert done.returncode == 0, f"{where} failed:\n{done.stdout}\n{done.stderr}"
    elif block.language == "console":
        for command, expected in _console_steps(block.body):
            done = _run(["bash", "-c", command], scratch)
            assert done.returncode in (0, 1), f"{where}: {command!r} failed:\n{done.stdout}\n{done.stderr}"
            shown = [line.rstrip() for line in done.stdout.splitlines()]
            assert shown == expected, f"{where}: {command!r} printed something else than the README shows"
    else:
        done = _run(["bash", "-e", "-c", block.body], scratch)
        assert done.returncode == 0, f"{where} failed:\n{done.stdout}\n{done.stderr}"

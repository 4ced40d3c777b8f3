"""The built wheel, installed in a fresh virtual environment, finds its schemas; so does an editable install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

PROBE = """
import json, sys, invoicespec
payload = json.load(open(sys.argv[1]))
print(json.dumps({
    "file": invoicespec.__file__,
    "operations": invoicespec.operations(),
    "valid": invoicespec.is_valid("getbill.create_debt", payload),
    "normalized": invoicespec.normalize("getbill.create_debt", payload),
}))
"""


def _run(*args, cwd):
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_wheel_and_editable_installs_find_the_schemas(tmp_path):
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels), cwd=tmp_path)
    (wheel,) = wheels.glob("invoicespec-*.whl")

    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run(str(python), "-m", "pip", "install", "-q", str(wheel), cwd=tmp_path)

    payload = EXAMPLES / "getbill.create_debt" / "request" / "valid" / "phone-only-national.json"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = json.loads(_run(str(python), "-c", PROBE, str(payload), cwd=elsewhere))
    installed = Path(result["file"]).resolve()
    assert installed.is_relative_to(env_dir.resolve()), installed
    assert "getbill.create_debt" in result["operations"]
    assert result["valid"] is True
    assert result["normalized"]["phone"] == "+33612345678"
    schemas = installed.parent / "schemas"
    dialect = schemas / "_common" / "meta" / "dialect.yaml"
    assert dialect.is_file() and not schemas.is_symlink()  # real files, not a link into the source tree

    listing = _run(str(env_dir / "bin" / "invoicespec"), "list", cwd=elsewhere)
    assert "getbill.create_debt" in listing

    _run(str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT), cwd=tmp_path)
    result = json.loads(_run(str(python), "-c", PROBE, str(payload), cwd=elsewhere))
    assert Path(result["file"]).resolve().is_relative_to(ROOT / "src")
    assert result["valid"] is True

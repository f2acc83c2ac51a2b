"""No migrated project names a dependency pip cannot install: each sample app, and a project
using every native extension row, is migrated and its requirements are resolved with
`pip install --dry-run` in a scratch virtualenv (issue 11, "dependencies follow imports").

Marked `network` (it asks PyPI), so `-m network` selects it and `-m "not network"` leaves it
out on purpose; it is never skipped by itself: without PyPI it fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

from quartify.rules.extensions import Strategy, load
from tests.e2e.test_samples import SAMPLES

pytestmark = pytest.mark.network

NATIVE = [row for row in load() if row.strategy is Strategy.NATIVE]  # a new native row: use it in EXTENSIONS_APP
EXTENSIONS_APP = """\
from flask import Flask
from flask_bcrypt import Bcrypt
from flask_cors import CORS
from flask_wtf import FlaskForm

app = Flask(__name__)
CORS(app)
bcrypt = Bcrypt(app)


class EmptyForm(FlaskForm):
    pass
"""


@pytest.fixture(scope="module")
def scratch_pip(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """pip of a fresh virtualenv: what is installed here does not help resolution."""
    env_dir = tmp_path_factory.mktemp("resolve-venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    return [str(python), "-m", "pip"]


def _requirements(project: Path) -> list[str]:
    """Every requirement the migrated project declares, from pyproject.toml and requirements*.txt."""
    found: list[str] = []
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        data = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        found += data.get("dependencies", [])
        for extra in data.get("optional-dependencies", {}).values():
            found += extra
    for path in project.glob("requirements*.txt"):
        found += [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.lstrip().startswith(("#", "-"))]
    return found


def _migrate(project: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "quartify", "migrate", str(project)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _resolve(pip: list[str], requirements: list[str]) -> None:
    proc = subprocess.run([*pip, "install", "--dry-run", "--quiet", *requirements],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{requirements} do not resolve:\n{proc.stdout}{proc.stderr}"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_migrated_sample_apps_requirements_resolve(name: str, tmp_path: Path, scratch_pip: list[str]) -> None:
    project = tmp_path / name
    shutil.copytree(SAMPLES[name], project, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "instance"))
    _migrate(project)
    requirements = _requirements(project)
    assert any(r.startswith("quart") for r in requirements)
    _resolve(scratch_pip, requirements)


def test_a_project_using_every_native_extension_resolves_with_its_ports(tmp_path: Path, scratch_pip: list[str]) -> None:
    (tmp_path / "app.py").write_text(EXTENSIONS_APP, encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("flask\n" + "".join(f"{r.dist}\n" for r in NATIVE), encoding="utf-8")
    _migrate(tmp_path)
    requirements = _requirements(tmp_path)
    assert requirements == ["quart>=0.22", *(r.requirement for r in NATIVE)]
    _resolve(scratch_pip, requirements)

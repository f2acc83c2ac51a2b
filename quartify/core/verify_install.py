"""How `quartify verify` installs a project into each of its two virtualenvs, decided from the
project's files alone (no processes here), so the choice can be tested and printed.

- by default the project itself, editable, with its test extra: `pip install -e .[test] pytest`;
- a project with neither pyproject.toml nor setup.py: its requirements*.txt files, plus pytest,
  and the project directory on PYTHONPATH;
- with --system-site-packages, when pyproject.toml lists its dependencies statically, only those
  (already satisfied from the current interpreter, so nothing is downloaded) and the project on
  PYTHONPATH: an editable install would fetch the build backend; other projects are installed
  with --no-build-isolation, using the backend the current interpreter has;
- a user's own shell command (--install-before/--install-after) replaces all of this.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEST_EXTRAS = ("test", "tests", "testing")


@dataclass(frozen=True)
class InstallPlan:
    pip_args: tuple[str, ...] = ()  # `python -m pip install ...` in the venv, when shell is None
    shell: str | None = None  # a user's command, run in the venv instead
    project_on_path: bool = False  # the project is not installed: put its directory on PYTHONPATH

    def describe(self) -> str:
        return self.shell if self.shell is not None else "pip install " + shlex.join(self.pip_args)


def plan_install(
    project: Path, *, extra: str | None, system_site: bool, shell: str | None = None, add: tuple[str, ...] = ()
) -> InstallPlan:
    """The install for `project`; `add` names packages the run needs on top (pytest-asyncio after)."""
    if shell is not None:
        return InstallPlan(shell=shell)
    pyproject = _read_toml(project / "pyproject.toml")
    table: dict[str, Any] = pyproject.get("project", {})
    setup = "\n".join(filter(None, (_read(project / name) for name in ("setup.py", "setup.cfg"))))
    extra = extra or next((name for name in TEST_EXTRAS if _defines_extra(table, setup, name)), None)
    wanted = ("pytest", *add)  # dropped below where the project already names them
    if system_site and table and "dependencies" not in table.get("dynamic", ()):
        own = _normalise(str(table.get("name", "")))
        extras: dict[str, list[str]] = table.get("optional-dependencies", {})
        requirements = [*table.get("dependencies", ()), *(extras.get(extra, ()) if extra else ())]
        kept = tuple(r for r in requirements if _normalise(_requirement_name(r)) != own)
        return InstallPlan(pip_args=(*kept, *_missing(wanted, kept)), project_on_path=True)
    if table or setup or (project / "pyproject.toml").is_file():
        target = f".[{extra}]" if extra else "."
        isolation = ("--no-build-isolation",) if system_site else ()
        return InstallPlan(pip_args=(*isolation, "-e", target, *wanted))
    files = sorted(p.name for p in project.glob("requirements*.txt"))
    return InstallPlan(pip_args=(*(arg for name in files for arg in ("-r", name)), *wanted), project_on_path=True)


def _missing(wanted: tuple[str, ...], requirements: tuple[str, ...]) -> tuple[str, ...]:
    named = {_normalise(_requirement_name(r)) for r in requirements}
    return tuple(w for w in wanted if _normalise(w) not in named)


def _defines_extra(table: dict[str, Any], setup: str, name: str) -> bool:
    if name in table.get("optional-dependencies", {}):
        return True
    return re.search(rf"""(['"]{name}['"]\s*:|^\s*{name}\s*=)""", setup, re.MULTILINE) is not None


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;@(]", requirement.strip(), maxsplit=1)[0]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}

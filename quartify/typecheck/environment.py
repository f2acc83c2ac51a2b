"""Which Python environment mypy resolves imports from, and the packages it has to borrow.

In this order:

1. `python_executable`, when the caller gives one (`--python-executable` of the CLI);
2. the project's virtualenv, when `<root>/.venv` or `<root>/venv` has a Python
   (`bin/python`, or `Scripts/python.exe` on Windows);
3. otherwise quartify's own environment (mypy's default: the interpreter running mypy),
   which has quart installed alongside quartify (a note says so when it has not).

For 1 and 2 mypy is run with `--python-executable`, so it resolves imports (the project's
other dependencies included) from that environment's site-packages. A Flask project's
environment usually does not have quart installed yet; the interpreter is asked (a quick
`python -I -c ...`), and any of `quart`, `flask` and `werkzeug` it lacks is made visible from
quartify's own environment through a temporary `MYPYPATH` directory linking to that
package. When neither environment has quart the result carries a note saying so: without
quart, every Quart call is `Any` to mypy and nothing can be found. An interpreter that cannot
be run is dropped, with a note, for quartify's own environment.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

_VENV_DIRS = (".venv", "venv")
_VENV_PYTHONS = ("bin/python", "Scripts/python.exe")


def find_python_executable(root: Path, given: str | None = None) -> str | None:
    """The interpreter whose environment mypy should see (see `quartify.typecheck.environment`)."""
    if given:
        return given
    root = root.resolve()
    for venv in _VENV_DIRS:
        for relative in _VENV_PYTHONS:
            candidate = root / venv / relative
            if candidate.is_file():  # not resolved: a venv's python is a symlink to the base
                return str(candidate)
    return None


_INJECTABLE = ("quart", "flask", "werkzeug")
_PROBE = (
    "import importlib.util as u\n"
    f"for n in {_INJECTABLE!r}:\n"
    "    print(n, u.find_spec(n) is not None)\n"
)


def _probe(python: str) -> dict[str, bool] | str:
    """Which of quart/flask/werkzeug `python` can import, or why it could not be asked."""
    try:
        done = subprocess.run(
            [python, "-I", "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=tempfile.gettempdir(),
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{exc}"
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
    found: dict[str, bool] = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        found[name] = value == "True"
    return found


def _own_package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _link_package(source: Path, target: Path) -> None:
    try:
        target.symlink_to(source, target_is_directory=True)
    except OSError:  # no symlinks (Windows without the privilege): copy the sources
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.pyd"))


def choose_environment(root: Path, given: str | None, notes: list[str]) -> tuple[str | None, dict[str, Path]]:
    """The --python-executable to use and the packages it lacks that quartify's env can lend."""
    executable = find_python_executable(root, given)
    if executable is None:
        return _own_environment(notes)
    probed = _probe(executable)
    if isinstance(probed, str):
        notes.append(f"cannot run {executable} ({probed}); type-checking with quartify's own environment")
        return _own_environment(notes)
    missing: dict[str, Path] = {}
    for name in _INJECTABLE:
        if probed.get(name, False):
            continue
        own = _own_package_dir(name)
        if own is not None:
            missing[name] = own
        elif name == "quart":
            notes.append(f"quart is installed neither for {executable} nor for quartify: mypy cannot check Quart calls")
    return executable, missing


def _own_environment(notes: list[str]) -> tuple[None, dict[str, Path]]:
    if _own_package_dir("quart") is None:
        notes.append("quart is not installed in quartify's environment: mypy cannot check Quart calls")
    return None, {}


def lend_packages(missing: Mapping[str, Path], scratch: Path) -> str | None:
    """A MYPYPATH directory under `scratch` linking to the `missing` packages (None: nothing to lend)."""
    if not missing:
        return None
    extra = scratch / "extra"
    extra.mkdir()
    for package, source in missing.items():
        _link_package(source, extra / package)
    return str(extra)

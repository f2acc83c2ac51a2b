"""The end-to-end proof: each sample app's own Flask test suite passes under Flask, then
`quartify migrate` converts app, tests and pyproject together, and the converted suite passes
under Quart — every test, no hand edits."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from quartify.cli.options import load_options
from quartify.core.finish import finish
from quartify.core.pipeline import migrate_paths
from tests.e2e.imports_provided import unprovided_imports

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = {
    "bookshelf": ROOT / "examples" / "bookshelf",
    "notesapi": ROOT / "tests" / "fixtures" / "samples" / "notesapi",
    "guestbook": ROOT / "tests" / "fixtures" / "samples" / "guestbook",
    # Factory, Flask-SQLAlchemy, Flask-Login, Flask-WTF with CSRF, blueprints, pytest + unittest.
    "taskboard": ROOT / "tests" / "fixtures" / "samples" / "taskboard",
}
MIN_TESTS = 20


def run_suite(app_dir: Path, *extra: str) -> tuple[int, int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra],
        cwd=app_dir, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(app_dir)},
    )
    passed = sum(int(n) for n in re.findall(r"(\d+) passed", proc.stdout))
    failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)", proc.stdout))
    return passed, failed + (proc.returncode != 0 and passed == 0), proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_converted_suite_passes_under_quart(name: str, tmp_path: Path) -> None:
    check_sample(name, SAMPLES[name], tmp_path)


# `--unsafe-fixes` (requests -> httpx, sqlite3 -> aiosqlite) on every sample, plus linkshelf, whose
# get_db() sqlite3 and requests.Session calls it swaps (bookshelf keeps sqlite3: a QFY170 refusal).
UNSAFE_SAMPLES = {**SAMPLES, "linkshelf": ROOT / "tests" / "fixtures" / "unsafe_apps" / "linkshelf"}
MIN_TESTS_OF = {"linkshelf": 14}


@pytest.mark.parametrize("name", sorted(UNSAFE_SAMPLES))
def test_converted_suite_passes_with_unsafe_fixes(name: str, tmp_path: Path) -> None:
    source = UNSAFE_SAMPLES[name]
    if name in SAMPLES and _same_output(source, tmp_path):
        return  # --unsafe-fixes swaps nothing here: the default case above runs this very output
    check_sample(name, source, tmp_path, "--unsafe-fixes")


def _same_output(source: Path, tmp_path: Path) -> bool:
    """Whether `--unsafe-fixes` writes exactly what the default migration writes (CI time: the
    suites then prove nothing new)."""
    copy = tmp_path / "compare"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "instance"))
    runs = [migrate_paths([copy], load_options((copy,), None, 0, (), None, (), (), unsafe_fixes=unsafe))
            for unsafe in (False, True)]
    texts = [{f.path: f.new_source for f in run.files} for run in runs]
    return texts[0] == texts[1]


def check_sample(name: str, source: Path, tmp_path: Path, *flags: str) -> None:
    app_dir = tmp_path / name
    shutil.copytree(source, app_dir, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "instance"))

    # pytest-asyncio is installed here; a Flask suite with filterwarnings=error needs it off.
    flask_passed, flask_failed, flask_log = run_suite(app_dir, "-p", "no:asyncio")
    minimum = MIN_TESTS_OF.get(name, MIN_TESTS)
    assert flask_failed == 0 and flask_passed >= minimum, f"{name}: the Flask suite must pass first\n{flask_log}"

    # quartify's own check (QFY127): every module its edits import is installed by the migrated
    # dependency files. A dry run of the same migration the console script makes below.
    options = load_options((app_dir,), None, 0, (), None, (), (), unsafe_fixes="--unsafe-fixes" in flags)
    dry = finish(migrate_paths([app_dir], options), app_dir.resolve(),
                 format_code=False, run_typecheck=False, python_executable=None, whole_tree=True)
    assert "quart" in dry.imports.written and dry.imports.all_provided, dry.imports

    migrate = subprocess.run([sys.executable, "-m", "quartify", "migrate", *flags, str(app_dir)],
                             capture_output=True, text=True)
    assert migrate.returncode == 0, migrate.stderr
    project = tomllib.loads((app_dir / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[<>=!~\[; ]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]]
    assert "quart" in names and "flask" not in names
    assert any(dep.startswith("pytest-asyncio") for dep in project["optional-dependencies"]["test"])

    # Passing here must not lean on packages the migrated dependency files no longer name.
    assert unprovided_imports(app_dir) == {}

    quart_passed, quart_failed, quart_log = run_suite(app_dir)
    assert quart_failed == 0, f"{name}: converted tests failed under Quart\n{quart_log}"
    assert quart_passed == flask_passed, f"{name}: {quart_passed} passed under Quart, {flask_passed} under Flask"

"""The type-check pass: mypy before and after migration, only the new errors, classified.

Each fixture is copied to a temporary directory first: walking up from the fixture itself
would find this repository's own `[tool.mypy]` (strict) config, as mypy would.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.typecheck import (
    ErrorClass,
    TypecheckResult,
    find_mypy_config,
    find_python_executable,
    typecheck,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "typecheck"
needs_symlinks = pytest.mark.skipif(
    sys.platform == "win32", reason="the fake project venv is a symlink to this interpreter; Windows needs extra rights to create one"
)
_EXPECT = re.compile(r"#\s*expect:\s*([a-z-]+)")


def tree_hash(root: Path) -> str:
    """Every path under `root` (files, directories, symlinks) and every file's bytes."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            if path.is_symlink():
                digest.update(b"link:" + os.readlink(path).encode())
            elif path.is_file():
                digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def copy_fixture(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    return root


def migrate_and_check(root: Path, python_executable: str | None = None) -> tuple[TypecheckResult, dict[Path, str | None]]:
    """What `--diff --typecheck` does: migrate in memory, type-check, write nothing."""
    before = tree_hash(root)
    result = migrate_paths([root], Options())
    files = {f.path: f.new_source for f in result.files}
    checked = typecheck(root, files, python_executable=python_executable)
    assert tree_hash(root) == before, "the type-check pass changed the user's tree"
    return checked, files


def expected(files: dict[Path, str | None], root: Path) -> set[tuple[str, int, str]]:
    """(path, line, category) of each `# expect: <category>` marker in the migrated sources."""
    marks = set()
    for path, new in files.items():
        if path.suffix != ".py":
            continue
        text = new if new is not None else path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                marks.add((path.relative_to(root).as_posix(), number, match.group(1)))
    return marks


def test_missed_await_reported_at_the_migrated_line(tmp_path: Path) -> None:
    root = copy_fixture("missed", tmp_path)
    checked, files = migrate_and_check(root)

    marks = expected(files, root)
    assert {m for m in marks if m[2] == ErrorClass.MISSED_AWAIT}, "fixture lost its markers"
    found = {(e.path, e.line, e.category) for e in checked.new_errors}
    assert found == marks, checked
    attribute = next(e for e in checked.new_errors if e.category == ErrorClass.MISSED_AWAIT and '"headers"' in e.message)
    assert attribute.code == "attr-defined"
    assert "Coroutine[" in attribute.message
    assert 'forgot to use "await"' in attribute.hint
    assert checked.baseline_count == 0
    assert checked.after_count == len(checked.new_errors)
    assert checked.notes == ()

    # quartify itself is silent about those lines: only the type-check pass finds them.
    result = migrate_paths([root], Options())
    flagged = {(f.path, f.line) for f in result.all_findings()}
    assert not {(path, line) for path, line, category in marks if category == ErrorClass.MISSED_AWAIT} & flagged


def test_a_branch_on_an_unawaited_coroutine_is_a_missed_await(tmp_path: Path) -> None:
    """`if call(request.get_json, silent=True):` after migration branches on a coroutine (always
    true): mypy reports it only with `truthy-bool`, which the pass turns on. The view that
    branches on the awaited value is not reported."""
    root = copy_fixture("truthy", tmp_path)
    checked, files = migrate_and_check(root)

    marks = expected(files, root)
    assert len(marks) == 2 and {m[2] for m in marks} == {ErrorClass.MISSED_AWAIT}
    assert {(e.path, e.line, e.category) for e in checked.new_errors} == marks, checked
    assert {e.code for e in checked.new_errors} == {"truthy-bool"}
    new = files[root / "app.py"]
    assert new is not None and "    if await request.get_json(silent=True):\n" in new  # awaited: not reported


def test_errors_from_before_migration_are_not_new(tmp_path: Path) -> None:
    root = copy_fixture("preexisting", tmp_path)
    checked, files = migrate_and_check(root)

    new = files[root / "app.py"]
    assert new is not None and "import asyncio" in new and "await render_template_string" in new
    assert checked.baseline_count == 4
    assert checked.after_count == 4
    assert checked.new_errors == ()
    assert checked.seconds > 0


@needs_symlinks
def test_project_venv_is_detected_and_still_sees_quart(tmp_path: Path) -> None:
    root = copy_fixture("missed", tmp_path)
    python = root / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    checked, files = migrate_and_check(root)

    # A symlink to an interpreter is a Flask project's venv without quart, seen from mypy:
    # the pass lends it quartify's quart, so the missed awaits are still found.
    assert checked.python_executable == str(python)
    assert {(e.path, e.line, e.category) for e in checked.new_errors} == expected(files, root)
    assert checked.notes == ()


@needs_symlinks
def test_python_executable_detection(tmp_path: Path) -> None:
    assert find_python_executable(tmp_path) is None
    assert find_python_executable(tmp_path, "/opt/py/bin/python") == "/opt/py/bin/python"

    plain = tmp_path / "venv" / "bin" / "python"
    plain.parent.mkdir(parents=True)
    plain.symlink_to(sys.executable)
    assert find_python_executable(tmp_path) == str(plain)

    dotted = tmp_path / ".venv" / "bin" / "python"
    dotted.parent.mkdir(parents=True)
    dotted.symlink_to(sys.executable)
    assert find_python_executable(tmp_path) == str(dotted)  # `.venv` first, not resolved
    assert find_python_executable(tmp_path, "/given") == "/given"

    broken = tmp_path / "broken"
    (broken / ".venv" / "bin").mkdir(parents=True)
    (broken / ".venv" / "bin" / "python").symlink_to(broken / "nowhere")
    assert find_python_executable(broken) is None


def test_mypy_config_lookup(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    (project / "setup.cfg").write_text("[flake8]\nmax-line-length = 100\n")
    assert find_mypy_config(project) is None  # no mypy section, and .git stops the walk

    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\n")
    assert find_mypy_config(project) == tmp_path / "mypy.ini"
    (project / "setup.cfg").write_text("[mypy]\ncheck_untyped_defs = True\n")
    assert find_mypy_config(project) == project / "setup.cfg"
    (project / "pyproject.toml").write_text("[tool.mypy]\nstrict = true\n")
    assert find_mypy_config(project) == project / "pyproject.toml"


def test_in_process_fallback_keeps_the_caller_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without child processes mypy runs here: the working directory and MYPYPATH come back."""
    from quartify.typecheck.runner import Job, run_all

    def no_children(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    (tmp_path / "m.py").write_text('x: int = "a"\n')
    monkeypatch.setattr("quartify.typecheck.runner.subprocess.Popen", no_children)
    monkeypatch.setenv("MYPYPATH", "/somewhere")
    cwd = os.getcwd()
    job = Job(tmp_path, ["--config-file=", "--no-incremental", "--cache-dir", str(tmp_path / "c"), "m.py"], str(tmp_path))
    [(out, _err, status)] = run_all([job], tmp_path)
    assert status == 1 and "m.py:1: error" in out
    assert os.getcwd() == cwd
    assert os.environ["MYPYPATH"] == "/somewhere"


def test_nothing_to_check(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    checked = typecheck(tmp_path, {tmp_path / "requirements.txt": "quart\n"})
    assert checked.new_errors == () and checked.after_count == 0
    assert list(tmp_path.iterdir()) == [tmp_path / "requirements.txt"]

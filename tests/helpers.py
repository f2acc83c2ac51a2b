"""Small helpers the tests share: run the core on one in-memory file, check outputs, run a probe
in a fresh interpreter, migrate a copy of a fixture app with the real command and run its tests
under Flask or under Quart."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from quartify.core.config import Options
from quartify.core.pipeline import InputFile, migrate
from quartify.core.stages import await_outside_async
from quartify.core.types import FileResult

REPO = Path(__file__).resolve().parents[1]


def migrate_one(source: str | bytes, name: str = "module.py") -> FileResult:
    data = source.encode("utf-8") if isinstance(source, str) else source
    module = name[: -len(".py")].replace("/", ".")
    result = migrate([InputFile(Path(name), name, module, False, data)], Options(jobs=1))
    return result.files[0]


def output_of(result: FileResult) -> str:
    return result.new_source if result.new_source is not None else result.old_source


def assert_valid_async(text: str) -> None:
    ast.parse(text)
    assert await_outside_async(text) is None, "await outside async def"


def run_probe(code: str, env: dict[str, str | None] | None = None) -> dict[str, object]:
    """Run `code` in a fresh interpreter with this checkout first on the path, for what changes a
    process for good (the console script's `dataclasses` hooks); the JSON object its last line of
    output prints. `env`: variables to set, or to unset (None)."""
    environ = {**os.environ, "PYTHONPATH": str(REPO)}
    for name, value in (env or {}).items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    done = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Each `files` entry (a path relative to `root`, with folders) written with its text."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def copy_into(directory: Path, sources: Iterable[Path]) -> Path:
    for source in sources:
        shutil.copy(source, directory / source.name)
    return directory


def migrated_copy(directory: Path, sources: Iterable[Path]) -> Path:
    """`sources` copied into `directory` and migrated there as a user would: `quartify migrate DIR`."""
    copy_into(directory, sources)
    proc = subprocess.run([sys.executable, "-m", "quartify", "migrate", str(directory)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return directory


def pytest_under_flask(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A Flask original's own test run: pytest-asyncio off, only `directory` importable."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", *args],
        cwd=directory, capture_output=True, text=True, env={"PYTHONPATH": str(directory), "PATH": ""},
    )


def pytest_run(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A migrated copy's test run under Quart: warnings are errors (a coroutine never awaited fails)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error",
         "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function", *args],
        cwd=directory, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(directory)},
    )

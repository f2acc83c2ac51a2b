"""Small helpers the tests share: run the core on one in-memory file, check outputs, run a probe
in a fresh interpreter."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
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

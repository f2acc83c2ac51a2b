"""Small helpers the tests share: run the core on one in-memory file, and check outputs."""

from __future__ import annotations

import ast
from pathlib import Path

from quartify.core.config import Options
from quartify.core.pipeline import InputFile, migrate
from quartify.core.stages import await_outside_async
from quartify.core.types import FileResult


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

"""`--format-code`: black over the files quartify changed, in-process, with the project's own
`[tool.black]` settings when it has them. Off by default: a migration diff should show the
migration, not a reformat."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from quartify.core.types import FileResult, Finding, RunResult, Severity, Status

if TYPE_CHECKING:
    import black  # imported when a run formats: it costs a check that does not ~0.1 s of start-up


def black_settings(pyproject: Path | None) -> dict[str, object] | None:
    """The project's `[tool.black]` table, or None when it has none."""
    if pyproject is None:
        return None
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    settings = data.get("tool", {}).get("black")
    return dict(settings) if isinstance(settings, dict) else None


def _mode(settings: dict[str, object] | None) -> black.Mode:
    import black

    settings = settings or {}
    line_length = settings.get("line-length", settings.get("line_length", 88))
    skip = settings.get("skip-string-normalization", settings.get("skip_string_normalization", False))
    return black.Mode(line_length=int(str(line_length)), string_normalization=not bool(skip))


def format_changed(result: RunResult, settings: dict[str, object] | None) -> RunResult:
    """Run black on the new source of every changed Python file; a file black cannot format
    keeps quartify's output and gets a finding."""
    import black

    mode = _mode(settings)
    files: list[FileResult] = []
    for item in result.files:
        if item.status is not Status.CHANGED or item.new_source is None or item.path.suffix != ".py":
            files.append(item)
            continue
        try:
            formatted = black.format_str(item.new_source, mode=mode)
        except Exception as exc:  # black's own errors vary by version
            note = Finding("QFY003", Severity.INFO, f"black could not format the output: {exc}", str(item.path), 1)
            files.append(dataclasses.replace(item, findings=(*item.findings, note)))
            continue
        files.append(dataclasses.replace(item, new_source=formatted))
    return dataclasses.replace(result, files=tuple(files))

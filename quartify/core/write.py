"""The write step: put every changed file on disk, one at a time, each atomically.

A file that cannot be written (read-only directory, disk full, ...) becomes a failed file with a
QFY001 finding naming it and the OS error; the other files are still written, and the report and
exit code say what happened. Before writing, the temp files that killed runs left in the
directories discovery walked are removed (see `tempfiles`).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from quartify.core import tempfiles
from quartify.core.source import os_error, write_atomic
from quartify.core.types import FileResult, Finding, RunResult, Severity, Status


def write_changes(result: RunResult, root: Path) -> RunResult:
    """Write each changed file; returns the result with the files that could not be written failed."""
    tempfiles.remove(result.leftovers)
    files = tuple(_write(item, root) if item.status is Status.CHANGED else item for item in result.files)
    return dataclasses.replace(result, files=files)


def _write(item: FileResult, root: Path) -> FileResult:
    assert item.new_source is not None
    shown = _display(item.path, root)
    links = _hard_links(item.path)
    try:
        write_atomic(item.path, item.new_source, item.encoding)
    except (OSError, UnicodeEncodeError) as exc:
        why = os_error(exc) if isinstance(exc, OSError) else f"not representable in {item.encoding}: {exc.reason}"
        failure = Finding("QFY001", Severity.ERROR, f"cannot write {shown}: {why}; the file was left unchanged", shown, 1)
        return dataclasses.replace(
            item, status=Status.FAILED, new_source=None, findings=(*item.findings, failure),
            functions_made_async=0, awaits_added=0,
        )
    if links <= 1:
        return item
    note = Finding("QFY004", Severity.WARNING,
                   f"{shown} had {links} hard links: it was replaced, its other names keep the old text", shown, 1)
    return dataclasses.replace(item, findings=(*item.findings, note))


def _hard_links(path: Path) -> int:
    try:
        return os.stat(path).st_nlink
    except OSError:
        return 1  # a new file (pytest.ini), or one the write will report on


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()

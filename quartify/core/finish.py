"""After the transform, before anything is written: the check that every import the edits wrote
is installed by the migrated dependency files (QFY127), optional black formatting and the mypy
pass. Kept apart from the CLI so every front end (CLI, LSP, tests) finishes a run the same way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from quartify.core.config import find_pyproject
from quartify.core.formatting import black_settings, format_changed
from quartify.core.import_check import NOTHING_EDITED, ImportCheck
from quartify.core.types import RunResult, Status
from quartify.typecheck import Engine

if TYPE_CHECKING:
    from quartify.typecheck import TypecheckResult


@dataclass(frozen=True)
class Finished:
    result: RunResult
    typecheck: TypecheckResult | None
    black_configured: bool
    imports: ImportCheck


def finish(
    result: RunResult,
    root: Path,
    *,
    format_code: bool,
    run_typecheck: bool,
    python_executable: str | None,
    typecheck_engine: Engine = "mypy",
    whole_tree: bool = False,
) -> Finished:
    """`whole_tree`: the run migrates everything it was given (not some files of a larger
    project, as pre-commit and editors do), so a project with no dependency file may get one
    (QFY128); a subset run never adds one."""
    if any(f.status is Status.CHANGED for f in result.files):
        from quartify.deps.provided import with_import_check

        result, imports = with_import_check(result, root, whole_tree=whole_tree)
    else:  # nothing edited: nothing new to install (and the dependency-file machinery stays unloaded)
        imports = NOTHING_EDITED
    black_config = black_settings(find_pyproject(root))
    if format_code:
        result = format_changed(result, black_config)
    checked = None
    if run_typecheck:  # the baseline is read from the untouched tree: run this before writing
        from quartify.typecheck import (
            typecheck,  # the pass's modules load only for --typecheck
        )

        sources = {f.path: f.new_source for f in result.files if f.path.suffix == ".py"}
        checked = typecheck(root, sources, python_executable=python_executable, engine=typecheck_engine)
    return Finished(result, checked, black_config is not None, imports)

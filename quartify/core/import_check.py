"""The outcome of the check that the migrated dependency files install every module the edits
import (QFY127, computed in `quartify.deps.provided`). Kept apart, in a module that imports
nothing heavy, so a run that edited nothing can report an empty check without loading the
dependency-file machinery (a pre-commit re-check of a migrated file pays only for what it uses)."""

from __future__ import annotations

from dataclasses import dataclass

from quartify.core.types import Finding


@dataclass(frozen=True)
class ImportCheck:
    """The outcome for one run: what the edits import from outside the project and the
    standard library, and which of those the dependency files do not provide."""

    written: tuple[str, ...]  # top-level modules the edits added, sorted
    unprovided: tuple[str, ...]
    dependency_files: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def all_provided(self) -> bool:
        return not self.unprovided

    def to_json(self) -> dict[str, object]:
        return {"all_provided": self.all_provided, "written": list(self.written),
                "unprovided": list(self.unprovided), "dependency_files": list(self.dependency_files)}


NOTHING_EDITED = ImportCheck((), (), (), ())

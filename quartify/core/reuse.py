"""A file's transform and text-only verification, kept from one run to the next by a long-lived
caller (the language server's `Workspace`).

An editor keeps several files open and every keystroke analyses all of them again; the files not
being typed in keep their text, and usually their plan. Their transform is a function of the text
and the plan (`stages.transform_file`), and all of their verification but the fixed-point check
is a function of the input and output texts (`stages.check_output`): both are taken from the last
run when those are equal, and only the plan and the fixed-point check (which read the solved
repo) run again. A file whose text changed is transformed and verified afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from quartify.analysis.edits import FilePlan
from quartify.core.stages import Indexed, Output, Transformed


@dataclass(frozen=True)
class _Kept:
    text: str
    module: str
    is_package: bool
    plan: FilePlan
    transformed: Transformed
    output: Output | None  # None: not verified yet, or not kept (only a clean output is)


class Reuse:
    """Per file display name, the last run's transform and clean `check_output` of it."""

    def __init__(self) -> None:
        self._kept: dict[str, _Kept] = {}
        self.hits = 0  # transforms taken from an earlier run (what a test or benchmark can read)

    def transformed(self, item: Indexed, plan: FilePlan) -> Transformed | None:
        """The transform of `item` under `plan` from an earlier run, if its text and plan were these."""
        kept = self._get(item)
        if kept is None or kept.plan != plan:
            return None
        self.hits += 1
        return kept.transformed

    def output(self, item: Indexed, done: Transformed) -> Output | None:
        """The clean `check_output(item, done)` of an earlier run, if it had these texts."""
        kept = self._get(item)
        return kept.output if kept is not None and kept.transformed.source == done.source else None

    def keep(self, item: Indexed, plan: FilePlan, done: Transformed, output: Output | None) -> None:
        clean = output if output is not None and output.problem is None else None
        self._kept[item.display] = _Kept(item.text, item.index.module, item.index.is_package, plan, done, clean)

    def only(self, displays: set[str]) -> None:
        """Forget the files not among `displays` (closed, or no longer transformed)."""
        self._kept = {d: k for d, k in self._kept.items() if d in displays}

    def _get(self, item: Indexed) -> _Kept | None:
        kept = self._kept.get(item.display)
        if kept is None or kept.text != item.text or (kept.module, kept.is_package) != (
                item.index.module, item.index.is_package):
            return None
        return kept

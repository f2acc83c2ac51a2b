"""From the solution to per-file edit plans: `plan_file` dispatches to every registered planner.

The plan is positional (spans from the index), so the LibCST transform only applies it and
never re-resolves a name: one resolver decides, the transform obeys. Each concern's detection
lives in its own planner module (`analysis/planners/`), beside the rewrite that applies it
(`codemods/`); this module only runs them and drops the findings the user silenced.
"""

from __future__ import annotations

from collections.abc import Iterable

from quartify.analysis.edits import Edit, FilePlan
from quartify.analysis.model import ModuleIndex
from quartify.analysis.planners import all_planners, settling_planners
from quartify.analysis.planners.context import FileContext
from quartify.analysis.repo import RepoPlan
from quartify.core.config import Options
from quartify.core.types import Finding

__all__ = ["FilePlan", "RepoPlan", "plan_file", "settling_edits"]


def plan_file(repo: RepoPlan, module: ModuleIndex) -> FilePlan:
    ctx = FileContext(repo, module)
    edits: list[Edit] = []
    findings: list[Finding] = []
    for plan in all_planners():
        for item in plan(ctx):
            if isinstance(item, Finding):
                findings.append(item)
            else:
                edits.append(item)
    return FilePlan.build(module.path, edits, _kept(repo.options, module, findings))


def settling_edits(repo: RepoPlan, module: ModuleIndex) -> tuple[Edit, ...]:
    """The settling edits `plan_file(repo, module)` would hold (`FilePlan.unsettled`), in no set
    order and possibly repeated: only the planners that may yield one run, and nothing is sorted
    (what verification asks of the output)."""
    ctx = FileContext(repo, module)
    return tuple(item for plan in settling_planners() for item in plan(ctx) if isinstance(item, Edit) and item.settles)


def _kept(options: Options, module: ModuleIndex, findings: Iterable[Finding]) -> list[Finding]:
    """Drop findings the user silenced: `--select`/`--ignore`, or `# quartify: ignore[CODE]`."""
    silenced = {line: set(codes) for line, codes in module.suppressions}
    return [
        f for f in findings
        if options.wants(f.code) and not (f.code in silenced.get(f.line, ()) or "ALL" in silenced.get(f.line, ()))
    ]

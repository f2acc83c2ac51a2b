"""A test double's override that became async while the shipped method it overrides stays sync:
shipped callers would get a coroutine (QFY106)."""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.repo import short
from quartify.core.types import Finding, Severity


@planner
def plan_split_overrides(ctx: FileContext) -> Iterator[Finding]:
    repo, linker = ctx.repo, ctx.linker
    for double, shipped in repo.graph.split_overrides:
        func = linker.functions[double]
        if linker.module_of[double] is ctx.module and repo.is_async(double) and not repo.is_async(shipped):
            yield ctx.finding(
                "QFY106", Severity.WARNING,
                f"`{short(double)}` became async but overrides `{short(shipped)}`, which shipped code calls "
                "synchronously: those callers would get a coroutine. Keep the override sync, or make the "
                "shipped method async", func.span.line, func.span.col, chain=repo.chain_steps(double))

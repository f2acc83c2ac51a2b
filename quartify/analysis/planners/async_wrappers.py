"""A def written under a decorator whose wrapper became async, while the def itself stays sync
(a barrier: passed as a value, a property, a CLI command...). Its name now holds the async
wrapper, so every plain call of it gets a coroutine: `if is_allowed():` would always be true.
Views and hooks are fine (Quart awaits them); anything else gets a finding."""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.repo import short
from quartify.core.types import ChainStep, Finding, Severity

_AWAITED_BY_QUART = frozenset({"view", "hook"})


@planner
def plan_async_wrapper_over_sync(ctx: FileContext) -> Iterator[Finding]:
    repo = ctx.repo
    graph = repo.graph
    for facts in ctx.functions:
        func = facts.func
        if repo.is_async(func.qualname) or facts.kind in _AWAITED_BY_QUART:
            continue
        for decorator, defs in sorted(graph.decorated.items()):
            if func.qualname not in defs or not any(repo.is_async(w) for w in graph.wrappers.get(decorator, ())):
                continue
            why = graph.barriers.get(func.qualname, "it is not async")
            yield ctx.finding(
                "QFY109", Severity.ERROR,
                f"`{short(func.qualname)}` stays sync ({why}) but its decorator `{short(decorator)}` now returns an "
                "async wrapper: calling it gives a coroutine. Make it async by hand, or keep a sync copy of the "
                "decorator for it",
                func.span.line, func.span.col,
                chain=(ChainStep(ctx.path, func.span.line, f"{short(func.qualname)} is decorated with {short(decorator)}"),
                       *repo.chain_steps(decorator)))

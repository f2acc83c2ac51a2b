"""`app.view_functions["index"](...)`: a view called through the app's registry is a coroutine
function after the migration, so the call is awaited where the caller is async; where it cannot
be (the endpoint is no literal quartify can follow, a view already async under Flask, a caller
that must stay sync), the call is left and reported (QFY156). The decision is
analysis/view_registry.py's, shared with the colouring."""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.edits import Edit
from quartify.analysis.graph import hands_coroutine_over
from quartify.analysis.model import CTX_OK
from quartify.analysis.planners import planner
from quartify.analysis.planners.asyncify import Await
from quartify.analysis.planners.context import FileContext
from quartify.analysis.repo import short
from quartify.analysis.view_registry import registry_call
from quartify.core.types import Finding, Severity


@planner
def plan_view_registry_calls(ctx: FileContext) -> Iterator[Edit | Finding]:
    kinds = ctx.repo.graph.kinds

    def is_view(qualname: str) -> bool:
        return qualname in kinds and kinds[qualname].kind == "view"

    for facts in ctx.functions:
        for use in facts.func.uses:
            found = registry_call(ctx.linker, facts.func, use, is_view)
            if found is None:
                continue
            why = found.reason
            if not why and use.ctx != CTX_OK:
                why = f"it sits in a {use.ctx}, which cannot contain `await`"
            elif not why and not facts.body_async:
                barrier = ctx.repo.graph.barriers.get(facts.func.qualname, "it is not async")
                why = f"`{short(facts.func.qualname)}` must stay sync: {barrier}"
            if not why:
                yield Await(use.span, use.parens)
                continue
            if hands_coroutine_over(ctx.linker, use):
                continue  # `asyncio.run(app.view_functions["v"]())`: a view async already under Flask
            text = f"{use.text}[...]" if use.ref.endswith("[]") and not use.text.endswith("]") else use.text
            yield ctx.finding(
                "QFY156", Severity.WARNING,
                f"`{text}(...)` calls a view from `app.view_functions`, a coroutine function under Quart "
                f"once the view is async; quartify left it unawaited: {why}",
                use.span.line, use.span.col)

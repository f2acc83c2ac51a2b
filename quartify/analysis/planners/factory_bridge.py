"""An app factory must stay sync (whoever builds the app calls it without awaiting), yet the
helpers it calls can become async (`with app.app_context():` is `async with` in Quart, whose
`AppContext` has no `__enter__`). Left as a plain call, such a helper would build a coroutine
that never runs: the extension it initialises silently never is. Each such call runs the
coroutine to completion on its own event loop in a worker thread,
`ThreadPoolExecutor(1).submit(asyncio.run, setup(app)).result()`, which works whether or not
the factory is called from a running loop (an async test fixture), where a bare `asyncio.run`
would raise."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import CTX_OK, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, FunctionFacts
from quartify.analysis.repo import short
from quartify.core.types import ChainStep, Finding, Severity


@dataclass(frozen=True)
class RunFromFactory(Edit):
    """`helper(app)` -> `ThreadPoolExecutor(1).submit(asyncio.run, helper(app)).result()`."""

    settles = True


def is_factory_bridge(ctx: FileContext, facts: FunctionFacts, use: Use) -> bool:
    """A call in an app factory of a repo function that the migration turns async."""
    if facts.kind != "factory" or facts.body_async or use.kind != "call" or use.awaited or use.ctx != CTX_OK:
        return False
    if facts.func.name.startswith("test"):
        return False  # a test that builds an app: it should become async, not hide its calls in a thread
    callee = ctx.resolve(use.ref)
    func = ctx.linker.functions.get(callee)
    if func is None or func.is_async or func.is_generator:
        return False  # an `async def` the user already called unawaited is theirs to judge
    return ctx.repo.is_async(callee) and ctx.need_await(use, facts.func) is not None


@planner
def plan_factory_bridges(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        for use in facts.func.uses:
            if not is_factory_bridge(ctx, facts, use):
                continue
            callee = ctx.resolve(use.ref)
            yield RunFromFactory(use.span)
            yield ctx.finding(
                "QFY108", Severity.INFO,
                f"`{use.text}()` became async but the app factory `{short(facts.func.qualname)}` stays sync: "
                "it now runs to completion on its own event loop in a worker thread "
                "(anything it creates that is bound to a loop belongs to that finished loop)",
                use.span.line, use.span.col,
                chain=(ChainStep(ctx.path, use.span.line, f"{short(facts.func.qualname)} calls {use.text}()"),
                       *ctx.chain_steps(callee)))

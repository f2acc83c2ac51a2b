"""`with app.app_context():` written in an app factory (`db.create_all()`, reflecting tables,
registering what a database lists). Quart's contexts are async context managers only (no
`__enter__`), and the factory must stay sync, so the `with` cannot simply become `async with`:
left alone it fails with "'AppContext' object does not support the context manager protocol"
each time the app is built. The block moves into a nested `async def` holding the `async with`,
run to completion on its own event loop in a worker thread, the way `factory_bridge.py` runs a
helper that became async:

    async def _in_app_context():
        async with app.app_context():
            db.create_all()
    ThreadPoolExecutor(1).submit(asyncio.run, _in_app_context()).result()

A move, not a rewrite: only when the block binds no name the factory could read afterwards,
leaves the function by no `return`/`break`/`continue` (`WithSite.movable`, from
`analysis/closure_body.py`), and holds nothing that must be awaited (the body stays as it is).
Otherwise QFY102 still reports the `with`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import WithSite
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, FunctionFacts, inside
from quartify.analysis.repo import short
from quartify.core.types import ChainStep, Finding, Severity


@dataclass(frozen=True)
class RunWithFromFactory(Edit):
    """`with ITEMS: BODY` -> `async def NAME(): async with ITEMS: BODY` and
    `ThreadPoolExecutor(1).submit(asyncio.run, NAME()).result()`."""

    name: str  # the nested function's name, free in the module
    settles = True


def is_factory_with(ctx: FileContext, facts: FunctionFacts, site: WithSite) -> bool:
    """A movable sync `with` of async context managers in an app factory that stays sync."""
    if facts.kind != "factory" or facts.body_async or site.is_async or not site.movable:
        return False
    func = facts.func
    if func.name.startswith("test") or not ctx.all_async_items(func, site.items):
        return False
    return not any(inside(use.span, site.span) and not use.awaited and ctx.need_await(use, func) is not None
                   for use in func.uses if use.span not in site.items)


def _free_name(ctx: FileContext, facts: FunctionFacts) -> str:
    taken = {name for name, _ in ctx.module.bindings}
    taken.update(f.name for f in ctx.module.functions)
    taken.update(use.text.partition(".")[0] for use in facts.func.uses)
    name, n = "_in_app_context", 1
    while name in taken:
        n += 1
        name = f"_in_app_context_{n}"
    return name


@planner
def plan_factory_withs(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        for site in facts.func.withs:
            if not is_factory_with(ctx, facts, site):
                continue
            name = _free_name(ctx, facts)
            factory = short(facts.func.qualname)
            yield RunWithFromFactory(site.span, name)
            yield ctx.finding(
                "QFY108", Severity.INFO,
                f"this `with` needs `async with` under Quart, but the app factory `{factory}` stays sync: "
                f"the block now runs in `async def {name}()`, to completion on its own event loop in a "
                "worker thread (anything it creates that is bound to a loop belongs to that finished loop)",
                site.span.line, site.span.col,
                chain=(ChainStep(ctx.path, site.span.line, f"{factory} stays sync: it builds the app"),))

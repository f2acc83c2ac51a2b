"""The colouring made concrete: `def` -> `async def`, `await` at every Quart awaitable and every
call of a function that became async, `with` -> `async with`; and where an await cannot stand
(a lambda, a function that must stay sync, module level), a finding with the chain instead."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.jinja_kinds import is_template_render
from quartify.analysis.model import CTX_OK, FunctionInfo, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.client_calls import response_item
from quartify.analysis.planners.context import FileContext, FunctionFacts
from quartify.analysis.planners.extensions import is_form_construction
from quartify.analysis.planners.factory_bridge import is_factory_bridge
from quartify.analysis.planners.factory_with import is_factory_with
from quartify.analysis.planners.offload import is_runner_offload
from quartify.analysis.planners.raises_lambda import is_raises_lambda_body
from quartify.analysis.planners.unresolved import unresolved_call
from quartify.analysis.planners.unittest_cases import renamed_target
from quartify.analysis.repo import short
from quartify.core.types import ChainStep, Finding, Severity, Span
from quartify.rules.loader import AwaitKind


@dataclass(frozen=True)
class MakeAsync(Edit):
    """`def` -> `async def` (the span of the def)."""

    settles = True


@dataclass(frozen=True)
class Await(Edit):
    """`await` before the call or attribute at `span`: parenthesised when the result is then
    subscripted, called or read (`(await request.form)["x"]`); `as_text` turns `resp.text` into
    `await resp.get_data(as_text=True)`; `maybe` awaits only when the value is awaitable (a wrapper
    that also wraps views quartify cannot see)."""

    parens: bool
    as_text: bool = False
    maybe: bool = False
    settles = True


@dataclass(frozen=True)
class AsyncWith(Edit):
    """`with` -> `async with`; `client` (the span of a test client item) when the body reads `g`
    or `current_app`: the client's app context is entered first (quart-api.md §3.3)."""

    client: Span | None = None
    settles = True


@planner
def plan_make_async(ctx: FileContext) -> Iterator[Edit]:
    for facts in ctx.functions:
        if facts.made_async:
            yield MakeAsync(facts.func.span)


@planner
def plan_awaits(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        for use in facts.func.uses:
            if (is_form_construction(ctx, use) or is_runner_offload(ctx, facts, use) or use.augmented
                    or is_factory_bridge(ctx, facts, use) or is_template_render(ctx.linker, use)
                    or is_raises_lambda_body(ctx, facts, use)):
                continue  # their own planners rewrite them (create_form, to_thread, response_data, factory_bridge, jinja_render, raises_lambda)
            yield from _await_use(ctx, facts, use)
    for use in ctx.module.module_uses:
        what = ctx.need_await(use, None)
        if what and not use.awaited:
            yield ctx.finding(
                "QFY103", Severity.ERROR,
                f"`{what}` must be awaited under Quart, but it runs at {use.ctx}; move it into an async function",
                use.span.line, use.span.col)


def _await_use(ctx: FileContext, facts: FunctionFacts, use: Use) -> Iterator[Edit | Finding]:
    repo, func = ctx.repo, facts.func
    awaited_what = ctx.need_await(use, func)
    if awaited_what is None and use.kind == "call" and not use.awaited:
        yield from unresolved_call(ctx, facts, use)
    if awaited_what is None or use.awaited:
        return
    if facts.body_async and use.ctx == CTX_OK:
        as_text = ctx.kind_of(use) == AwaitKind.AS_TEXT
        unsure = use.ref in repo.graph.wrapper_params.get(func.qualname, ()) and _in_uncertain_family(ctx, func)
        yield Await(use.span, use.parens, as_text, unsure)
        return
    callee = ctx.resolve(use.ref)
    chain = repo.chain_steps(callee) if callee in ctx.linker.functions else ()
    if use.ctx != CTX_OK:
        why = f"it sits in a {use.ctx}, which cannot contain `await`"
    else:
        why = f"`{short(func.qualname)}` must stay sync: {repo.graph.barriers.get(func.qualname, 'it is not async')}"
    yield ctx.finding(
        "QFY101", Severity.ERROR, f"`{awaited_what}` must be awaited under Quart, but {why}; left unchanged",
        use.span.line, use.span.col,
        chain=(ChainStep(ctx.path, use.span.line, f"{short(func.qualname)} uses {awaited_what}"), *chain))


@planner
def plan_async_withs(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        func = facts.func
        for site in func.withs:
            if facts.body_async and not site.is_async and response_item(ctx, func, site.items):
                continue  # unwrapped by the test-client planner
            if site.is_async or not ctx.all_async_items(func, site.items):
                continue
            if is_factory_with(ctx, facts, site):
                continue  # moved into a nested async def run from a worker thread (factory_with)
            if facts.body_async:
                client = _client_item(ctx, func, site.items) if site.touches_app_globals else None
                yield AsyncWith(site.span, client)
                continue
            barrier = ctx.repo.graph.barriers.get(func.qualname, "it is not async")
            yield ctx.finding(
                "QFY102", Severity.ERROR,
                f"this `with` needs `async with` under Quart, but `{short(func.qualname)}` must stay "
                f"sync: {barrier}; left unchanged",
                site.span.line, site.span.col,
                chain=(ChainStep(ctx.path, site.span.line, f"{short(func.qualname)} stays sync: {barrier}"),
                       ChainStep(ctx.path, site.span.line, f"it enters {_with_items_text(func, site.items)}, "
                                 "an async context manager in Quart")))


def _client_item(ctx: FileContext, func: FunctionInfo, items: tuple[Span, ...]) -> Span | None:
    if len(items) == 1 and ctx.item_kind(func, items[0]) == AwaitKind.CONTEXT_VALUE:
        return items[0]
    return None


def _with_items_text(func: FunctionInfo, items: tuple[Span, ...]) -> str:
    texts = [f"{u.text}()" for u in func.uses if u.kind == "call" and u.with_item and u.span in items]
    return ", ".join(texts) or "a context manager"




def _in_uncertain_family(ctx: FileContext, func: FunctionInfo) -> bool:
    """A wrapper that may be handed a sync function: its decorator is applied to something
    quartify cannot see, or to a function that stays sync (a barrier such as a value use)."""
    repo = ctx.repo
    graph = repo.graph
    for decorator, family in graph.wrappers.items():
        if func.qualname not in family:
            continue
        if decorator in graph.uncertain_decorators:
            return True
        if any(not repo.is_async(applied) for applied in graph.applications.get(decorator, ())):
            return True
    return False

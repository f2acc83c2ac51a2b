"""Templates of Quart's async Jinja environment rendered by hand: `t.render(...)` ->
`await t.render_async(...)`.

Quart builds its Jinja environment with `enable_async=True`; `app.jinja_env`, an `overlay()` of
it and every template they load (`get_template`, `select_template`, `get_or_select_template`,
`from_string`) are async. Their sync `render()` and `generate()` call `asyncio.run`, which raises
inside the running loop (quart-api.md §1.12). The linker types these values (`quartify.jinja.*`,
see analysis/jinja_kinds.py), including through properties and by attribute name on values it
cannot otherwise type; `quart_api.toml` lists `render` as an awaitable, so the colouring makes
its caller async like any other.

Here, in a body that is async after the migration, the call is renamed and awaited. Where it
cannot be (a function that must stay sync, a lambda), and for `generate()` / `stream()`, whose
async forms are async iterators that change every consumer, the call is left and reported
(QFY154). A `render()` / `generate()` / `stream()` on a value quartify cannot type but that comes
from a template-loading method is reported too (QFY155): it may be a Quart template.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.jinja_kinds import RENDER, TEMPLATE, untyped
from quartify.analysis.link import join, tokens
from quartify.analysis.model import CTX_OK, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.asyncify import Await
from quartify.analysis.planners.context import FileContext, FunctionFacts
from quartify.analysis.repo import short
from quartify.core.types import ChainStep, Finding, Severity

_ITERATORS = {f"{TEMPLATE}.generate": "generate_async", f"{TEMPLATE}.stream": "generate_async"}
_METHODS = frozenset({"render", "generate", "stream"})
_LOADERS = frozenset({"get_template", "select_template", "get_or_select_template", "from_string", "jinja_env"})


@dataclass(frozen=True)
class RenderAsync(Edit):
    """`t.render(...)` -> `t.render_async(...)` on a Quart template (the call at `span`, which
    gets an `Await` of its own)."""

    settles = True


@planner
def plan_jinja_render(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        for use in facts.func.uses:
            if use.kind != "call" or use.awaited:
                continue
            resolved = ctx.resolve(use.ref)
            if resolved == RENDER:
                yield from _render(ctx, facts, use)
            elif resolved in _ITERATORS:
                yield ctx.finding(
                    "QFY154", Severity.ERROR,
                    f"`{use.text}()` iterates a template of Quart's async Jinja environment: its sync form calls "
                    f"asyncio.run, which fails inside the running loop; use `{_ITERATORS[resolved]}()` (an async "
                    "iterator: `async for`, or hand it to the response as its body); left unchanged",
                    use.span.line, use.span.col)
            elif _plausible_template(ctx, use):
                yield ctx.finding(
                    "QFY155", Severity.WARNING,
                    f"`{use.text}()` may render a template of Quart's async Jinja environment (it comes from "
                    "a template-loading call on a value quartify cannot type): if so, it raises inside the "
                    "running loop; use `await t.render_async(...)` for render(), `t.generate_async(...)` otherwise",
                    use.span.line, use.span.col)


def _render(ctx: FileContext, facts: FunctionFacts, use: Use) -> Iterator[Edit | Finding]:
    if facts.body_async and use.ctx == CTX_OK and use.text.endswith(".render"):  # not `r = t.render; r()`
        yield RenderAsync(use.span)
        yield Await(use.span, use.parens)
        return
    func = facts.func
    if use.ctx != CTX_OK:
        why = f"it sits in a {use.ctx}, which cannot contain `await`"
    elif facts.body_async:
        why = "the bound method is called through another name"
    else:
        why = f"`{short(func.qualname)}` must stay sync: {ctx.repo.graph.barriers.get(func.qualname, 'it is not async')}"
    yield ctx.finding(
        "QFY154", Severity.ERROR,
        f"`{use.text}()` renders a template of Quart's async Jinja environment: its sync render() calls "
        f"asyncio.run, which fails inside the running loop, and it needs `await ...render_async(...)`, but {why}; "
        "left unchanged",
        use.span.line, use.span.col,
        chain=(ChainStep(ctx.path, use.span.line, f"{short(func.qualname)} renders {use.text}()"),))


def _plausible_template(ctx: FileContext, use: Use) -> bool:
    """`x.get_template(...).render()` where `x` cannot be typed: possibly Quart's environment."""
    toks = tokens(use.ref)
    if len(toks) < 3 or toks[-1] not in _METHODS:
        return False
    loader = next((i for i in range(len(toks) - 2, 0, -1) if toks[i] in _LOADERS), None)
    if loader is None:
        return False
    return untyped(ctx.linker, ctx.resolve(join(toks[:loader])))

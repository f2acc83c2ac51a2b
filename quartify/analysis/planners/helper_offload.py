"""The call sites where a view hands a blocking sync helper to a worker thread (`--blocking thread`):
`fetch_quote(s)` -> `await asyncio.to_thread(fetch_quote, s)`, with an INFO finding naming the
helper and the blocking calls it covers. Which helpers qualify is decided once per repo
(analysis/helper_offload.py); the rewrite is the blocking planner's `Offload`."""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.helper_offload import CODE, HelperCall, leaf_name
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.planners.offload import Offload
from quartify.analysis.repo import short
from quartify.core.types import ChainStep, Finding, Safety, Severity


@planner
def plan_helper_offloads(ctx: FileContext) -> Iterator[Offload | Finding]:
    calls = ctx.repo.helper_offloads.calls
    if not calls:
        return
    for facts in ctx.functions:
        for use in facts.func.uses:
            call = calls.get((facts.func.qualname, use.span)) if use.kind == "call" else None
            if call is not None and call.offloaded:
                yield Offload(use.span, use.parens)
                yield _finding(ctx, call)


def covered(call: HelperCall) -> str:
    """`requests.get() (fetch_quote), ...`: the blocking calls a helper's offload covers."""
    names = [f"{s.use.text}() in {leaf_name(s.func)}()" for s in call.covers]
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _finding(ctx: FileContext, call: HelperCall) -> Finding:
    linker = ctx.repo.linker
    chain = (
        ChainStep(ctx.path, call.use.span.line, f"{short(call.caller)} calls {short(call.helper)}"),
        *(ChainStep(linker.module_of[s.func].path, s.use.span.line, f"{short(s.func)} calls {s.use.text}()")
          for s in call.covers),
    )
    name = leaf_name(call.helper)
    return ctx.finding(
        CODE,
        Severity.INFO,
        f"`{call.use.text}()` runs blocking calls ({covered(call)}); Fixed: the whole helper runs in a worker "
        f"thread (`await asyncio.to_thread({name}, ...)`), with the request context copied.",
        call.use.span.line,
        call.use.span.col,
        fix=f"await asyncio.to_thread({name}, ...)",
        safety=Safety.UNSAFE,
        chain=chain,
        group=short(call.helper),
    )

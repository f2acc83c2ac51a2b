"""`copy_current_request_context(f)` handed to a thread (or a green thread) does nothing in Quart.

Quart's `copy_current_request_context` returns an `async def` wrapper (quart-api.md §1.9): a
thread calling it only creates a coroutine, which is never awaited, so the work silently never
happens. The import is renamed like any other, so without this finding the migration would look
complete. There is no one-line rewrite that keeps the thread, so this is an error finding (QFY151)
at the hand-off, saying what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.model import Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Severity

COPY_CONTEXT = frozenset({"flask.copy_current_request_context", "flask.ctx.copy_current_request_context"})
# Callables that run a function in another thread (or greenlet): the argument slot of the function.
_STARTERS = {
    "threading.Thread": ("target", "#1"),
    "threading.Timer": ("function", "#1"),
    "_thread.start_new_thread": ("#0",),
    "gevent.spawn": ("#0",),
    "gevent.spawn_later": ("#1",),
    "eventlet.spawn": ("#0",),
    "eventlet.spawn_n": ("#0",),
}
_ADVICE = (
    "Quart's copy_current_request_context returns an async function: the thread only creates a "
    "coroutine and never runs it, so this work silently never happens. From the async view, run it "
    "on the loop: `asyncio.ensure_future(copy_current_request_context(f)())` (or await it), or use "
    "`current_app.add_background_task(f, ...)` (app context only, no request)"
)


def _thread_slot(ctx: FileContext, use: Use) -> str | None:
    """The thread starter `use` is the function argument of, if any."""
    if use.arg_of is None or use.arg_key is None:
        return None
    starter = ctx.resolve(use.arg_of)
    slots = _STARTERS.get(starter)
    if slots is None and starter.endswith("ThreadPoolExecutor().submit"):
        slots, starter = ("#0",), "executor.submit"
    return starter if slots is not None and use.arg_key in slots else None


def _copies_context(ctx: FileContext, use: Use) -> bool:
    """`copy_current_request_context(f)`, or a function decorated with it."""
    resolved = ctx.resolve(use.ref)
    if use.kind == "call":
        return resolved in COPY_CONTEXT
    func = ctx.linker.functions.get(resolved) if use.kind == "name" else None
    return func is not None and any(ctx.resolve(d.ref) in COPY_CONTEXT for d in func.decorators)


@planner
def plan_context_handoffs(ctx: FileContext) -> Iterator[Finding]:
    for use in ctx.all_uses:
        if use.kind not in ("call", "name"):
            continue
        starter = _thread_slot(ctx, use)
        if starter is not None and _copies_context(ctx, use):
            what = f"{use.text}(...)" if use.kind == "call" else use.text
            yield ctx.finding("QFY151", Severity.ERROR, f"`{what}` handed to {starter}: {_ADVICE}", use.span.line, use.span.col)

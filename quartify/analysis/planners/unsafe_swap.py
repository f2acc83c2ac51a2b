"""Whether a blocking call is fixed by a library swap of `--unsafe-fixes` (then it gets no TODO
and no offload, and its finding says what fixed it). Kept apart from planners/blocking.py so the
default path there reads as before."""

from __future__ import annotations

from quartify.analysis.model import Use
from quartify.analysis.planners.context import FileContext
from quartify.rules.blocking import BlockingRule

SWAPS = ("aiosqlite", "httpx")
FIXED = {
    "sleep": "await asyncio.sleep",
    "thread": "await asyncio.to_thread",
    "aiosqlite": "aiosqlite, awaited (--unsafe-fixes)",
    "httpx": "httpx.AsyncClient, awaited (--unsafe-fixes)",
}


def unsafe_swap(ctx: FileContext, rule: BlockingRule, use: Use) -> str | None:
    """The swap that made this call awaitable, if any."""
    if not ctx.repo.options.unsafe_fixes or ctx.kind_of(use) is None:
        return None
    return next((fix for fix in SWAPS if fix in rule.fixes), None)

"""Calls moved to a worker thread: `await asyncio.to_thread(fn, ...)`.

Two concerns plan this edit: the CLI test runner (`runner.invoke(...)` in an async test needs a
thread with no running loop, since the command it runs bridges with `asyncio.run`), and the
blocking-call planner under `--blocking=thread`. One rewrite serves both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import CTX_OK, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, FunctionFacts
from quartify.rules.loader import AwaitKind


@dataclass(frozen=True)
class Offload(Edit):
    """`f(args)` -> `await asyncio.to_thread(f, args)`, parenthesised when the result is then read."""

    parens: bool = False


def is_runner_offload(ctx: FileContext, facts: FunctionFacts, use: Use) -> bool:
    """`runner.invoke(...)` (a Quart awaitable kind "offload") where `await` can stand."""
    return use.kind == "call" and facts.body_async and use.ctx == CTX_OK and ctx.kind_of(use) == AwaitKind.OFFLOAD


@planner
def plan_runner_offloads(ctx: FileContext) -> Iterator[Offload]:
    for facts in ctx.functions:
        for use in facts.func.uses:
            if is_runner_offload(ctx, facts, use):
                yield Offload(use.span, use.parens)

"""A click command that now needs async work stays a sync command whose body runs under
`asyncio.run` inside the app context (Quart's CLI pushes none; quart-api.md §2.5)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext


@dataclass(frozen=True)
class CliBridge(Edit):
    """The command def at `span` gets `@pass_script_info` and an `asyncio.run` body."""

    settles = True


@planner
def plan_cli_bridges(ctx: FileContext) -> Iterator[Edit]:
    for facts in ctx.functions:
        if facts.bridged:
            yield CliBridge(facts.func.span)

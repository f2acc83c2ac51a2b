"""A generator Quart must run as an async generator (a streamed view or `stream_with_context`
generator) cannot `return` a value: Python rejects it at import. Flask ignores a streamed
generator's return value, so the value is dropped (kept as a statement when evaluating it may
do something). Any other generator returning a value is a colouring barrier (`graph.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Severity


@dataclass(frozen=True)
class DropGeneratorReturn(Edit):
    """`return value` in a generator that becomes async -> `return` (`value; return` if it calls)."""


@planner
def plan_generator_returns(ctx: FileContext) -> Iterator[DropGeneratorReturn | Finding]:
    for facts in ctx.functions:
        func = facts.func
        if not (facts.made_async and func.is_generator):
            continue
        for span in func.value_returns:
            yield DropGeneratorReturn(span)
            yield ctx.finding(
                "QFY107", Severity.INFO,
                f"`{func.name}` becomes an async generator, which cannot return a value: the value is dropped "
                "(Flask ignored it too when streaming)", span.line, span.col)

"""`stream_with_context(gen())` -> `stream_with_context(gen)()`: Quart wraps the generator
function, not a generator; and a module-level `@stream_with_context` cannot work at all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.graph import STREAM_WITH_CONTEXT
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Severity


@dataclass(frozen=True)
class StreamCall(Edit):
    """The generator call `gen()` inside `stream_with_context(gen())`."""


@planner
def plan_streaming(ctx: FileContext) -> Iterator[StreamCall | Finding]:
    linker = ctx.linker
    for func in ctx.module.functions:
        if func.parent is None and any(linker.resolve(d.ref) == STREAM_WITH_CONTEXT for d in func.decorators):
            yield ctx.finding(
                "QFY105",
                Severity.ERROR,
                "Quart's `stream_with_context` copies the request context when it is applied, so at "
                "module level it fails on import; move the generator into the view that streams it",
                func.span.line,
                func.span.col,
            )
        for use in func.uses:
            if use.kind != "call" or use.arg_key != "#0" or not use.arg_of:
                continue
            if linker.resolve(use.arg_of) != STREAM_WITH_CONTEXT:
                continue
            target = linker.resolve(use.ref)
            if target in linker.functions and linker.functions[target].is_generator:
                yield StreamCall(use.span)

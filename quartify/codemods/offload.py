"""Calls moved to a worker thread (`await asyncio.to_thread(fn, ...)`): the CLI runner in async
tests, and blocking calls under `--blocking=thread` (planned in `analysis/planners/offload.py`)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.offload import Offload
from quartify.codemods.base import Concern, Context, awaited
from quartify.core.types import Span


def _comma() -> cst.Comma:
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


class OffloadCliRunner(Concern):
    """`runner.invoke(args=[...])` in async code -> `await asyncio.to_thread(runner.invoke, args=[...])`:
    a command bridged with `asyncio.run` needs a thread without a running loop."""

    node_types = (cst.Call,)
    handles = (Offload,)
    order = 80

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(Offload)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Call):
            return updated
        self.ctx.needed_imports.add(("asyncio", None))
        first = cst.Arg(updated.func.with_changes(lpar=[], rpar=[]),
                        comma=_comma() if updated.args else cst.MaybeSentinel.DEFAULT)
        offloaded = cst.Call(
            func=cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("to_thread")), args=[first, *updated.args]
        )
        self.ctx.awaits_added += 1
        return awaited(offloaded, updated, self.sites[span].parens)



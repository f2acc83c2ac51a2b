"""`stream_with_context(gen())` -> `stream_with_context(gen)()`.

Quart's `stream_with_context` takes an async generator *function* and returns a function
(quart-api.md §2.8); given a generator object it returns a function the view then returns,
which fails at request time. The generator itself is made async by the colour plan.
"""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.streaming import StreamCall
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class CallStreamedGenerator(Concern):
    node_types = (cst.Call,)
    handles = (StreamCall,)
    order = 60

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.inner = set(ctx.plan.sites(StreamCall))
        self.pending: dict[int, cst.Call] = {}

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if not isinstance(updated, cst.Call):
            return updated
        if span in self.inner:
            # Mark the inner call; the enclosing stream_with_context call does the move.
            self.pending[id(updated)] = updated
            return updated
        if updated.args and id(updated.args[0].value) in self.pending:
            inner = self.pending.pop(id(updated.args[0].value))
            first = updated.args[0].with_changes(value=inner.func)
            wrapped = updated.with_changes(args=[first, *updated.args[1:]], lpar=[], rpar=[])
            return cst.Call(func=wrapped, args=inner.args, lpar=updated.lpar, rpar=updated.rpar)
        return updated

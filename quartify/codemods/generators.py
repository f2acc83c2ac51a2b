"""`return value` -> `return` in a generator that became async (planned in
`analysis/planners/generators.py`); a value that may do something when evaluated stays as an
expression statement before the bare `return`."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.generators import DropGeneratorReturn
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span

_INERT = (cst.Name, cst.Attribute, cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)


class DropReturnValue(Concern):
    node_types = (cst.Return,)
    handles = (DropGeneratorReturn,)
    order = 125

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = set(ctx.plan.sites(DropGeneratorReturn))

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Return) or updated.value is None:
            return updated
        bare = updated.with_changes(value=None, whitespace_after_return=cst.MaybeSentinel.DEFAULT)
        if isinstance(updated.value, _INERT):
            return bare
        keep = cst.Expr(value=updated.value, semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" ")))
        return cst.FlattenSentinel([keep, bare])  # type: ignore[return-value]

"""`def` -> `async def`, `with` -> `async with`, and `await` at the planned spans."""

from __future__ import annotations

import libcst as cst

from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class MakeAsync(Concern):
    node_types = (cst.FunctionDef, cst.With)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.defs = set(ctx.plan.make_async)
        self.withs = set(ctx.plan.async_withs)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if isinstance(updated, cst.FunctionDef) and span in self.defs and updated.asynchronous is None:
            self.ctx.functions_made_async += 1
            return updated.with_changes(asynchronous=cst.Asynchronous())
        if isinstance(updated, cst.With) and span in self.withs and updated.asynchronous is None:
            return updated.with_changes(asynchronous=cst.Asynchronous())
        return updated


class InsertAwait(Concern):
    """Wraps a call or attribute in `await`, parenthesised when it is then subscripted,
    called or attribute-accessed (`(await request.form)["x"]`)."""

    node_types = (cst.Call, cst.Attribute)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = {a.span: a.parens for a in ctx.plan.awaits}

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, (cst.Call, cst.Attribute)):
            return updated
        self.ctx.awaits_added += 1
        own_lpar, own_rpar = list(updated.lpar), list(updated.rpar)
        inner = updated.with_changes(lpar=[], rpar=[])
        if self.sites[span] and not own_lpar:
            own_lpar, own_rpar = [cst.LeftParen()], [cst.RightParen()]
        return cst.Await(expression=inner, lpar=own_lpar, rpar=own_rpar)

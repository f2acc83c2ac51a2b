"""`self.assertRaises(E, lambda: CALL)` -> `with self.assertRaises(E):` / `    await CALL` (planned
in `analysis/planners/raises_lambda.py`): the checker's context-manager form, where the call the
lambda wrapped can be awaited."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.raises_lambda import RaisesBlock
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class RewriteRaisesLambda(Concern):
    node_types = (cst.SimpleStatementLine,)
    handles = (RaisesBlock,)
    order = 172  # after the edits inside the lambda's body (renames, keywords of the client call)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(RaisesBlock)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if not self.sites or not isinstance(updated, cst.SimpleStatementLine) or len(updated.body) != 1:
            return updated
        if not any(site.line >= span.line and site.end_line <= span.end_line for site in self.sites):
            return updated
        stmt = updated.body[0]
        if not isinstance(stmt, cst.Expr) or not isinstance(stmt.value, cst.Call) or not stmt.value.args:
            return updated
        call = stmt.value
        func = call.args[-1].value
        if not isinstance(func, cst.Lambda):
            return updated
        leading = list(call.args[:-1])
        leading[-1] = leading[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        checker = call.with_changes(args=leading)
        awaited = cst.SimpleStatementLine(
            body=[cst.Expr(cst.Await(expression=func.body))], trailing_whitespace=updated.trailing_whitespace)
        self.ctx.awaits_added += 1
        return cst.With(items=[cst.WithItem(item=checker)], body=cst.IndentedBlock(body=[awaited]),
                        leading_lines=updated.leading_lines)

"""`X.data OP= Y` -> `X.set_data(await X.get_data() OP Y)` (planned in
`analysis/planners/response_data.py`): Quart's `Response.data` getter is a coroutine."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.response_data import UpdateResponseData
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span

# Right-hand sides that need no parentheses as the right operand of a binary operator.
_ATOMIC = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.SimpleString, cst.ConcatenatedString,
           cst.FormattedString, cst.Integer, cst.Float)


class RewriteResponseDataUpdate(Concern):
    node_types = (cst.AugAssign,)
    handles = (UpdateResponseData,)
    order = 117  # after renames inside the statement; AugAssign is no node any other rewrite takes

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        # The statement's span starts where its target starts (the edit's span).
        self.starts = {(span.line, span.col) for span in ctx.plan.sites(UpdateResponseData)}

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if (span.line, span.col) not in self.starts or not isinstance(updated, cst.AugAssign):
            return updated
        target = updated.target
        if not isinstance(target, cst.Attribute) or target.lpar:
            return updated
        receiver = target.value
        operator_name = type(updated.operator).__name__.removesuffix("Assign")
        operator = getattr(cst, operator_name)()
        right = updated.value
        if not isinstance(right, _ATOMIC) and not right.lpar:
            right = right.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        current = cst.Await(cst.Call(func=cst.Attribute(value=receiver, attr=cst.Name("get_data"))))
        self.ctx.awaits_added += 1
        call = cst.Call(
            func=cst.Attribute(value=receiver, attr=cst.Name("set_data")),
            args=[cst.Arg(cst.BinaryOperation(left=current, operator=operator, right=right))],
        )
        return cst.Expr(value=call)

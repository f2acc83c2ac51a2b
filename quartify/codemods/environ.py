"""`request.environ` reads rewritten to the request attribute Quart has for the same value
(planned by `analysis/planners/environ.py`): headers, scheme, remote address, method."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.environ import EnvironRead
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


def _request_of(environ: cst.BaseExpression) -> cst.BaseExpression | None:
    """`request` from `request.environ` (the request expression as already rewritten)."""
    if isinstance(environ, cst.Attribute) and environ.attr.value == "environ" and not environ.lpar:
        return environ.value
    return None


def _string_like(original: cst.BaseExpression, text: str) -> cst.SimpleString:
    """`text` as a literal quoted like `original` (single or double quotes)."""
    quote = "'" if isinstance(original, cst.SimpleString) and original.value.endswith("'") else '"'
    return cst.SimpleString(f"{quote}{text}{quote}")


class RewriteEnvironRead(Concern):
    node_types = (cst.Call, cst.Subscript)
    handles = (EnvironRead,)
    order = 75  # after renames (the request expression may be `quart.request` by then)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(EnvironRead)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        edit = self.sites.get(span)
        if edit is None:
            return updated
        if isinstance(updated, cst.Call) and not edit.subscript:
            return self._call(edit, updated)
        if isinstance(updated, cst.Subscript) and edit.subscript:
            return self._subscript(edit, updated)
        return updated

    def _call(self, edit: EnvironRead, call: cst.Call) -> cst.BaseExpression:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "get"):
            return call
        request = _request_of(func.value)
        args = call.args
        if request is None or not 1 <= len(args) <= 2 or any(a.keyword or a.star for a in args):
            return call
        if edit.header is not None:
            key = args[0].with_changes(value=_string_like(args[0].value, edit.header))
            headers = cst.Attribute(value=request, attr=cst.Name("headers"))
            return call.with_changes(func=func.with_changes(value=headers), args=[key, *args[1:]])
        assert edit.attribute is not None
        value = cst.Attribute(value=request, attr=cst.Name(edit.attribute), lpar=call.lpar, rpar=call.rpar)
        if len(args) == 1:
            return value
        # `environ.get(key, default)`: Quart always has the value; keep the default for a falsy one.
        lpar = call.lpar or [cst.LeftParen()]
        rpar = call.rpar or [cst.RightParen()]
        return cst.BooleanOperation(
            left=value.with_changes(lpar=[], rpar=[]), operator=cst.Or(), right=args[1].value, lpar=lpar, rpar=rpar
        )

    def _subscript(self, edit: EnvironRead, subscript: cst.Subscript) -> cst.BaseExpression:
        request = _request_of(subscript.value)
        if request is None or len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
            return subscript
        if edit.header is not None:
            index = subscript.slice[0].slice
            key = index.with_changes(value=_string_like(index.value, edit.header))
            headers = cst.Attribute(value=request, attr=cst.Name("headers"))
            return subscript.with_changes(value=headers, slice=[subscript.slice[0].with_changes(slice=key)])
        assert edit.attribute is not None
        return cst.Attribute(value=request, attr=cst.Name(edit.attribute), lpar=subscript.lpar, rpar=subscript.rpar)

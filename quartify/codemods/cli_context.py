"""`with_appcontext=True` added to app-group command decorators (planned by
`analysis/planners/cli_context.py`): Quart's commands get no app context otherwise."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.cli_context import CommandAppContext
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span

_KEYWORD = "with_appcontext"


def _with_keyword(call: cst.Call) -> cst.Call:
    if any(a.star == "**" or (a.keyword is not None and a.keyword.value == _KEYWORD) for a in call.args):
        return call
    args = list(call.args)
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    elif args and isinstance(args[-1].comma, cst.Comma):
        # A trailing comma (one argument per line): the new keyword goes on its own line, indented
        # like the argument before it, and takes over the trailing comma.
        last = args[-1].comma
        indent = args[-2].comma.whitespace_after if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) else call.whitespace_before_args
        new = cst.Arg(keyword=cst.Name(_KEYWORD), value=cst.Name("True"), equal=_EQUAL, comma=last)
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=indent))
        return call.with_changes(args=[*args, new])
    return call.with_changes(args=[*args, cst.Arg(keyword=cst.Name(_KEYWORD), value=cst.Name("True"), equal=_EQUAL)])


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


class AddCommandAppContext(Concern):
    node_types = (cst.Call, cst.Attribute)
    handles = (CommandAppContext,)
    order = 45  # after renames, like the keyword renames

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(CommandAppContext)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites:
            return updated
        if isinstance(updated, cst.Call):
            return _with_keyword(updated)
        if isinstance(updated, cst.Attribute):  # a bare `@app.cli.command`
            return cst.Call(func=updated, args=[cst.Arg(keyword=cst.Name(_KEYWORD), value=cst.Name("True"), equal=_EQUAL)])
        return updated

"""requests -> httpx rewrites (`--unsafe-fixes`, planned in `analysis/planners/unsafe_http.py`)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.unsafe_http import HELPER, HttpCall, HttpException, HttpResponseOk
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span

_KEYWORDS = {"allow_redirects": "follow_redirects"}


class HttpxClient(Concern):
    """`requests.get(u, allow_redirects=False)` -> `quartify_http.client().get(u, follow_redirects=False)`
    (InsertAwait, 110, then awaits it); `r.ok` -> `r.is_success`; `requests.HTTPError` ->
    `httpx.HTTPStatusError`."""

    node_types = (cst.Call, cst.Attribute)
    handles = (HttpCall, HttpResponseOk, HttpException)
    order = 78  # before InsertAwait (110) wraps the call

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.calls = ctx.plan.sites(HttpCall)
        self.oks = set(ctx.plan.sites(HttpResponseOk))
        self.exceptions = ctx.plan.sites(HttpException)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if isinstance(updated, cst.Call) and span in self.calls:
            edit = self.calls[span]
            self.ctx.needed_imports.add((edit.helper_package, HELPER) if edit.helper_package else (HELPER, None))
            client = cst.Call(func=cst.Attribute(value=cst.Name(HELPER), attr=cst.Name("client")))
            args = [_keyword(arg) for arg in updated.args]
            return updated.with_changes(func=cst.Attribute(value=client, attr=cst.Name(edit.verb)), args=args)
        if isinstance(updated, cst.Attribute) and span in self.oks:
            return updated.with_changes(attr=cst.Name("is_success"))
        if isinstance(updated, cst.Attribute) and span in self.exceptions:
            self.ctx.needed_imports.add(("httpx", None))
            return cst.Attribute(value=cst.Name("httpx"), attr=cst.Name(self.exceptions[span].name),
                                 lpar=updated.lpar, rpar=updated.rpar)
        return updated


def _keyword(arg: cst.Arg) -> cst.Arg:
    if arg.keyword is None:
        return arg
    name = arg.keyword.value
    if name == "data" and isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return arg.with_changes(keyword=cst.Name("content"))
    if name in _KEYWORDS:
        return arg.with_changes(keyword=cst.Name(_KEYWORDS[name]))
    return arg

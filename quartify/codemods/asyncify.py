"""`def` -> `async def`, `with` -> `async with`, and `await` at the planned spans."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.index import MAYBE_AWAIT_NAME
from quartify.analysis.planners import asyncify as planned
from quartify.analysis.planners import unittest_cases
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class MakeAsync(Concern):
    node_types = (cst.FunctionDef, cst.With)
    handles = (planned.MakeAsync, planned.AsyncWith)
    order = 130
    reads_body = False  # only `async`, and the `with` items
    reads_leading_lines = False

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.defs = set(ctx.plan.sites(planned.MakeAsync))
        self.withs = ctx.plan.sites(planned.AsyncWith)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if isinstance(updated, cst.FunctionDef) and span in self.defs and updated.asynchronous is None:
            self.ctx.functions_made_async += 1
            return updated.with_changes(asynchronous=cst.Asynchronous())
        if isinstance(updated, cst.With) and span in self.withs and updated.asynchronous is None:
            if self.withs[span].client is not None and len(updated.items) == 1:
                # Quart keeps only the request context after a client call: `g` and
                # `current_app` need the app context around it (quart-api.md §3.3).
                client = updated.items[0].item
                context = cst.Call(
                    func=cst.Attribute(value=cst.Attribute(value=client, attr=cst.Name("app")), attr=cst.Name("app_context"))
                )
                first = cst.WithItem(item=context, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                updated = updated.with_changes(items=[first, *updated.items])
            return updated.with_changes(asynchronous=cst.Asynchronous())
        return updated


class InsertAwait(Concern):
    """Wraps a call or attribute in `await`, parenthesised when it is then subscripted,
    called or attribute-accessed (`(await request.form)["x"]`)."""

    node_types = (cst.Call, cst.Attribute)
    handles = (planned.Await,)
    order = 110

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(planned.Await)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        site = self.sites.get(span)
        if site is None or not isinstance(updated, (cst.Call, cst.Attribute)):
            return updated
        self.ctx.awaits_added += 1
        own_lpar, own_rpar = list(updated.lpar), list(updated.rpar)
        inner: cst.BaseExpression = updated.with_changes(lpar=[], rpar=[])
        if site.as_text and isinstance(updated, cst.Attribute):
            inner = cst.Call(
                func=updated.with_changes(attr=cst.Name("get_data"), lpar=[], rpar=[]),
                args=[cst.Arg(value=cst.Name("True"), keyword=cst.Name("as_text"),
                              equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))],
            )
        if site.maybe:
            # `(await _quartify_rv) if inspect.isawaitable(_quartify_rv := view(...)) else _quartify_rv`
            self.ctx.needed_imports.add(("inspect", None))
            name = cst.Name(MAYBE_AWAIT_NAME)
            test = cst.Call(
                func=cst.Attribute(value=cst.Name("inspect"), attr=cst.Name("isawaitable")),
                args=[cst.Arg(cst.NamedExpr(target=name, value=inner))],
            )
            body = cst.Await(expression=name, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            lpar = own_lpar or [cst.LeftParen()]
            rpar = own_rpar or [cst.RightParen()]
            return cst.IfExp(test=test, body=body, orelse=name, lpar=lpar, rpar=rpar)
        if site.parens and not own_lpar:
            own_lpar, own_rpar = [cst.LeftParen()], [cst.RightParen()]
        return cst.Await(expression=inner, lpar=own_lpar, rpar=own_rpar)


class AsyncTestCase(Concern):
    """`unittest.TestCase` with async tests -> `IsolatedAsyncioTestCase`; an async `setUp`
    becomes `asyncSetUp` (unittest would call a coroutine `setUp` without awaiting it)."""

    node_types = (cst.ClassDef, cst.FunctionDef)
    handles = (unittest_cases.AsyncTestCase, unittest_cases.RenameHook)
    order = 140
    reads_body = False  # the bases and the name only
    reads_leading_lines = False

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.classes = set(ctx.plan.sites(unittest_cases.AsyncTestCase))
        self.renames = {span: e.new for span, e in ctx.plan.sites(unittest_cases.RenameHook).items()}

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if isinstance(updated, cst.FunctionDef) and span in self.renames:
            return updated.with_changes(name=cst.Name(self.renames[span]))
        if not isinstance(updated, cst.ClassDef) or span not in self.classes:
            return updated
        bases = []
        for arg in updated.bases:
            value = arg.value
            if isinstance(value, cst.Attribute) and value.attr.value == "TestCase":
                arg = arg.with_changes(value=value.with_changes(attr=cst.Name("IsolatedAsyncioTestCase")))
            elif isinstance(value, cst.Name) and value.value == "TestCase":
                arg = arg.with_changes(value=cst.Name("IsolatedAsyncioTestCase"))
                self.ctx.needed_imports.add(("unittest", "IsolatedAsyncioTestCase"))
            bases.append(arg)
        return updated.with_changes(bases=bases)

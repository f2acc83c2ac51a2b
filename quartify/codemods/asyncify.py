"""`def` -> `async def`, `with` -> `async with`, and `await` at the planned spans."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.index import MAYBE_AWAIT_NAME
from quartify.analysis.planners import asyncify as planned
from quartify.analysis.planners import unittest_cases
from quartify.analysis.edits import Edit
from quartify.codemods.base import Concern, Context, TextForm
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

    def text_form(self, edit: Edit, source: str, start: int, end: int) -> TextForm | None:
        # A sync def's span starts at its `def` keyword (its decorators sit above it).
        if type(edit) is not planned.MakeAsync or not source.startswith("def", start):
            return None
        return TextForm("async ") if source[start + 3 : start + 4] in _GAPS else None

    def took_text_form(self, edit: Edit) -> None:
        self.ctx.functions_made_async += 1


_GAPS = frozenset((" ", "\t", "\\", "\f"))  # what may follow a keyword before the next token


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

    def text_form(self, edit: Edit, source: str, start: int, end: int) -> TextForm | None:
        # Only plain awaits: `maybe` and `as_text` build new expressions. A node that may have its
        # own parentheses is left to LibCST: `leave` moves them onto the `await`.
        if not isinstance(edit, planned.Await) or edit.maybe or edit.as_text:
            return None
        if not _call_or_attribute(source[start:end]):
            return None
        if not edit.parens:
            return TextForm("await ")  # own parentheses, if any, stay around it as `leave` keeps them
        return None if _maybe_parenthesised(source, start, end) else TextForm("(await ", ")")

    def took_text_form(self, edit: Edit) -> None:
        self.ctx.awaits_added += 1


def _call_or_attribute(text: str) -> bool:
    """Whether the span's text is that of a call or an attribute (what `leave` rewrites), not
    starting with a parenthesis."""
    if not text or text[0] == "(":
        return False
    return text.endswith(")") or text.rpartition(".")[2].strip().isidentifier() and "." in text


def _maybe_parenthesised(source: str, start: int, end: int) -> bool:
    """Whether parentheses of the node's own may sit around `source[start:end]`: the text before
    it on its line ends with `(` and the text after it on its line starts with `)`, or either is
    not on the same line (a comment or a line break may hide them)."""
    newline = source.rfind("\n", 0, start)  # (each search stops at the line: a file may hold no CR at all)
    line_start = max(newline, source.rfind("\r", newline + 1, start)) + 1
    before = source[line_start:start].rstrip(" \t")
    newline = source.find("\n", end)
    line_end = len(source) if newline < 0 else newline
    cr = source.find("\r", end, line_end)
    after = source[end : line_end if cr < 0 else cr].lstrip(" \t")
    if not before.endswith("(") and before:
        return False
    return not after or after[0] in ")#\\"


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

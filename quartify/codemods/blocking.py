"""Blocking-call fixes: the safe `time.sleep` -> `await asyncio.sleep` swap, and `# TODO(quartify)`
comments above calls that need a hand (written once: a second run finds them and adds none)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.blocking import SleepCall, TodoComment
from quartify.codemods.base import Concern, Context, awaited
from quartify.core.types import Span


class AsyncSleep(Concern):
    node_types = (cst.Call,)
    handles = (SleepCall,)
    order = 90

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(SleepCall)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Call):
            return updated
        self.ctx.needed_imports.add(("asyncio", None))
        self.ctx.awaits_added += 1
        call = updated.with_changes(
            func=cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("sleep")), lpar=[], rpar=[]
        )
        return awaited(call, updated, self.sites[span].parens)


def _inside(inner: Span, outer: Span) -> bool:
    return (inner.line, inner.col) >= (outer.line, outer.col) and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)


class TodoComments(Concern):
    """Puts each planned TODO on the statement holding the call: a simple statement, or the
    header line of a compound one (`if requests.get(...).ok:`)."""

    node_types = (cst.SimpleStatementLine, cst.If, cst.While, cst.For, cst.With, cst.Try)
    handles = (TodoComment,)
    order = 160
    reads_body = False  # a compound statement's TODO goes above its header

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.todos = [(t.span, t.text) for t in ctx.plan.of(TodoComment)]
        self.placed: set[Span] = set()

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if not isinstance(updated, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return updated
        mine = [
            (call, text) for call, text in self.todos
            if call not in self.placed and _inside(call, span)
            and (isinstance(updated, cst.SimpleStatementLine) or call.line == span.line)
        ]
        if not mine:
            return updated
        existing = {line.comment.value for line in updated.leading_lines if line.comment is not None}
        lines = list(updated.leading_lines)
        for call, text in mine:
            self.placed.add(call)
            comment = f"# {text}"
            code = " ".join(text.split(" ", 2)[:2])  # "TODO(quartify): QFY260": one per code per statement
            if not any(code in e for e in existing):
                lines.append(cst.EmptyLine(comment=cst.Comment(comment)))
                existing.add(comment)
        return updated.with_changes(leading_lines=lines)

"""Calls into a unittest family that became async: `super().setUp()` -> `await
super().asyncSetUp()` (the hook was renamed), `self.addCleanup(ctx.pop)` ->
`self.addAsyncCleanup(ctx.pop)` (the cleanup is a coroutine function)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners import unittest_cases as planned
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


def _renamed(call: cst.Call, new: str) -> cst.Call | None:
    if not isinstance(call.func, cst.Attribute):
        return None
    return call.with_changes(func=call.func.with_changes(attr=cst.Name(new)))


class RewriteUnittestCalls(Concern):
    node_types = (cst.Call,)
    handles = (planned.HookCall, planned.AsyncCleanup)
    order = 105  # renames the call before InsertAwait (110) wraps it

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.hooks = ctx.plan.sites(planned.HookCall)
        self.cleanups = set(ctx.plan.sites(planned.AsyncCleanup))

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if not isinstance(updated, cst.Call):
            return updated
        if span in self.cleanups:
            return _renamed(updated, "addAsyncCleanup") or updated
        edit = self.hooks.get(span)
        renamed = _renamed(updated, edit.new) if edit is not None else None
        if edit is None or renamed is None:
            return updated
        if not edit.await_it:
            return renamed
        self.ctx.awaits_added += 1
        return cst.Await(expression=renamed.with_changes(lpar=[], rpar=[]), lpar=renamed.lpar, rpar=renamed.rpar)

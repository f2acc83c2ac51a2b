"""`t.render(...)` -> `t.render_async(...)` on a template of Quart's async Jinja environment
(planned by `analysis/planners/jinja_render.py`; the `await` is InsertAwait's)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.jinja_render import RenderAsync
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class RewriteRenderAsync(Concern):
    node_types = (cst.Call,)
    handles = (RenderAsync,)
    order = 97  # before InsertAwait (110) wraps the call

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(RenderAsync)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Call):
            return updated
        func = updated.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "render"):
            return updated
        return updated.with_changes(func=func.with_changes(attr=cst.Name("render_async")))

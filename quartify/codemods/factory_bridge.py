"""`helper(app)` in an app factory -> `ThreadPoolExecutor(1).submit(asyncio.run, helper(app)).result()`
(planned in `analysis/planners/factory_bridge.py`): the factory stays sync, the helper that
became async still runs before the factory returns."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.factory_bridge import RunFromFactory
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class RunHelperFromFactory(Concern):
    node_types = (cst.Call,)
    handles = (RunFromFactory,)
    order = 113  # after renames and keyword edits of the call; no await is planned on it

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = set(ctx.plan.sites(RunFromFactory))

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Call):
            return updated
        self.ctx.needed_imports.add(("asyncio", None))
        self.ctx.needed_imports.add(("concurrent.futures", "ThreadPoolExecutor"))
        lpar, rpar = list(updated.lpar), list(updated.rpar)
        inner = updated.with_changes(lpar=[], rpar=[])
        pool = cst.Call(func=cst.Name("ThreadPoolExecutor"), args=[cst.Arg(cst.Integer("1"))])
        submit = cst.Call(
            func=cst.Attribute(value=pool, attr=cst.Name("submit")),
            args=[cst.Arg(cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("run"))), cst.Arg(inner)],
        )
        return cst.Call(func=cst.Attribute(value=submit, attr=cst.Name("result")), lpar=lpar, rpar=rpar)

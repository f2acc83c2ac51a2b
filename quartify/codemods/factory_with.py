"""`with ITEMS: BODY` in an app factory -> a nested `async def` holding `async with ITEMS: BODY`,
run by `ThreadPoolExecutor(1).submit(asyncio.run, NAME()).result()` (planned in
`analysis/planners/factory_with.py`): the factory stays sync and the block still runs, inside
Quart's app context, before the factory goes on."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.factory_with import RunWithFromFactory
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class RunWithFromFactoryRewrite(Concern):
    node_types = (cst.With,)
    handles = (RunWithFromFactory,)
    order = 165  # last on the `with`: the edits inside its body and items are already applied

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(RunWithFromFactory)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        edit = self.sites.get(span)
        if edit is None or not isinstance(updated, cst.With) or updated.asynchronous is not None:
            return updated
        self.ctx.needed_imports.add(("asyncio", None))
        self.ctx.needed_imports.add(("concurrent.futures", "ThreadPoolExecutor"))
        inner = updated.with_changes(asynchronous=cst.Asynchronous(), leading_lines=[])
        nested = cst.FunctionDef(
            name=cst.Name(edit.name),
            params=cst.Parameters(),
            body=cst.IndentedBlock(body=[inner]),
            asynchronous=cst.Asynchronous(),
            leading_lines=updated.leading_lines,
        )
        pool = cst.Call(func=cst.Name("ThreadPoolExecutor"), args=[cst.Arg(cst.Integer("1"))])
        submit = cst.Call(
            func=cst.Attribute(value=pool, attr=cst.Name("submit")),
            args=[cst.Arg(cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("run"))),
                  cst.Arg(cst.Call(func=cst.Name(edit.name)))],
        )
        run = cst.SimpleStatementLine(
            body=[cst.Expr(cst.Call(func=cst.Attribute(value=submit, attr=cst.Name("result"))))])
        return cst.FlattenSentinel([nested, run])  # type: ignore[return-value]

"""`get_template_attribute(name, attr)` -> `getattr(await current_app.jinja_env.get_template(name)
.make_module_async(), attr)`: Jinja builds a template module in async mode only with
`make_module_async()` (the planner awaits the macro calls alongside; see its module)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.template_attribute import AsyncTemplateModule
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class AsyncTemplateModuleLoad(Concern):
    node_types = (cst.Call,)
    handles = (AsyncTemplateModule,)
    order = 95  # before InsertAwait (110) awaits a direct call of the result

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(AsyncTemplateModule)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Call) or len(updated.args) != 2:
            return updated
        name, attribute = (arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in updated.args)
        self.ctx.needed_imports.add(("quart", "current_app"))
        self.ctx.awaits_added += 1
        env = cst.Attribute(value=cst.Name("current_app"), attr=cst.Name("jinja_env"))
        template = cst.Call(func=cst.Attribute(value=env, attr=cst.Name("get_template")), args=[name])
        module = cst.Await(cst.Call(func=cst.Attribute(value=template, attr=cst.Name("make_module_async"))))
        return updated.with_changes(func=cst.Name("getattr"), args=[cst.Arg(module), attribute])

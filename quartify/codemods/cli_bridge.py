"""A click command that now needs async work keeps a sync body that runs it with `asyncio.run`.

Quart's CLI pushes no app context and an `async def` command silently does nothing
(quart-api.md §2.5), so the command takes the app from `pass_script_info`, and the old body runs
inside `async with app.app_context()` in a nested coroutine. Flask's `@with_appcontext` is
dropped: Quart's version runs the command inside a loop, where `asyncio.run` cannot nest.
"""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.cli_bridge import CliBridge
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span

_INFO = "script_info"


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _decorator_name(dec: cst.Decorator) -> str:
    node = dec.decorator
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Name):
        return node.value
    return ""


class BridgeCliCommand(Concern):
    node_types = (cst.FunctionDef,)
    handles = (CliBridge,)
    order = 120
    reads_leading_lines = False  # but its body, yes

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = set(ctx.plan.sites(CliBridge))

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.FunctionDef):
            return updated
        if not isinstance(updated.body, cst.IndentedBlock):
            return updated
        body = list(updated.body.body)
        head = [body.pop(0)] if body and _is_docstring(body[0]) else []
        inner_with = cst.With(
            items=[
                cst.WithItem(
                    cst.parse_expression(f"{_INFO}.load_app().app_context()")
                )
            ],
            body=cst.IndentedBlock(body=body),
            asynchronous=cst.Asynchronous(),
        )
        runner = cst.FunctionDef(
            name=cst.Name("_run"),
            params=cst.Parameters(),
            body=cst.IndentedBlock(body=[inner_with]),
            asynchronous=cst.Asynchronous(),
        )
        call = cst.parse_statement("asyncio.run(_run())")
        new_body = [*head, runner, call]
        decorators = [d for d in updated.decorators if _decorator_name(d) != "with_appcontext"]
        decorators.append(cst.Decorator(decorator=cst.Name("pass_script_info")))
        params = updated.params.with_changes(
            params=[cst.Param(name=cst.Name(_INFO)), *updated.params.params]
        )
        self.ctx.needed_imports.add(("asyncio", None))
        self.ctx.needed_imports.add(("quart.cli", "pass_script_info"))
        return updated.with_changes(
            body=updated.body.with_changes(body=new_body), decorators=decorators, params=params
        )

"""Assigning to a request attribute that Quart makes an awaitable property fails.

Flask's `request.form`, `json`, `data`, `files` and `values` are cached properties a hook can
overwrite (`request.form = cleaned`); Quart's are read-only async properties, so the assignment
raises `AttributeError` at run time. (`request.args`, `headers` and `cookies` stay assignable.)
A finding (QFY152) at each such assignment: there is no faithful rewrite.
"""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Severity
from quartify.rules.loader import AwaitKind

REQUEST = "flask.Request()."


@planner
def plan_request_stores(ctx: FileContext) -> Iterator[Finding]:
    for span, ref in ctx.module.attribute_stores:
        resolved = ctx.resolve(ref)
        awaitable = ctx.api.awaitables.get(resolved)
        # Only the request's: Quart's Response.data does have a setter.
        if awaitable is None or awaitable.kind != AwaitKind.PROPERTY or not resolved.startswith(REQUEST):
            continue
        name = ref.rsplit(".", 1)[-1]
        yield ctx.finding(
            "QFY152", Severity.ERROR,
            f"assigning `.{name}`: Quart's `{name}` is a read-only awaitable property, so this raises AttributeError; "
            f"keep the new value elsewhere (a local, `g`) and read it from there",
            span.line, span.col,
        )

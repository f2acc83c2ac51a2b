"""`get_template_attribute(...)`: Quart keeps the name but it raises on every call.

Quart's version reads `template.module`, which Jinja refuses in async mode (RuntimeError "Module
is not available in async mode"), and Quart's Jinja environment is always async. Quart has no
async equivalent; Jinja has `await template.make_module_async()`, whose macros then return
coroutines. That is two coupled changes (the load and every call of what it returned), so
quartify reports both places as errors (QFY153) instead of rewriting half of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Severity

_HELPER = "flask.get_template_attribute"
_LOAD = (
    "`{text}` raises under Quart (Jinja refuses `template.module` in async mode, and Quart has no async "
    "get_template_attribute): use `getattr(await current_app.jinja_env.get_template(name)"
    ".make_module_async(), attribute)` in an async function, then await each call of the macro"
)
_CALL = (
    "`{text}` calls a macro from get_template_attribute: loaded with `make_module_async()` under Quart, "
    "a macro returns a coroutine, so this call needs `await` (a sync call would get a coroutine, not text)"
)


@planner
def plan_template_attribute(ctx: FileContext) -> Iterator[Finding]:
    for use in ctx.all_uses:
        if use.kind != "call":
            continue
        resolved = ctx.resolve(use.ref)
        if resolved == _HELPER:
            message = _LOAD
        elif resolved == f"{_HELPER}()":  # the macro the helper returned, called
            message = _CALL
        else:
            continue
        yield ctx.finding("QFY153", Severity.ERROR, message.format(text=use.text), use.span.line, use.span.col)

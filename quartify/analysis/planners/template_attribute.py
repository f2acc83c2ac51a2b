"""`get_template_attribute(...)`: Quart keeps the name but it raises on every call.

Quart's version reads `template.module`, which Jinja refuses in async mode (RuntimeError "Module
is not available in async mode"), and Quart's Jinja environment is always async. Quart has no
async equivalent; Jinja has `await template.make_module_async()`, whose macros then return
coroutines. That is two coupled changes: the load, and every call of what it returned.

Inside one async function, when every load is a plain `get_template_attribute(name, attr)` and
every use of what it returned is a call there (nothing returned, stored or passed on), both are
rewritten together: the load becomes `getattr(await current_app.jinja_env.get_template(name)
.make_module_async(), attr)` and each macro call is awaited. Anything else is left and reported
(QFY153) at the load and at each call, so no half of the pair is ever rewritten alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import CTX_OK, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.asyncify import Await
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Severity

_HELPER = "flask.get_template_attribute"
_MACRO = f"{_HELPER}()"  # the macro the helper returned
_LOAD = (
    "`{text}` raises under Quart (Jinja refuses `template.module` in async mode, and Quart has no async "
    "get_template_attribute): use `getattr(await current_app.jinja_env.get_template(name)"
    ".make_module_async(), attribute)` in an async function, then await each call of the macro"
)
_CALL = (
    "`{text}` calls a macro from get_template_attribute: loaded with `make_module_async()` under Quart, "
    "a macro returns a coroutine, so this call needs `await` (a sync call would get a coroutine, not text)"
)


@dataclass(frozen=True)
class AsyncTemplateModule(Edit):
    """`get_template_attribute(name, attr)` -> `getattr(await current_app.jinja_env
    .get_template(name).make_module_async(), attr)`; its macro calls get an `Await` of their own."""

    settles = True


def _rewritable(uses: Sequence[tuple[str, Use]], body_async: bool) -> bool:
    """Every load and macro use of one function can move together: an async body, loads with
    exactly (name, attribute) by position, macros only called (so none is returned, stored or
    passed on), at least one call, nothing under a lambda or the like."""
    if not body_async or not any(resolved == _MACRO for resolved, _ in uses):
        return False
    for resolved, use in uses:
        if use.ctx != CTX_OK or use.kind != "call" or use.awaited:
            return False
        if resolved == _HELPER and use.nargs != 2:
            return False
    return True


def _macros_travel(ctx: FileContext) -> bool:
    """A macro is called somewhere (any module) that did not load it: it came from elsewhere
    (`return get_template_attribute(...)`), so a load's result leaves its function."""
    def scopes() -> Iterator[Sequence[Use]]:
        for module in ctx.linker.modules.values():
            yield module.module_uses
            yield from (func.uses for func in module.functions)
    for uses in scopes():
        resolved = {ctx.resolve(u.ref) for u in uses}
        if _MACRO in resolved and _HELPER not in resolved:
            return True
    return False


_CURRENT_APP = frozenset({"flask.current_app", "flask.globals.current_app", "quart.current_app",
                          "quart.globals.current_app"})


def _current_app_free(ctx: FileContext) -> bool:
    """The rewrite names `current_app` (imported from quart if missing): the module must not
    bind that name to anything else."""
    bindings = dict(ctx.module.bindings)
    return "current_app" not in bindings or bindings["current_app"] in _CURRENT_APP


@planner
def plan_template_attribute(ctx: FileContext) -> Iterator[Edit | Finding]:
    scopes: list[tuple[Sequence[Use], bool]] = [(ctx.module.module_uses, False)]
    scopes.extend((facts.func.uses, facts.body_async) for facts in ctx.functions)
    travel: bool | None = None  # computed once, only for a file that has loads
    for all_uses, body_async in scopes:
        uses = [(r, u) for u in all_uses if (r := ctx.resolve(u.ref)) in (_HELPER, _MACRO)]
        if not uses:
            continue
        if travel is None:
            travel = _macros_travel(ctx)
        if not travel and _current_app_free(ctx) and _rewritable(uses, body_async):
            for resolved, use in uses:
                yield AsyncTemplateModule(use.span) if resolved == _HELPER else Await(use.span, use.parens)
            continue
        for resolved, use in uses:
            if use.kind != "call":
                continue
            message = _LOAD if resolved == _HELPER else _CALL
            yield ctx.finding("QFY153", Severity.ERROR, message.format(text=use.text), use.span.line, use.span.col)

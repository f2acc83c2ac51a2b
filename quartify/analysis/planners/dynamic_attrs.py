"""`getattr(client, verb)(...)`, `getattr(response, name)`, `getattr(request, name)` whose
attribute name quartify cannot pin (analysis/unpinned.py): under Quart the attribute may be a
coroutine method (`client.get`) or an awaitable property (`response.data`, `request.json`), so
the value may need an `await` quartify cannot decide on. Nothing is rewritten; each site gets one
QFY133 finding instead of a silent miss (a test that then passes or fails for the wrong reason).
A name pinned to string literals is resolved by the scope resolver and awaited as usual."""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.model import FunctionInfo, UnpinnedGetattr, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, inside
from quartify.core.types import Finding, Severity
from quartify.rules.loader import AwaitKind

# Attributes that are awaitable properties on Quart's request and response objects.
_PROPERTIES = ("data", "json", "form", "files", "values")


def _base_ref(func: FunctionInfo, call: Use) -> tuple[str, str] | None:
    """The ref and source of `getattr`'s first argument (what the attribute is read off)."""
    for use in func.uses:
        if use.arg_key == "#0" and use.arg_of == call.ref and inside(use.span, call.span) and use.span != call.span:
            if use.kind in ("name", "attr"):
                return use.ref, use.text
            if use.kind == "call":
                return use.ref + "()", use.text + "(...)"
    return None


def _properties(ctx: FileContext, base: str, names: tuple[str, ...]) -> list[str]:
    """Which of `names` are awaitable properties under Quart when read off `base`."""
    return [
        name for name in names
        if (found := ctx.repo.awaitable(f"{base}.{name}")) is not None
        and found.kind in (AwaitKind.PROPERTY, AwaitKind.AS_TEXT)
    ]


def _message(ctx: FileContext, base: str, text: str, site: UnpinnedGetattr) -> str | None:
    """The finding's text when the attribute read may need an `await` under Quart, else None."""
    shown = f"`getattr({text}, {site.name_text})`"
    if site.names:  # pinned, its value read: only an awaitable property is a miss
        awaitable = _properties(ctx, base, site.names)
        if not awaitable:
            return None
        return (
            f"{shown} reads `{awaitable[0]}`, an awaitable property under Quart, which quartify does "
            f"not await through `getattr`: read it directly as `await {text}.{awaitable[0]}`."
        )
    if ctx.resolve(f"{base}.get") in ctx.api.test_client.request_methods:
        return (
            f"{shown} picks a test-client method by a name quartify cannot pin ({site.reason}): "
            "Quart's request methods (`get`, `post`, ...) are coroutines, so the call was left "
            "without `await`. If the name is always a request method, await the call by hand, or "
            f"dispatch with `{text}.open(path, method=<the name>.upper())`."
        )
    awaitable = _properties(ctx, base, _PROPERTIES)
    if not awaitable:
        return None
    listed = ", ".join(f"`{name}`" for name in awaitable)
    return (
        f"{shown} reads an attribute by a name quartify cannot pin ({site.reason}): under Quart "
        f"{listed} are awaitable properties, so the value may be a coroutine and was left without "
        f"`await`. If the name can be one of them, read that attribute directly (`await {text}.{awaitable[0]}`), "
        "or await the value when `inspect.isawaitable(value)`."
    )


@planner
def plan_dynamic_attrs(ctx: FileContext) -> Iterator[Finding]:
    sites = {site.span: site for site in ctx.module.unpinned_getattrs}
    if not sites:
        return
    for facts in ctx.functions:
        func = facts.func
        for use in func.uses:
            site = sites.get(use.span)
            if site is None or use.kind != "call" or ctx.resolve(use.ref) != "builtins.getattr":
                continue
            base = _base_ref(func, use)
            message = _message(ctx, *base, site) if base is not None else None
            if message is not None:
                yield ctx.finding("QFY133", Severity.WARNING, message, use.span.line, use.span.col)

"""Test-client calls Quart takes differently (quart-api.md §3): request keywords, cookies, the
path `test_request_context()` needs, and `with client.get() as r:` (Quart's response is no
context manager). The rewrites are in `codemods/client_calls.py`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import FunctionInfo, Use
from quartify.analysis.planners import planner, upload_helpers
from quartify.analysis.planners.context import FileContext, inside
from quartify.core.types import Finding, Severity, Span
from quartify.rules.loader import AwaitKind


@dataclass(frozen=True)
class ClientCall(Edit):
    """A test-client request whose keywords change shape. `data` says what its `data=` variable
    holds when the index knows: "dict" (becomes `form=`), "multi" (a Werkzeug MultiDict: its repeated
    keys are sent urlencoded), "files" (a dict literal with file tuples: it must be split into `form=`
    and `files=`), "text" (fine as it is), or None. `fields` are a
    local dict's proven contents (analysis.file_fields): `(key, 0, "")` a form field, `(key, n, type)` an
    n-item file tuple (with the content type Flask would send); with them a "files" local is split
    at the call."""

    data: str | None = None
    fields: tuple[tuple[str, int, str], ...] | None = None
    # `data=helper(...)` (or a local holding it) for an upload helper (planners.upload_helpers): its
    # name, and whether it is proven (then `data=` becomes `**`; else the call keeps a finding)
    helper: str = ""
    splat: bool = False


@dataclass(frozen=True)
class CookieCall(Edit):
    """`client.set_cookie("k", "v")` / `delete_cookie`: Quart takes the server name first."""


@dataclass(frozen=True)
class DefaultPath(Edit):
    """`test_request_context()` with no path: Quart needs one (`"/"`)."""


@dataclass(frozen=True)
class ResponseWith(Edit):
    """`with client.get(...) as r:` -> `r = await client.get(...)` and the body dedented."""


_TEXT = frozenset({"builtins.str()", "builtins.bytes()"})
# Werkzeug's multi-value dicts: Flask's client sends every value of a key, Quart's `form=` only the
# first (it urlencodes the mapping's `items()`).
_MULTI = frozenset(f"werkzeug.datastructures.{name}()" for name in ("MultiDict", "ImmutableMultiDict",
                                                                     "OrderedMultiDict", "ImmutableOrderedMultiDict"))
_MULTI |= frozenset(name.replace("datastructures.", "datastructures.structures.") for name in _MULTI)


def data_kind(ctx: FileContext, func: FunctionInfo, call: Use) -> str | None:
    """What `client.post(data=x)` sends when `x` is a variable: "dict" (a literal or a parametrize
    row: it must become `form=`), "multi" (a Werkzeug MultiDict), "text" (str/bytes: fine as it
    is), or None (unknown)."""
    for use in func.uses:
        if use.arg_key != "data" or not inside(use.span, call.span):
            continue
        if use.kind == "name" and use.span in ctx.module.file_dicts:
            return "files"  # form fields and files in one dict: `form=` alone would stringify the files
        if use.kind in ("name", "attr"):
            resolved = ctx.resolve(use.ref)
        elif use.kind == "call":  # `data=dict(a="1")`
            resolved = ctx.resolve(use.ref) + "()"
        else:
            continue
        if resolved in ("builtins.dict()", "builtins.dict()()"):
            return "dict"
        if resolved in _MULTI or resolved.removesuffix("()") in _MULTI:
            return "multi"
        if resolved in _TEXT or resolved.removesuffix("()") in _TEXT:
            return "text"
        return None
    return None


def data_fields(ctx: FileContext, func: FunctionInfo, call: Use) -> tuple[tuple[str, int, str], ...] | None:
    """The proven keys of the local passed as `data=` (None: not proven, the call keeps its finding)."""
    proven = dict(ctx.module.data_fields)
    return next((proven[u.span] for u in func.uses
                 if u.arg_key == "data" and inside(u.span, call.span) and u.span in proven), None)


def response_item(ctx: FileContext, func: FunctionInfo, items: tuple[Span, ...]) -> bool:
    """`with client.get(...) as response:`: Flask's test response is a context manager, Quart's is not."""
    if len(items) != 1:
        return False
    requests = ctx.api.test_client.request_methods
    return any(
        u.span == items[0] and u.with_item and u.kind == "call" and ctx.resolve(u.ref) in requests
        and ctx.kind_of(u) == AwaitKind.CALL  # not test_request_context(), a real context manager
        for u in func.uses
    )


@planner
def plan_client_calls(ctx: FileContext) -> Iterator[ClientCall | DefaultPath | CookieCall | ResponseWith | Finding]:
    client = ctx.api.test_client
    for facts in ctx.functions:
        func = facts.func
        for use in func.uses:
            if use.kind != "call":
                continue
            callee = ctx.resolve(use.ref)
            if callee in client.request_methods:
                kind = data_kind(ctx, func, use)
                found = upload_helpers.helper_at(ctx, use.span) if ctx.module.upload_helpers else None
                yield ClientCall(use.span, kind, data_fields(ctx, func, use) if kind == "files" else None,
                                 found[0].name if found else "", bool(found and found[1]))
            if callee in client.default_path:
                yield DefaultPath(use.span)
            if callee in client.cookie_methods:
                yield CookieCall(use.span)
            elif callee in client.missing:
                yield ctx.finding("QFY131", Severity.ERROR, client.missing[callee], use.span.line, use.span.col)
        for site in func.withs:
            if facts.body_async and not site.is_async and response_item(ctx, func, site.items):
                yield ResponseWith(site.span)

"""requests -> httpx under `--unsafe-fixes` (analysis/unsafe_http.py decides the swap): the
edits beside the awaits the colouring inserts, and the refusals where the swap was given up.

`requests.get(u, ...)` / `session.get(u, ...)` -> `quartify_http.client().get(u, ...)` (keywords
renamed where httpx names them differently), `resp.ok` -> `resp.is_success`, and requests'
exceptions -> httpx's. `quartify_http` is written next to the code (core/pipeline.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.unsafe_http import CALLS, EXCEPTIONS, FUNCTIONS, exception_of
from quartify.core.types import Finding, Severity

REFUSED = "QFY171"
HELPER = "quartify_http"


@dataclass(frozen=True)
class HttpCall(Edit):
    """`requests.<verb>(...)` or `<session>.<verb>(...)` -> `quartify_http.client().<verb>(...)`."""

    verb: str
    helper_package: str  # "" when `quartify_http` is a top-level module


@dataclass(frozen=True)
class HttpResponseOk(Edit):
    """`resp.ok` -> `resp.is_success`."""


@dataclass(frozen=True)
class HttpException(Edit):
    """`requests.Timeout` (in an except clause) -> `httpx.TimeoutException`."""

    name: str


def helper_package(module: str, is_package: bool) -> str:
    """Where `quartify_http` lives for `module`: its top package, or "" beside a top-level module."""
    top = module.split(".", 1)[0]
    return top if "." in module or is_package else ""


def swapped(ctx: FileContext) -> bool:
    return next(iter(FUNCTIONS)) in ctx.linker.extra_awaitables


@planner
def plan_unsafe_http(ctx: FileContext) -> Iterator[HttpCall | HttpResponseOk | HttpException | Finding]:
    for path, line, why in ctx.linker.unsafe_refusals.get("httpx", ()):
        if path == ctx.path:
            yield ctx.finding(REFUSED, Severity.WARNING,
                              f"requests kept (the httpx swap of --unsafe-fixes is all or nothing): {why}.", line)
    if not swapped(ctx):
        return
    package = helper_package(ctx.module.module, ctx.module.is_package)
    for facts in ctx.functions:
        for use in facts.func.uses:
            resolved = ctx.resolve(use.ref)
            if use.kind == "call" and resolved in CALLS:
                yield HttpCall(use.span, resolved.rsplit(".", 1)[-1], package)
            elif use.kind == "attr" and any(resolved == f"{call}().ok" for call in CALLS):
                yield HttpResponseOk(use.span)
            elif use.kind == "attr" and (name := exception_of(resolved)) in EXCEPTIONS:
                yield HttpException(use.span, EXCEPTIONS[name])


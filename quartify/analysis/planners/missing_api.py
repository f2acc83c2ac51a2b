"""Uses of Flask APIs Quart lacks (`request.environ`, `app.wsgi_app`): one finding per use (QFY150)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from quartify.analysis.link import join, tokens
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, inside
from quartify.analysis.planners.environ import rewritten_spans
from quartify.core.types import Finding, Severity


@planner
def plan_missing_apis(ctx: FileContext) -> Iterator[Finding]:
    missing = ctx.api.missing
    # A key's first token starts the resolved reference of any use it can match: most uses
    # (the repo's own names) are ruled out without splitting them into tokens.
    roots = _roots(tuple(missing))
    # `request.environ.get(...)` is a call and an attribute on one line: report the line once.
    seen: set[tuple[int, str]] = set()
    rewritten = rewritten_spans(ctx)  # environ reads rewritten to request attributes
    for use in ctx.all_uses:
        if use.kind not in ("attr", "call") or any(inside(use.span, span) for span in rewritten):
            continue
        resolved = ctx.resolve(use.ref)
        if not resolved.startswith(roots):
            continue
        parts = tokens(resolved)
        for end in range(len(parts), 0, -1):  # the attribute itself, or anything read through it
            advice = missing.get(join(parts[:end]))
            if advice is not None:
                if (use.span.line, advice) not in seen:
                    seen.add((use.span.line, advice))
                    yield ctx.finding("QFY150", Severity.ERROR, f"`{use.text}`: {advice}", use.span.line, use.span.col)
                break


@cache
def _roots(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({tokens(key)[0] for key in keys if tokens(key)}))

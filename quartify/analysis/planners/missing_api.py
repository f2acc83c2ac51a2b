"""Uses of Flask APIs Quart lacks (`request.environ`, `app.wsgi_app`): one finding per use (QFY150)."""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.link import join, tokens
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, inside
from quartify.analysis.planners.environ import rewritten_spans
from quartify.core.types import Finding, Severity


@planner
def plan_missing_apis(ctx: FileContext) -> Iterator[Finding]:
    missing = ctx.api.missing
    # `request.environ.get(...)` is a call and an attribute on one line: report the line once.
    seen: set[tuple[int, str]] = set()
    rewritten = rewritten_spans(ctx)  # environ reads rewritten to request attributes
    for use in ctx.all_uses:
        if use.kind not in ("attr", "call") or any(inside(use.span, span) for span in rewritten):
            continue
        parts = tokens(ctx.resolve(use.ref))
        for end in range(len(parts), 0, -1):  # the attribute itself, or anything read through it
            advice = missing.get(join(parts[:end]))
            if advice is not None:
                if (use.span.line, advice) not in seen:
                    seen.add((use.span.line, advice))
                    yield ctx.finding("QFY150", Severity.ERROR, f"`{use.text}`: {advice}", use.span.line, use.span.col)
                break

"""`self.assertRaises(E, lambda: client.post(...))` -> `with self.assertRaises(E): await client.post(...)`.

A lambda cannot hold `await`: once the call inside it is a coroutine under Quart, the lambda
hands the check an unawaited coroutine, nothing is raised, and the check fails ("E not raised by
<lambda>") where it passed under Flask; left alone it is QFY101. unittest's checkers and
`pytest.raises` have a context-manager form with the same meaning, where the call can be
awaited. Only the exact shape is rewritten (analysis/raises_lambdas.py: a whole statement, the
lambda last, no keywords), when the lambda's body is the one call that needs the `await` and
nothing else in it does; any other lambda stays QFY101."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, FunctionFacts, inside
from quartify.core.types import Span

_CHECKERS = (".assertRaises", ".assertRaisesRegex", ".assertWarns", ".assertWarnsRegex")


@dataclass(frozen=True)
class RaisesBlock(Edit):
    """The checker statement at `span` -> `with CHECKER(<leading args>): await BODY`."""

    settles = True
    opens_block = True


def _is_checker(ctx: FileContext, use: Use) -> bool:
    resolved = ctx.resolve(use.ref)
    if resolved == "pytest.raises":
        return True
    return use.text.startswith("self.") and resolved.endswith(_CHECKERS)


def raises_lambda_sites(ctx: FileContext, facts: FunctionFacts) -> Iterator[tuple[Span, Use]]:
    """(checker call span, the lambda body's call) for each statement of the shape to rewrite."""
    if not facts.body_async or not ctx.module.raises_lambdas:
        return
    func = facts.func
    by_span = {use.span: use for use in func.uses if use.kind == "call"}
    for call_span, body_span in ctx.module.raises_lambdas:
        checker, body = by_span.get(call_span), by_span.get(body_span)
        if checker is None or body is None or not body.checked or body.awaited:
            continue
        if not _is_checker(ctx, checker) or ctx.need_await(body, func) is None:
            continue
        others = (u for u in func.uses if u is not body and inside(u.span, body_span))
        if any(not u.awaited and ctx.need_await(u, func) is not None for u in others):
            continue  # another await inside the lambda's body: leave it to QFY101
        yield call_span, body


def is_raises_lambda_body(ctx: FileContext, facts: FunctionFacts, use: Use) -> bool:
    """The lambda body this planner moves under `await` (so no QFY101 for it)."""
    if not use.checked:
        return False
    return any(body is use for _, body in raises_lambda_sites(ctx, facts))


@planner
def plan_raises_lambdas(ctx: FileContext) -> Iterator[RaisesBlock]:
    for facts in ctx.functions:
        for call_span, _ in raises_lambda_sites(ctx, facts):
            yield RaisesBlock(call_span)

"""`resp.data += b"\\n"` on a response: in Quart `Response.data` is an async property (its getter
is a coroutine, the setter stays sync), so an augmented assignment would add bytes to a
coroutine. It becomes `resp.set_data(await resp.get_data() + b"\\n")` (quart-api.md §1.5); plain
reads of `resp.data` are awaited by the await planner, plain assignments stay as they are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import CTX_OK
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.repo import short
from quartify.core.types import ChainStep, Finding, Severity
from quartify.rules.loader import AwaitKind

# The response expression is written twice in the rewrite: only a plain name or attribute
# chain can be evaluated twice without changing what the code does.
_REPEATABLE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


@dataclass(frozen=True)
class UpdateResponseData(Edit):
    """`X.data OP= Y` -> `X.set_data(await X.get_data() OP Y)`; `span` is the augmented target
    `X.data` (the statement starts where its target starts)."""

    settles = True


@planner
def plan_response_data_updates(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        for use in facts.func.uses:
            if not use.augmented or ctx.kind_of(use) != AwaitKind.PROPERTY or not use.ref.endswith(".data"):
                continue
            receiver = use.text[: -len(".data")]
            if facts.body_async and use.ctx == CTX_OK and _REPEATABLE.fullmatch(receiver):
                yield UpdateResponseData(use.span)
                continue
            why = (
                f"`{short(facts.func.qualname)}` must stay sync: "
                f"{ctx.repo.graph.barriers.get(facts.func.qualname, 'it is not async')}"
                if not facts.body_async or use.ctx != CTX_OK
                else f"`{receiver}` would be evaluated twice"
            )
            yield ctx.finding(
                "QFY101", Severity.ERROR,
                f"`{use.text}` is an async property under Quart and cannot be updated in place "
                f"(`{receiver}.set_data(await {receiver}.get_data() + ...)`), but {why}; left unchanged",
                use.span.line, use.span.col,
                chain=(ChainStep(ctx.path, use.span.line, f"{short(facts.func.qualname)} updates {use.text}"),))

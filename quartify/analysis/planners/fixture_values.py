"""`request.getfixturevalue("name")` in a test the migration makes async, for an async fixture.

The index types `request.getfixturevalue("client")` like a parameter `client` (so the calls on it
are awaited), but pytest-asyncio sets up an async fixture by running it on its event loop, which
an async test is already running: the call raises "Runner.run() cannot be called from a running
event loop". quartify cannot tell whether asking for the fixture up front (as a parameter) keeps
the test's meaning, so it says where (QFY132) instead of rewriting it.
"""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.index import PARAM_PREFIX
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Severity

_MESSAGE = (
    "`{text}(...)` asks for the async fixture `{name}` from inside an async test: pytest-asyncio cannot "
    "set it up there (\"Runner.run() cannot be called from a running event loop\"); take `{name}` as a "
    "parameter of the test instead"
)


@planner
def plan_fixture_values(ctx: FileContext) -> Iterator[Finding]:
    linker, repo = ctx.linker, ctx.repo
    for facts in ctx.functions:
        if not facts.body_async:
            continue
        for use in facts.func.uses:
            if (use.kind != "call" or not use.ref.startswith(PARAM_PREFIX) or use.key is None
                    or not use.ref.endswith(":request.getfixturevalue")):
                continue
            name = use.key
            fixture = linker.fixture(facts.func.qualname, name)
            if fixture is not None and (linker.functions[fixture].is_async or repo.is_async(fixture)):
                yield ctx.finding("QFY132", Severity.WARNING, _MESSAGE.format(text=use.text, name=name),
                                  use.span.line, use.span.col)

"""A pytest fixture with a wider scope than `function` that the migration makes async.

pytest-asyncio runs an async fixture on the event loop of its `loop_scope`, which defaults to
`asyncio_default_fixture_loop_scope` (quartify writes "function"). A `session`, `package`,
`module` or `class` fixture on a function-scoped loop cannot be set up: pytest stops every test
that asks for it with "ScopeMismatch: You tried to access the function scoped fixture
_function_scoped_runner with a session scoped request object" (seen on a real app whose
session-scoped `app` fixture pushes an app context: every test errored). `pytest.fixture`
takes no `loop_scope`, so the decorator becomes `pytest_asyncio.fixture(..., loop_scope=<the
same scope>)`: the fixture runs once, on a loop that lives as long as it does. Only a literal
scope is rewritten; a scope computed at run time (`scope=callable`) cannot name a loop scope, and
an explicit `loop_scope=` is left as the author wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext

_WIDER = frozenset({"session", "package", "module", "class"})


@dataclass(frozen=True)
class FixtureLoopScope(Edit):
    """`@pytest.fixture(scope="S")` (the decorator call at `span`) on a fixture made async ->
    `@pytest_asyncio.fixture(scope="S", loop_scope="S")`."""

    settles = True


def literal_scope(source: str) -> str | None:
    """The scope a keyword's source text names, when it is a plain string literal."""
    if len(source) >= 2 and source[0] == source[-1] and source[0] in "'\"":
        return source[1:-1]
    return None


@planner
def plan_fixture_loops(ctx: FileContext) -> Iterator[FixtureLoopScope]:
    for facts in ctx.functions:
        if not facts.made_async:
            continue
        for dec in facts.func.decorators:
            if not dec.called or ctx.resolve(dec.ref) != "pytest.fixture":
                continue
            keywords = dict(dec.keywords)
            scope = literal_scope(keywords.get("scope", ""))
            if scope in _WIDER and "loop_scope" not in keywords and "" not in keywords:
                yield FixtureLoopScope(dec.span)

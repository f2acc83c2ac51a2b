"""`@pytest.fixture(scope="session")` on a fixture made async -> `@pytest_asyncio.fixture(scope=
"session", loop_scope="session")` (planned by `analysis/planners/fixture_loops.py`, which says why)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.fixture_loops import FixtureLoopScope
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class RewriteFixtureLoopScope(Concern):
    node_types = (cst.Call,)
    handles = (FixtureLoopScope,)
    order = 71  # a fixture's decorator call: no other rewrite edits it

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(FixtureLoopScope)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Call):
            return updated
        scope = next((a for a in updated.args if a.keyword is not None and a.keyword.value == "scope"), None)
        if scope is None:
            return updated
        # `loop_scope=` goes last. After a trailing comma it takes that comma (the line break
        # before `)`), and the comma before it becomes the one before the argument it follows
        # (one argument per line keeps its indentation); else `, ` separates it.
        args = list(updated.args)
        trailing = args[-1].comma if isinstance(args[-1].comma, cst.Comma) else None
        separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        if trailing is not None:
            before = args[-2].comma if len(args) > 1 else None
            separator = before if isinstance(before, cst.Comma) else cst.Comma(
                whitespace_after=updated.whitespace_before_args)
        loop_scope = cst.Arg(value=scope.value, keyword=cst.Name("loop_scope"), equal=scope.equal,
                             comma=trailing or cst.MaybeSentinel.DEFAULT)
        args[-1] = args[-1].with_changes(comma=separator)
        args.append(loop_scope)
        self.ctx.needed_imports.add(("pytest_asyncio", None))
        func = cst.Attribute(value=cst.Name("pytest_asyncio"), attr=cst.Name("fixture"))
        return updated.with_changes(func=func, args=args)

"""`unittest.TestCase` classes with async tests become `IsolatedAsyncioTestCase` (or unittest
would call the coroutines and pass them unrun), and an async `setUp`/`tearDown` is renamed to
`asyncSetUp`/`asyncTearDown`, the names the async case awaits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.repo import UNITTEST_CASE

_ASYNC_HOOKS = {"setUp": "asyncSetUp", "tearDown": "asyncTearDown"}


@dataclass(frozen=True)
class AsyncTestCase(Edit):
    """The class at `span` derives from `TestCase`: make it `IsolatedAsyncioTestCase`."""


@dataclass(frozen=True)
class RenameHook(Edit):
    """The def at `span` is renamed to `new` (`setUp` -> `asyncSetUp`)."""

    new: str


@planner
def plan_unittest_cases(ctx: FileContext) -> Iterator[Edit]:
    linker, repo = ctx.linker, ctx.repo
    for cls in ctx.module.classes:
        if UNITTEST_CASE not in linker.mro(cls.qualname):
            continue
        methods = [linker.functions.get(f"{cls.qualname}.{m}") for m in cls.methods]
        if cls.qualname in repo.async_test_bases:
            yield AsyncTestCase(cls.span)  # a subclass has async tests: the base must run them
        if not any(f is not None and repo.is_async(f.qualname) for f in methods):
            continue
        for method in methods:
            if method is not None and repo.is_async(method.qualname) and method.name in _ASYNC_HOOKS:
                yield RenameHook(method.span, _ASYNC_HOOKS[method.name])

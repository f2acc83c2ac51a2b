"""`unittest.TestCase` families with async methods become `IsolatedAsyncioTestCase` (or unittest
would call the coroutines and pass them unrun); an async `setUp`/`tearDown` is renamed to
`asyncSetUp`/`asyncTearDown`, the names the async case awaits, in the TestCase classes, their
bases in other modules and the mixins that provide them; every call that reached the old name
(`super().setUp()`, `Base.setUp(self)`) is renamed and awaited with it; and a cleanup registered
with a coroutine function (`self.addCleanup(ctx.pop)`) is registered with `addAsyncCleanup`.

`setUpClass`/`tearDownClass` stay sync (the graph makes them barriers): unittest has no async
class setup, so a context they push is reported (QFY101) rather than moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import CTX_OK, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, FunctionFacts, inside
from quartify.analysis.repo import short
from quartify.analysis.unittest_facts import ASYNC_HOOKS
from quartify.core.types import Finding, Severity
from quartify.rules.loader import AwaitKind


@dataclass(frozen=True)
class AsyncTestCase(Edit):
    """The class at `span` derives from `TestCase`: make it `IsolatedAsyncioTestCase`."""


@dataclass(frozen=True)
class RenameHook(Edit):
    """The def at `span` is renamed to `new` (`setUp` -> `asyncSetUp`)."""

    new: str


@dataclass(frozen=True)
class HookCall(Edit):
    """The call at `span` reached a hook that was renamed: it calls `new` instead
    (`super().setUp()` -> `super().asyncSetUp()`), and is awaited when `await_it` (no other
    edit awaits it: an unresolved `super()` in a mixin, or a sync hook further up the MRO)."""

    new: str
    await_it: bool
    settles = True


@dataclass(frozen=True)
class AsyncCleanup(Edit):
    """`self.addCleanup(ctx.pop)` with a coroutine function -> `self.addAsyncCleanup(ctx.pop)`."""

    settles = True


@planner
def plan_unittest_cases(ctx: FileContext) -> Iterator[Edit]:
    linker, facts = ctx.linker, ctx.repo.unittest
    for cls in ctx.module.classes:
        if cls.qualname not in facts.family:
            continue
        if cls.qualname in facts.async_bases:
            yield AsyncTestCase(cls.span)  # a subclass has async tests: the base must run them
        for name in cls.methods:
            new = facts.renamed.get(f"{cls.qualname}.{name}")
            method = linker.functions.get(f"{cls.qualname}.{name}")
            if new is not None and method is not None:
                yield RenameHook(method.span, new)


@planner
def plan_hook_calls(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        for use in facts.func.uses:
            if use.kind != "call":
                continue
            new = renamed_target(ctx, facts, use)
            if new is not None:
                awaited_elsewhere = use.awaited or ctx.need_await(use, facts.func) is not None
                yield HookCall(use.span, new, not awaited_elsewhere)
            elif ctx.resolve(use.ref).endswith(".addCleanup") and _coroutine_argument(ctx, facts, use):
                yield from _async_cleanup(ctx, facts, use)


def renamed_target(ctx: FileContext, facts: FunctionFacts, use: Use) -> str | None:
    """The new name of the hook this call reaches, when it was renamed (and the call stands
    where it can be awaited)."""
    if use.kind != "call" or use.ctx != CTX_OK or not facts.body_async:
        return None
    unittest = ctx.repo.unittest
    resolved = ctx.resolve(use.ref)
    if resolved in unittest.renamed:
        return unittest.renamed[resolved]
    func = facts.func
    own = unittest.renamed.get(func.qualname)
    head, _, name = use.text.rpartition(".")
    if own is not None and name == func.name and head.startswith("super(") and head.endswith(")"):
        # `super().setUp()` inside a hook that became `asyncSetUp`: the next `asyncSetUp` in the
        # MRO exists (IsolatedAsyncioTestCase's at the latest), and unittest itself still calls
        # every sync `setUp` left in the chain, so the chain is neither cut nor run twice.
        return own
    return None


def _coroutine_argument(ctx: FileContext, facts: FunctionFacts, call: Use) -> bool:
    """The first argument of `call` is a coroutine function: a Quart `ctx.pop` or a repo
    function that became async."""
    for use in facts.func.uses:
        if use.arg_of != call.ref or use.arg_key != "#0" or not inside(use.span, call.span):
            continue
        resolved = ctx.resolve(use.ref)
        if ctx.api.awaitables.get(resolved) is not None:
            return ctx.kind_of(use) == AwaitKind.CALL
        func = ctx.linker.functions.get(resolved)
        return func is not None and ctx.repo.is_async(resolved) and not func.is_generator
    return False


def _async_cleanup(ctx: FileContext, facts: FunctionFacts, call: Use) -> Iterator[Edit | Finding]:
    owner = facts.func.class_qualname
    mro = ctx.linker.mro(owner) if owner is not None else []
    if any(klass in ctx.repo.unittest.async_bases for klass in mro):
        yield AsyncCleanup(call.span)
        return
    yield ctx.finding(
        "QFY101", Severity.WARNING,
        f"`{call.text}()` registers a coroutine function from `{short(facts.func.qualname)}`, which is not "
        "in an IsolatedAsyncioTestCase (the only case that awaits cleanups): unless the case it reaches "
        "is one, the cleanup never runs; left unchanged",
        call.span.line, call.span.col)

"""What every planner of one file reads: the repo facts, the file's index, and per-function facts
computed once (is the body async after the migration, is it a bridged CLI command).

Planners never re-derive these: "does this body run async" has one answer per function, so the
await planner, the blocking planner and the `with` planner cannot disagree about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from quartify.analysis.graph import hands_coroutine_over
from quartify.analysis.index import UNION_PREFIX
from quartify.analysis.link import UNKNOWN, Linker
from quartify.analysis.model import CTX_OK, FunctionInfo, ModuleIndex, Use
from quartify.analysis.repo import RepoPlan
from quartify.core.types import ChainStep, Finding, Safety, Severity, Span
from quartify.rules import loader
from quartify.rules.loader import AwaitKind


def inside(inner: Span, outer: Span) -> bool:
    return (inner.line, inner.col) >= (outer.line, outer.col) and (inner.end_line, inner.end_col) <= (
        outer.end_line,
        outer.end_col,
    )


@dataclass(frozen=True)
class FunctionFacts:
    """One function as the migration will leave it."""

    func: FunctionInfo
    kind: str  # the graph's classification: "view", "hook", "cli", "plain", ...
    made_async: bool  # `def` becomes `async def`
    bridged: bool  # a sync click command whose body now runs under `asyncio.run`
    body_async: bool  # its body can hold `await` after the migration


@dataclass
class FileContext:
    repo: RepoPlan
    module: ModuleIndex
    api: loader.QuartApi = field(default_factory=loader.quart_api)
    # The linker's own method, bound once: planners ask it about a million times on a big repo.
    resolve: Callable[[str], str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.resolve = self.repo.linker.resolve

    @property
    def linker(self) -> Linker:
        return self.repo.linker

    @property
    def path(self) -> str:
        return self.module.path

    @cached_property
    def functions(self) -> tuple[FunctionFacts, ...]:
        out = []
        for func in self.module.functions:
            classified = self.repo.graph.kinds.get(func.qualname)
            kind = classified.kind if classified else "plain"
            becomes_async = self.repo.is_async(func.qualname)
            body_async = becomes_async or func.is_async
            bridged = False
            if not body_async and kind == "cli":
                bridged = any(self.need_await(u, func) for u in func.uses if u.ctx == CTX_OK and not u.awaited)
                bridged = bridged or any(self.all_async_items(func, w.items) for w in func.withs)
            out.append(FunctionFacts(func, kind, becomes_async and not func.is_async, bridged, body_async or bridged))
        return tuple(out)

    @cached_property
    def all_uses(self) -> tuple[Use, ...]:
        """Every use in the file: inside functions, then at module level and in class bodies."""
        return (*(u for f in self.module.functions for u in f.uses), *self.module.module_uses)


    def kind_of(self, use: Use) -> AwaitKind | None:
        """The Quart awaitable kind of what `use` resolves to (quart_api.toml), if any."""
        awaitable = self.repo.awaitable(use.ref)
        return awaitable.kind if awaitable is not None else None

    def need_await(self, use: Use, func: FunctionInfo | None) -> str | None:
        """What the use awaits (`request.form`, `helper()`), or None when it needs no await."""
        repo = self.repo
        if func is not None and use.kind == "call" and use.ref in repo.graph.wrapper_params.get(func.qualname, ()):
            return use.text + "()" if repo.is_async(func.qualname) else None
        resolved = self.resolve(use.ref)
        awaitable = self.repo.awaitable(use.ref)
        if awaitable is not None:
            if awaitable.kind in (AwaitKind.PROPERTY, AwaitKind.AS_TEXT) and use.kind == "attr":
                return use.text
            if awaitable.kind in (AwaitKind.CALL, AwaitKind.AIOFILE) and use.kind == "call":
                return use.text + "()"
            return None
        if use.kind != "call":
            return None
        if resolved == UNKNOWN and use.ref.startswith(UNION_PREFIX):
            # `for cls in (First, Second): cls().get()`: a local bound several ways that do not
            # agree; awaited only when every way is a function the migration makes async.
            ways = self.linker.alternatives(use.ref)
            return use.text + "()" if ways and all(self._call_becomes_async(w, use) for w in ways) else None
        return use.text + "()" if self._call_becomes_async(resolved, use) else None

    def _call_becomes_async(self, resolved: str, use: Use) -> bool:
        """A call of the repo function `resolved` gives a coroutine only after the migration."""
        repo, linker = self.repo, self.repo.linker
        if resolved not in linker.functions or not repo.is_async(resolved):
            return False
        if linker.functions[resolved].is_async:
            return False  # async before the migration: an unawaited call hands its coroutine on
        if linker.functions[resolved].is_generator or hands_coroutine_over(linker, use):
            return False  # an async generator is iterated; asyncio.run(...) takes the coroutine
        # a `decorator`-package caller: calling it decorates, it returns no coroutine
        return resolved not in repo.graph.wrappers.get(resolved, ())

    def item_kind(self, func: FunctionInfo, item: Span) -> AwaitKind | None:
        """How a `with` item is async in Quart: a call giving a context manager, an awaited call
        giving an async file, or a value that is itself an async context manager (the client)."""
        for use in func.uses:
            if use.span != item or not use.with_item:
                continue
            kind = self.kind_of(use)
            if use.kind == "call" and kind in (AwaitKind.CONTEXT, AwaitKind.AIOFILE):
                return kind
            if use.kind in ("name", "attr") and kind == AwaitKind.CONTEXT_VALUE:
                return kind
        return None

    def all_async_items(self, func: FunctionInfo, items: tuple[Span, ...]) -> bool:
        return bool(items) and all(self.item_kind(func, item) is not None for item in items)

    def chain_steps(self, qualname: str) -> tuple[ChainStep, ...]:
        return self.repo.chain_steps(qualname)

    def finding(
        self,
        code: str,
        severity: Severity,
        message: str,
        line: int,
        col: int = 0,
        *,
        chain: tuple[ChainStep, ...] = (),
        fix: str | None = None,
        safety: Safety = Safety.DISPLAY,
        group: str = "",
        decision: str = "",
    ) -> Finding:
        return Finding(code, severity, message, self.path, line, col, fix=fix, safety=safety, chain=chain, group=group,
                       decision=decision)

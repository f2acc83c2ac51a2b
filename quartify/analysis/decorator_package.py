"""View decorators written with the `decorator` package (PyPI `decorator`).

The package builds the wrapper itself: `decorate(func, caller)` returns `async def fun` calling
`await caller(func, ...)` when the *caller* is a coroutine function, and a sync `fun` otherwise.
So the caller plays the part a `functools.wraps` wrapper plays: it must turn async when it wraps
async views, and its call of the decorated function (its first parameter) is then awaited.
Three spellings are recognised:

    @decorator                         stamped = decorator(_stamp)      def checked(view):
    def stamped(view, *a, **kw): ...                                        return decorate(view, _check)

Calling a caller (`stamped(view)`, `require_role(role="x")`) decorates: it runs nothing and
returns no coroutine, so it is never awaited and colours nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quartify.analysis.index import PARAM_PREFIX
from quartify.analysis.link import Linker
from quartify.analysis.model import CTX_OK, Decorator, FunctionInfo, ModuleIndex

DECORATOR = frozenset({"decorator.decorator", "decorator.decorator.decorator"})
DECORATE = frozenset({"decorator.decorate", "decorator.decorator.decorate"})
MADE = "decorator.decorator()"  # what a name bound to `decorator(caller)` resolves to


@dataclass(frozen=True)
class Callers:
    """The repo's `decorator`-package callers."""

    calls: dict[str, frozenset[str]]  # caller -> refs of its calls of the decorated function
    families: dict[str, str]  # a decorator (`checked`, or the caller itself) -> its caller
    # The caller of `name = decorator(caller)`, when the repo makes exactly one that way: a name
    # bound to it resolves to `decorator.decorator()` wherever it is imported, so two of them
    # cannot be told apart.
    made: str | None

    def applied(self, linker: Linker, dec: Decorator) -> str | None:
        """The decorator family `@dec` applies, if it is a `decorator`-package one."""
        resolved = linker.resolve(dec.ref)
        if resolved == MADE:
            return self.made
        return resolved if resolved in self.families else None


def find(linker: Linker) -> Callers:
    """The repo's callers."""
    return gather(
        linker,
        ((q, *function_callers(linker, f)) for q, f in sorted(linker.functions.items())),
        (caller for module in linker.modules.values() for caller in made_callers(linker, module)),
    )


def gather(
    linker: Linker, per_function: Iterable[tuple[str, bool, tuple[str, ...]]], made_by_modules: Iterable[str]
) -> Callers:
    """The repo's callers from what each function gave `function_callers` (in qualname order)
    and each module `made_callers` (in the linker's module order): analysis/graph_scan.py keeps
    those between runs."""
    calls: dict[str, frozenset[str]] = {}
    families: dict[str, str] = {}
    made: set[str] = set()
    for qualname, decorated, callers in per_function:
        if decorated:
            _add(linker, qualname, calls, families, qualname)
        for caller in callers:
            _add(linker, caller, calls, families, qualname)
    for caller in made_by_modules:
        made.add(caller)
        if caller in linker.functions:
            _add(linker, caller, calls, families, caller)
    return Callers(calls, families, next(iter(made)) if len(made) == 1 and made <= set(families) else None)


def function_callers(linker: Linker, func: FunctionInfo) -> tuple[bool, tuple[str, ...]]:
    """Whether `func` is written under `@decorator`, and the repo functions it passes to
    `decorate(view, caller)` as the caller, in the order written."""
    decorated = any(linker.resolve(d.ref) in DECORATOR for d in func.decorators)
    callers = []
    for use in func.uses:
        if use.kind == "name" and use.arg_key == "#1" and use.arg_of and linker.resolve(use.arg_of) in DECORATE:
            caller = linker.resolve(use.ref)
            if caller in linker.functions:
                callers.append(caller)
    return decorated, tuple(callers)


def made_callers(linker: Linker, module: ModuleIndex) -> tuple[str, ...]:
    """What a module's `name = decorator(caller)` lines hand to `decorator`, resolved."""
    return tuple(linker.resolve(use.ref) for use in module.module_uses
                 if use.kind == "name" and use.arg_key == "#0" and use.arg_of
                 and linker.resolve(use.arg_of) in DECORATOR)


def _add(linker: Linker, caller: str, calls: dict[str, frozenset[str]], families: dict[str, str], family: str) -> None:
    func = linker.functions[caller]
    if not func.params:
        return
    own = f"{PARAM_PREFIX}{caller}:{func.params[0]}"
    found = frozenset(u.ref for u in func.uses if u.kind == "call" and u.ref == own and u.ctx == CTX_OK)
    if found:
        calls[caller] = found
        families[family] = caller

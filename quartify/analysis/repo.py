"""The whole-repo facts every file's planners read: the linked index, the graph, the colouring.

Built once per run after the solver; planning a file only reads it, so files can be planned in
any order (or again, on the output, for the fixed-point check) with the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quartify.analysis import scoped_sessions
from quartify.analysis.blocking import LoopSet, loop_set
from quartify.analysis.graph import RepoGraph, quart_awaitable
from quartify.analysis.helper_offload import HelperOffloads, plan_helper_offloads
from quartify.analysis.link import Linker
from quartify.analysis.solver import Solution
from quartify.analysis.unittest_facts import UNITTEST_CASE, UnittestFacts, unittest_facts
from quartify.core.config import BlockingMode, Options
from quartify.core.types import ChainStep
from quartify.rules.loader import Awaitable

__all__ = ["UNITTEST_CASE", "RepoPlan"]


@dataclass(frozen=True)
class RepoPlan:
    linker: Linker
    graph: RepoGraph
    solution: Solution
    options: Options = field(default_factory=Options)

    def chain_steps(self, node: str) -> tuple[ChainStep, ...]:
        steps = []
        for name, reason in self.solution.chain(node):
            mod = self.linker.module_of.get(name)
            steps.append(ChainStep(mod.path if mod else "?", reason.line, f"{short(name)}: {reason.what}"))
        return tuple(steps)

    def is_async(self, qualname: str) -> bool:
        return qualname in self.solution.async_nodes

    def awaitable(self, ref: str) -> Awaitable | None:
        """`quart_awaitable(linker, ref)`, asked once per reference: planning asks it for every
        use of every file (and again for each output in verification), and the answer is a fact
        of the solved repo."""
        known = self._awaitables
        if ref in known:
            return known[ref]
        found = known[ref] = quart_awaitable(self.linker, ref)
        return found

    def methods_named(self, name: str) -> list[str]:
        """Repo methods called `name`. Their table is built on the first question: most runs
        (a one-file check with nothing unresolved) never ask, and it reads every def."""
        by_name = self._methods_by_name
        if by_name is None:
            by_name = {}
            for qualname, func in self.linker.functions.items():
                if func.class_qualname is not None:
                    by_name.setdefault(func.name, []).append(qualname)
            object.__setattr__(self, "_methods_by_name", by_name)
        return by_name.get(name, [])

    @property
    def thread_local_sessions(self) -> dict[str, tuple[str, int]]:
        """Thread-bound session registries (analysis/scoped_sessions.py) by what they resolve
        to, with where each is assigned; worked out at the first question."""
        found = self._thread_local_sessions
        if found is None:
            found = scoped_sessions.registries(self.linker.modules.values(), self.linker.resolve)
            object.__setattr__(self, "_thread_local_sessions", found)
        return found

    @property
    def loop(self) -> LoopSet:
        """Functions that run on the loop after the migration: a sync helper offloaded wherever
        it is called (`--blocking thread`, analysis/helper_offload.py) is not in it."""
        return self._loop

    @property
    def helper_offloads(self) -> HelperOffloads:
        return self._helper_offloads

    @property
    def unittest(self) -> UnittestFacts:
        return self._unittest

    def __post_init__(self) -> None:
        loop = loop_set(self.linker, self.graph)
        if self.options.blocking == BlockingMode.THREAD:
            offloads = plan_helper_offloads(self.linker, self.graph, loop, self.is_async, self.options)
            object.__setattr__(self, "_helper_offloads", offloads)
            if offloads.skipped_edges:
                loop = loop_set(self.linker, self.graph, skip=offloads.skipped_edges)
        object.__setattr__(self, "_loop", loop)
        object.__setattr__(self, "_unittest", unittest_facts(self.linker, self.is_async))

    _awaitables: dict[str, Awaitable | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _methods_by_name: dict[str, list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    _thread_local_sessions: dict[str, tuple[str, int]] | None = field(default=None, init=False, repr=False, compare=False)
    _loop: LoopSet = field(default_factory=lambda: LoopSet({}), init=False, repr=False, compare=False)
    _helper_offloads: HelperOffloads = field(default_factory=HelperOffloads, init=False, repr=False, compare=False)
    _unittest: UnittestFacts = field(
        default_factory=lambda: UnittestFacts(frozenset(), frozenset(), {}), init=False, repr=False, compare=False
    )


def short(qualname: str) -> str:
    """A qualname as a person reads it (`outer.inner`, not `outer.<locals>.inner`)."""
    return qualname.replace(".<locals>", "")



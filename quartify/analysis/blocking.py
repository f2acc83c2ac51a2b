"""Blocking calls that will run on the event loop once the app is async.

Quart runs *sync* views in a thread pool; once quartify makes a view `async def`, every blocking
call under it runs on the loop. The "loop set" is every function reachable, through direct
calls, from code Quart will await on the loop: views, hooks and streamed generators. A function only handed to an offloader or only reached
from a CLI command is not in it. Each blocking call in the loop set is found by resolving its
callee (receiver types included) against the rule tables, and carries the chain from the entry.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from quartify.analysis.graph import RepoGraph
from quartify.analysis.link import Linker
from quartify.analysis.model import Use
from quartify.rules.blocking import BlockingRule, BlockingTables

ENTRY_KINDS = frozenset({"view", "hook", "stream"})


@dataclass(frozen=True)
class Hop:
    caller: str
    line: int  # where `caller` calls `callee`
    callee: str


@dataclass(frozen=True)
class LoopSet:
    """Functions that run on the event loop, each with the path from its entry point."""

    paths: Mapping[str, tuple[Hop, ...]]  # function -> hops from the entry down to it

    def __contains__(self, qualname: object) -> bool:
        return qualname in self.paths


class _Paths(Mapping[str, tuple[Hop, ...]]):
    """`LoopSet.paths` from each function's first caller on the way down (None for an entry): a
    path is built when asked for, and kept. A re-run asks for the chains of the few blocking calls
    it reports, not for the thousands of functions of a large loop set (building each one's
    tuple of hops was about half of `loop_set`)."""

    def __init__(self, parents: dict[str, tuple[str, int] | None]) -> None:
        self._parents = parents  # in the order the walk reached them
        self._built: dict[str, tuple[Hop, ...]] = {}

    def __getitem__(self, qualname: str) -> tuple[Hop, ...]:
        built = self._built.get(qualname)
        if built is not None:
            return built
        above: list[tuple[str, tuple[str, int] | None]] = []  # from `qualname` up to the first function whose path is built, or an entry
        current: str | None = qualname
        while current is not None and current not in self._built:
            parent = self._parents[current]
            above.append((current, parent))
            current = parent[0] if parent is not None else None
        hops = self._built[current] if current is not None else ()
        for name, parent in reversed(above):
            if parent is not None:
                hops = (*hops, Hop(parent[0], parent[1], name))
            self._built[name] = hops
        return hops

    def __contains__(self, qualname: object) -> bool:
        return qualname in self._parents

    def __iter__(self) -> Iterator[str]:
        return iter(self._parents)

    def __len__(self) -> int:
        return len(self._parents)


def loop_set(linker: Linker, graph: RepoGraph, skip: frozenset[tuple[str, int, str]] = frozenset()) -> LoopSet:
    """`skip`: (caller, line, callee) calls that run the callee in a worker thread instead."""
    # Entries are what Quart itself calls on the loop, decided by registration, never by
    # whether a def is async yet: a second run over migrated code must find the same set.
    kinds = graph.kinds
    functions = linker.functions
    entries = sorted(q for q, c in kinds.items() if c.kind in ENTRY_KINDS and q in functions)
    # Each caller's calls in (line, callee) order (a call listed twice, or in two contexts, is
    # passed over the second time: its callee is reached already).
    callees: dict[str, list[tuple[str, int]]] = {}
    for caller, line, callee in sorted([(e.caller, e.line, e.callee) for e in graph.graph.edges]):
        callees.setdefault(caller, []).append((callee, line))
    parents: dict[str, tuple[str, int] | None] = dict.fromkeys(entries)
    queue = deque(entries)
    while queue:
        current = queue.popleft()
        for callee, line in callees.get(current, ()):
            if callee in parents or kinds[callee].kind == "cli" or (current, line, callee) in skip:
                continue
            parents[callee] = (current, line)
            queue.append(callee)
    return LoopSet(_Paths(parents))


def blocking_rule(linker: Linker, tables: BlockingTables, use: Use,
                  known: dict[str, BlockingRule | None] | None = None) -> BlockingRule | None:
    """`known`: the rules of one run's references so far (past the call's own kind, the rule is a
    fact of the reference), to ask each reference once."""
    if use.kind != "call" or use.awaited:
        return None
    if known is None:
        return tables.match(linker.resolve(use.ref))
    ref = use.ref
    if ref not in known:
        known[ref] = tables.match(linker.resolve(ref))
    return known[ref]

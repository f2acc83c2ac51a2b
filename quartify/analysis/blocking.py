"""Blocking calls that will run on the event loop once the app is async.

Quart runs *sync* views in a thread pool; once quartify makes a view `async def`, every blocking
call under it runs on the loop. The "loop set" is every function reachable, through direct
calls, from code Quart will await on the loop: views, hooks and streamed generators. A function only handed to an offloader or only reached
from a CLI command is not in it. Each blocking call in the loop set is found by resolving its
callee (receiver types included) against the rule tables, and carries the chain from the entry.
"""

from __future__ import annotations

from collections import deque
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

    paths: dict[str, tuple[Hop, ...]]  # function -> hops from the entry down to it

    def __contains__(self, qualname: object) -> bool:
        return qualname in self.paths


def loop_set(linker: Linker, graph: RepoGraph, skip: frozenset[tuple[str, int, str]] = frozenset()) -> LoopSet:
    """`skip`: (caller, line, callee) calls that run the callee in a worker thread instead."""
    # Entries are what Quart itself calls on the loop, decided by registration, never by
    # whether a def is async yet: a second run over migrated code must find the same set.
    kinds = graph.kinds
    entries = sorted(q for q in linker.functions if kinds[q].kind in ENTRY_KINDS)
    # Each caller's calls in (line, callee) order; edges differing only in their context are one call here.
    callees: dict[str, list[tuple[str, int]]] = {}
    for caller, line, callee in sorted({(e.caller, e.line, e.callee) for e in graph.graph.edges}):
        callees.setdefault(caller, []).append((callee, line))
    paths: dict[str, tuple[Hop, ...]] = {entry: () for entry in entries}
    queue = deque(entries)
    while queue:
        current = queue.popleft()
        for callee, line in callees.get(current, ()):
            if callee in paths or kinds[callee].kind == "cli" or (current, line, callee) in skip:
                continue
            paths[callee] = (*paths[current], Hop(current, line, callee))
            queue.append(callee)
    return LoopSet(paths)


def blocking_rule(linker: Linker, tables: BlockingTables, use: Use) -> BlockingRule | None:
    if use.kind != "call" or use.awaited:
        return None
    return tables.match(linker.resolve(use.ref))

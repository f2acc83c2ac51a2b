"""The colour solver: which functions must become `async def`, to a fixed point.

Plain data in, plain data out, no parser: a graph of functions (call edges with the line and
the syntactic context of each call), the seeds (functions that touch a Quart awaitable or are
forced async, like views), functions that cannot become async (barriers), and groups that must
share a colour (overrides of one method, a decorator's wrapper and what it decorates).
Propagation walks callers breadth-first in sorted order, so the result and every reason chain
are the same whatever order the files were read in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

_Row = TypeVar("_Row", tuple[str, str, int, str], tuple[bool, str, int, str])


@dataclass(frozen=True)
class Edge:
    caller: str
    callee: str
    line: int
    ctx: str = ""  # "" when the call can take an await; else why not ("lambda", ...)


@dataclass(frozen=True)
class Seed:
    node: str
    line: int
    what: str  # "render_template()", "view", ...
    forced: bool = False  # views and hooks: async even with nothing to await


@dataclass(frozen=True)
class Reason:
    """Why a node is async: it uses `what` at `line`, or calls `via` at `line`."""

    line: int
    what: str
    via: str | None = None


@dataclass(frozen=True)
class Blocked:
    """Async could not cross into `node` (or into a call inside it): `why`, at `line`."""

    node: str
    line: int
    why: str
    cause: str  # the async node that asked for it


@dataclass(frozen=True)
class Graph:
    nodes: frozenset[str]
    edges: tuple[Edge, ...]
    seeds: tuple[Seed, ...]
    barriers: Mapping[str, str] = field(default_factory=dict)
    groups: tuple[frozenset[str], ...] = ()
    def_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Solution:
    async_nodes: frozenset[str]
    reasons: Mapping[str, Reason]
    blocked: tuple[Blocked, ...]

    def chain(self, node: str) -> list[tuple[str, Reason]]:
        """`node` -> callee -> ... -> the API that started it."""
        out: list[tuple[str, Reason]] = []
        seen: set[str] = set()
        current: str | None = node
        while current is not None and current in self.reasons and current not in seen:
            seen.add(current)
            reason = self.reasons[current]
            out.append((current, reason))
            current = reason.via
        return out


def solve(graph: Graph) -> Solution:
    # Edges and seeds are ordered as plain tuples holding every field (equal tuples are equal
    # dataclasses), from lists, duplicates dropped next to each other once sorted: the graph lists
    # them nearly in order already, which a sort of a list keeps cheap and a set's order does not
    # (about 5k seeds and 1k edges in a 50 kLOC repo, on every re-solve).
    callers: dict[str, list[tuple[str, int, str]]] = {}
    for callee, caller, line, ctx in _sorted_unique([(e.callee, e.caller, e.line, e.ctx) for e in graph.edges]):
        callers.setdefault(callee, []).append((caller, line, ctx))
    group_of: dict[str, list[frozenset[str]]] = {}
    for group in graph.groups:
        for member in group:
            group_of.setdefault(member, []).append(group)

    reasons: dict[str, Reason] = {}
    blocked: list[Blocked] = []
    queue: deque[str] = deque()

    def make_async(node: str, reason: Reason, cause: str) -> None:
        if node in reasons:
            return
        barrier = graph.barriers.get(node)
        if barrier is not None:
            blocked.append(Blocked(node, reason.line, barrier, cause))
            return
        reasons[node] = reason
        queue.append(node)

    for unforced, node, line, what in _sorted_unique([(not s.forced, s.node, s.line, s.what) for s in graph.seeds]):
        if node in reasons:
            continue
        if not unforced:
            reasons[node] = Reason(line, what)
            queue.append(node)
        else:
            make_async(node, Reason(line, what), node)

    while queue:
        node = queue.popleft()
        for group in group_of.get(node, ()):
            for member in sorted(group):
                line = graph.def_lines.get(member, reasons[node].line)
                make_async(member, Reason(line, f"shares a colour with {node}", node), node)
        for caller, line, ctx in callers.get(node, ()):
            if caller in reasons:
                continue
            if ctx:
                blocked.append(Blocked(caller, line, f"the call sits in a {ctx}", node))
                continue
            make_async(caller, Reason(line, f"calls {node}", node), node)

    unique = sorted(set(blocked), key=lambda b: (b.node, b.line, b.why, b.cause))
    return Solution(frozenset(reasons), reasons, tuple(unique))


def _sorted_unique(items: list[_Row]) -> list[_Row]:
    """`sorted(set(items))`, sorting the list as given (nearly sorted is nearly free)."""
    items.sort()
    return [item for i, item in enumerate(items) if i == 0 or item != items[i - 1]]


def callers_of(graph: Graph, nodes: Iterable[str]) -> set[str]:
    wanted = set(nodes)
    return {e.caller for e in graph.edges if e.callee in wanted}

"""Keep what each function's body says to the graph from one run to the next (`quartify lsp`,
and through core/link_store.py a later one-shot run).

`graph.build` reads every use in every function body of the repo (`_body_uses`: seeds where a
Quart awaitable is used, caller -> callee edges) on every run, though after a keystroke only
the edited file's functions changed. What one function's body gives is a function of: that
function's index (a `FunctionInfo` is frozen: the same object, the same facts; and a module's
index is a function of its text, `link_memory.content_key`), the linker's answers, and a few
repo-wide facts (`World`): which functions were `async def` or generators before the
migration, each decorator's wrappers, the calls an unsafe fix makes awaitable, and whether
Quart-WTF forms apply. So a run whose linker adopted the last run's answers (every answer equal,
analysis/link_memory.py) and whose `World` equals the last run's reuses the last run's result
for every function it sees again; anything else starts empty. Functions that call a view out of
`app.view_functions` read the repo's classification too: never kept.

The other whole-repo passes of `graph.build` (classification, `stream_with_context`, the
`decorator` package, decorator families and their applications, registrations by call) each
start with a scan of every function's (or module's) uses that asks the linker what they mean and
keeps the few that matter to the pass. Such a scan reads only its owner (a frozen `FunctionInfo`
or `ModuleIndex`: the same object, the same fields) and the linker's answers, and the signature
facts of other functions (which exist, their parents, whether they are generators), which are
equal whenever the answers were adopted (analysis/link_memory.py). So `Scans` keeps each
owner's scan result per pass for as long as this memo lives (`LinkMemory` starts a new one when
a run does not adopt), and the pass combines them, in the owners' order, as it did the uses.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from quartify.analysis.model import FunctionInfo, ModuleIndex
from quartify.analysis.solver import Edge, Seed

_R = TypeVar("_R")

# What one function's body gives: (use seeds, registry seeds, edges).
BodyFacts = tuple[tuple[Seed, ...], tuple[Seed, ...], tuple[Edge, ...]]
# The same as plain values, per function of a module: (qualname, seeds, edges).
StoredFacts = tuple[tuple[str, tuple[tuple[str, int, str, bool], ...], tuple[tuple[str, str, int, str], ...]], ...]


def content_key(m: ModuleIndex) -> str:
    """What a module's index is a function of (with quartify's code, which a stored record's
    header holds): its path, module name, package flag and text."""
    return f"{m.path}\0{m.module}\0{m.is_package}\0{m.source_hash}"


@dataclass(frozen=True)
class World:
    """The repo-wide facts (besides the linker's answers) a function's body facts depend on."""

    async_defs: frozenset[str]
    generators: frozenset[str]
    wrappers: tuple[tuple[str, frozenset[str]], ...]
    extra_awaitables: tuple[tuple[str, object], ...]
    forms: bool

    def digest(self) -> bytes:
        plain = (sorted(self.async_defs), sorted(self.generators), [(d, sorted(w)) for d, w in self.wrappers],
                 [(k, repr(a)) for k, a in self.extra_awaitables], self.forms)
        return hashlib.blake2b(marshal.dumps(plain, 0), digest_size=20).digest()


class Scans:
    """Per-owner scan results of one linker's answers, from this run and the runs before it
    whose answers it adopted. Entries for owners a run did not ask about are dropped at `turn`
    (an owner object gone from the repo is released, so its id is never mistaken for another's)."""

    def __init__(self) -> None:
        self._now: dict[tuple[str, int], tuple[object, object]] = {}
        self._before: dict[tuple[str, int], tuple[object, object]] = {}

    def turn(self) -> None:
        """Start a run: what the last run asked for stays available, the rest is let go."""
        self._before, self._now = self._now, {}

    def get(self, name: str, owner: object, compute: Callable[[], _R]) -> _R:
        """`compute()` for pass `name` over `owner`, or its result from an earlier run."""
        key = (name, id(owner))
        known = self._now.get(key) or self._before.get(key)
        if known is None or known[0] is not owner:
            known = (owner, compute())
        self._now[key] = known
        return known[1]  # type: ignore[return-value]  # stored by this method for this pass


def scan(scans: Scans | None, name: str, owner: object, compute: Callable[[], _R]) -> _R:
    """One owner's scan for pass `name`: kept in `scans` when there is one, else worked out."""
    return compute() if scans is None else scans.get(name, owner, compute)


@dataclass
class BodyMemo:
    """The last run's body facts per function object, valid under `world` only; or an earlier
    process's, per module text, valid under the world whose digest is `stored[0]`."""

    world: World | None = None
    facts: dict[int, tuple[FunctionInfo, BodyFacts]] = field(default_factory=dict)
    stored: tuple[bytes, dict[str, StoredFacts]] | None = None
    # the other passes' per-owner scans: they read the linker's answers only, not `world`
    scans: Scans = field(default_factory=Scans)

    def under(self, world: World, modules: Iterable[ModuleIndex] = ()) -> None:
        """Start a run under `world`: the kept facts are dropped unless it is the last run's."""
        stored, self.stored = self.stored, None
        if world == self.world:
            return
        self.world = world
        self.facts = {}
        if stored is not None and stored[0] == world.digest():
            for m in modules:
                kept = stored[1].get(content_key(m))
                if kept:
                    by_name = {q: (tuple(Seed(*s) for s in seeds), (), tuple(Edge(*e) for e in edges))
                               for q, seeds, edges in kept}
                    for f in m.functions:
                        found = by_name.get(f.qualname)
                        if found is not None:
                            self.facts[id(f)] = (f, found)

    def get(self, func: FunctionInfo) -> BodyFacts | None:
        known = self.facts.get(id(func))
        return known[1] if known is not None and known[0] is func else None

    def keep(self, seen: dict[int, tuple[FunctionInfo, BodyFacts]]) -> None:
        """The facts of this run's functions (the others are gone, and their ids may be reused)."""
        self.facts = seen

    def export(self, modules: Iterable[ModuleIndex]) -> tuple[bytes, dict[str, StoredFacts]] | None:
        """The kept facts as plain values by module text, for a later process (None: no run yet)."""
        if self.world is None:
            return None
        out: dict[str, StoredFacts] = {}
        for m in modules:
            kept = []
            for f in m.functions:
                known = self.get(f)
                if known is not None:
                    kept.append((f.qualname, tuple((s.node, s.line, s.what, s.forced) for s in known[0]),
                                 tuple((e.caller, e.callee, e.line, e.ctx) for e in known[2])))
            out[content_key(m)] = tuple(kept)
        return self.world.digest(), out

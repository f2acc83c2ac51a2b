"""Keep what each function's body says to the graph from one run to the next (`quartify lsp`,
and through core/link_store.py a later one-shot run).

`graph.build` reads every use in every function body of the repo (`_body_uses`: seeds where a
Quart awaitable is used, caller -> callee edges) on every run, though after a keystroke only
the edited file's functions changed. What one function's body gives is a function of: that
function's index (a `FunctionInfo` is frozen: the same object, the same facts; and a module's
index is a function of its text, `graph_scan.content_key`), the linker's answers, and a few
repo-wide facts (`World`): which functions were `async def` or generators before the
migration, each decorator's wrappers, the calls an unsafe fix makes awaitable, and whether
Quart-WTF forms apply. So a run whose linker adopted the last run's answers (every answer equal,
analysis/link_memory.py) and whose `World` equals the last run's reuses the last run's result
for every module it sees again (the same object, or the same text); anything else starts empty.
Functions that call a view out of `app.view_functions` read the repo's classification too: never
kept, worked out on every run.

A module's share is kept whole (`ModuleBody`: its seeds and edges in function order) and only
while each of its functions is the linker's (no qualname defined twice in the repo): then every
seed and edge names the one function that gave it, so `graph._body_uses` puts the shares and the
functions it works out again in order with one stable sort by that name, the order a fresh build
makes by walking the functions sorted.

The other whole-repo passes keep their per-module share beside these (`scans`,
analysis/graph_scan.py): they read the linker's answers, not `World`.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import starmap

from quartify.analysis.graph_scan import Scans, content_key
from quartify.analysis.model import ModuleIndex
from quartify.analysis.solver import Edge, Seed
from quartify.core.digest import blake2b

# What one module's functions give, in function order: (use seeds, edges, the positions of the
# functions worked out again on every run: those calling a view out of `app.view_functions`).
ModuleBody = tuple[tuple[Seed, ...], tuple[Edge, ...], tuple[int, ...]]
# The same as plain values: (seeds, edges, positions).
StoredFacts = tuple[tuple[tuple[str, int, str, bool], ...], tuple[tuple[str, str, int, str], ...], tuple[int, ...]]


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
        return blake2b(marshal.dumps(plain, 0), digest_size=20).digest()


@dataclass
class BodyMemo:
    """The last run's body facts per module object, valid under `world` only; or an earlier
    process's, per module text, valid under the world whose digest is `stored[0]`. Kept by module,
    not by function: a run combines a module's share with one `extend` (`graph._body_uses`)."""

    world: World | None = None
    facts: dict[int, tuple[ModuleIndex, ModuleBody]] = field(default_factory=dict)
    stored: tuple[bytes, dict[str, StoredFacts]] | None = None
    # the other passes' per-owner scans: they read the linker's answers only, not `world`
    scans: Scans = field(default_factory=Scans)
    # modules whose facts `under` read from `stored`, with what it read (`export` writes it again)
    _restored: dict[int, tuple[ModuleIndex, StoredFacts]] = field(default_factory=dict)

    def under(self, world: World, modules: Iterable[ModuleIndex] = ()) -> None:
        """Start a run under `world`: the kept facts are dropped unless it is the last run's."""
        stored, self.stored = self.stored, None
        if world == self.world:
            return
        self.world = world
        self.facts = {}
        self._restored = {}
        if stored is not None and stored[0] == world.digest():
            for m in modules:
                kept = stored[1].get(content_key(m))
                body = _restore(kept) if kept is not None else None
                if body is not None:
                    self._restored[id(m)] = (m, kept)  # type: ignore[assignment]  # `_restore` checked it
                    self.facts[id(m)] = (m, body)

    def get(self, module: ModuleIndex) -> ModuleBody | None:
        known = self.facts.get(id(module))
        return known[1] if known is not None and known[0] is module else None

    def keep(self, seen: dict[int, tuple[ModuleIndex, ModuleBody]]) -> None:
        """The facts of this run's modules (the others are gone, and their ids may be reused)."""
        self.facts = seen

    def export(self, modules: Iterable[ModuleIndex]) -> tuple[bytes, dict[str, StoredFacts]] | None:
        """The kept facts as plain values by module text, for a later process (None: no run yet)."""
        if self.world is None:
            return None
        out: dict[str, StoredFacts] = {}
        for m in modules:
            restored = self._restored.get(id(m))
            if restored is not None and restored[0] is m:
                # the facts of `m` are those read for it (same text, same world)
                out[content_key(m)] = restored[1]
                continue
            known = self.get(m)
            if known is not None:
                out[content_key(m)] = (tuple((s.node, s.line, s.what, s.forced) for s in known[0]),
                                       tuple((e.caller, e.callee, e.line, e.ctx) for e in known[1]), known[2])
        return self.world.digest(), out


def _restore(stored: object) -> ModuleBody | None:
    """A module's facts read back (None: not the shape `export` writes)."""
    if not isinstance(stored, tuple) or len(stored) != 3:
        return None
    seeds, edges, again = stored
    try:
        return tuple(starmap(Seed, seeds)), tuple(starmap(Edge, edges)), tuple(again)
    except TypeError:
        return None

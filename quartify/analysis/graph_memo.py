"""Keep what each function's body says to the graph from one run to the next (`quartify lsp`).

`graph.build` reads every use in every function body of the repo (`_body_uses`: seeds where a
Quart awaitable is used, caller -> callee edges) on every run, though after a keystroke only
the edited file's functions changed. What one function's body gives is a function of: that
function's index (a `FunctionInfo` is frozen: the same object, the same facts), the linker's
answers, and a few repo-wide facts (`World`): which functions were `async def` or generators
before the migration, each decorator's wrappers, the calls an unsafe fix makes awaitable, and
whether Quart-WTF forms apply. So a run whose linker adopted the last run's answers (every
answer equal, analysis/link_memory.py) and whose `World` equals the last run's reuses the last
run's result for every function object it sees again; anything else starts empty. Functions
that call a view out of `app.view_functions` read the repo's classification too: never kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quartify.analysis.model import FunctionInfo
from quartify.analysis.solver import Edge, Seed

# What one function's body gives: (use seeds, registry seeds, edges).
BodyFacts = tuple[tuple[Seed, ...], tuple[Seed, ...], tuple[Edge, ...]]


@dataclass(frozen=True)
class World:
    """The repo-wide facts (besides the linker's answers) a function's body facts depend on."""

    async_defs: frozenset[str]
    generators: frozenset[str]
    wrappers: tuple[tuple[str, frozenset[str]], ...]
    extra_awaitables: tuple[tuple[str, object], ...]
    forms: bool


@dataclass
class BodyMemo:
    """The last run's body facts per function object, valid under `world` only."""

    world: World | None = None
    facts: dict[int, tuple[FunctionInfo, BodyFacts]] = field(default_factory=dict)

    def under(self, world: World) -> None:
        """Start a run under `world`: the kept facts are dropped unless it is the last run's."""
        if world != self.world:
            self.world = world
            self.facts = {}

    def get(self, func: FunctionInfo) -> BodyFacts | None:
        known = self.facts.get(id(func))
        return known[1] if known is not None and known[0] is func else None

    def keep(self, seen: dict[int, tuple[FunctionInfo, BodyFacts]]) -> None:
        """The facts of this run's functions (the others are gone, and their ids may be reused)."""
        self.facts = seen

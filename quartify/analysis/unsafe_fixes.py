"""Which library swaps `--unsafe-fixes` applies in this run, decided once per repo.

A swap makes a blocking call awaitable (`sqlite3.connect(...)` -> `await aiosqlite.connect(...)`,
`requests.get(...)` -> `await client.get(...)`). Declaring those calls awaitable on the linker lets
the colouring do the rest exactly as for a Quart awaitable: the functions using them become
async, their callers await them, across the repo. A swap is all or nothing per library: a
connection is either aiosqlite's everywhere or sqlite3's everywhere, so one shape the rewrite
cannot prove keeps the whole library as it was, with a finding saying where and why. One such
shape only the colouring can see: a function that must stay sync (`__init__`, a property, a
callback) that would have to await. So each swap is tried on the graph first, and dropped when
it blocks async somewhere the plain migration did not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from quartify.analysis import graph as graph_mod
from quartify.analysis.edits import FilePlan
from quartify.analysis.model import ModuleIndex
from quartify.analysis.link import Linker
from quartify.analysis.repo import short
from quartify.analysis.solver import Blocked, solve
from quartify.analysis.unsafe_http import http_swap
from quartify.analysis.unsafe_sqlite import Refusal, sqlite_swap
from quartify.core import bundled
from quartify.core.config import Options
from quartify.rules.loader import Awaitable


def _blocked(linker: Linker) -> set[tuple[str, int]]:
    """Where async cannot go, by function and line; click commands are left out, as the CLI
    bridge runs their bodies under `asyncio.run` whatever they await."""
    repo_graph = graph_mod.build(linker)
    return {(b.node, b.line) for b in solve(repo_graph.graph).blocked if repo_graph.kinds[b.node].kind != "cli"}


def _explained(linker: Linker, where: set[tuple[str, int]]) -> list[Blocked]:
    return sorted((b for b in solve(graph_mod.build(linker).graph).blocked if (b.node, b.line) in where),
                  key=lambda b: (b.node, b.line))


def _try(linker: Linker, awaitables: dict[str, Awaitable], before: set[tuple[str, int]]) -> list[Refusal]:
    """Add `awaitables`; take them back (and say where it broke) if async now hits a barrier."""
    linker.extra_awaitables.update(awaitables)
    where = _blocked(linker) - before
    if not where:
        return []
    new = _explained(linker, where)
    for name in awaitables:
        linker.extra_awaitables.pop(name, None)
    out = []
    for b in new:
        mod = linker.module_of.get(b.node)
        out.append(Refusal(mod.path if mod else "?", b.line,
                           f"{short(b.node)} would have to await {short(b.cause)}, but {b.why}"))
    return out


def enable(linker: Linker, options: Options, sources: Mapping[str, str] | None = None) -> None:
    """Register the awaitables of every swap this run applies (none without `--unsafe-fixes`),
    and the refusals of the others (`linker.unsafe_refusals`, reported by their planners).
    `sources` (path -> text) lets the HTTP swap read the arguments of each call."""
    if not options.unsafe_fixes:
        return
    before: set[tuple[str, int]] | None = None
    sqlite = sqlite_swap(linker)
    http = http_swap(linker, sources or {})
    for fix, swap in (("aiosqlite", sqlite), ("httpx", http)):
        if not swap.used:
            continue
        refusals = list(swap.refusals)
        if not refusals:
            before = _blocked(linker) if before is None else before
            refusals = _try(linker, swap.awaitables, before)
            if not refusals:
                before = None  # the graph changed: the next swap is measured against this one
        linker.unsafe_refusals[fix] = tuple((r.path, r.line, r.why) for r in refusals)


# The requirement each swap adds to the project's dependency files, by the edit that imports it.
REQUIREMENTS = {"SqliteConnect": "aiosqlite>=0.17", "HttpCall": "httpx>=0.23"}


def requirements(plans: Iterable[FilePlan]) -> tuple[str, ...]:
    """What the changed files now import because of a swap (`aiosqlite>=0.17`, `httpx>=0.23`)."""
    kinds = {type(edit).__name__ for plan in plans for edit in plan.edits}
    return tuple(req for kind, req in sorted(REQUIREMENTS.items()) if kind in kinds)


def helper_files(changed: Iterable[tuple[Path, ModuleIndex, FilePlan]], version: str) -> list[tuple[Path, str]]:
    """`quartify_http.py` for each place a changed file imports it from: its top package, or
    beside a top-level module (planners/unsafe_http.py names the import the same way)."""
    targets: set[Path] = set()
    for path, index, plan in changed:
        if not any(type(edit).__name__ == "HttpCall" for edit in plan.edits):
            continue
        depth = len(index.module.split("."))
        folder = path.parent if depth == 1 else path.parents[depth - 1 if index.is_package else depth - 2]
        targets.add(folder / "quartify_http.py")
    body = bundled.read_text("quartify.runtime", "quartify_http.py")
    header = (f"# Written by quartify {version} (from quartify/runtime/quartify_http.py) for --unsafe-fixes.\n"
              "# quartify leaves an existing copy alone: delete it to take a newer one.\n")
    return [(target, header + body) for target in sorted(targets)]

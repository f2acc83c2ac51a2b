"""Files kept unchanged keep their colour, so the rest of the repo stays consistent with them.

When a file cannot be migrated (its output fails verification, a rewrite raises), its original
text stays. Every other file was planned assuming that file's functions became async; awaiting
a function that stayed sync is a runtime error. Pinning re-solves the colouring with those
functions fixed as they are (a sync def is a barrier, never a seed), so callers elsewhere are
planned against what the file really is. The pipeline repeats this until no new file fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from quartify.analysis.graph import RepoGraph
from quartify.analysis.link import Linker


def pinned_functions(linker: Linker, pinned: Mapping[str, str]) -> dict[str, str]:
    """Sync functions of pinned files (by display path), each with why it must stay sync."""
    out: dict[str, str] = {}
    for qualname, func in linker.functions.items():
        module = linker.module_of.get(qualname)
        if module is not None and module.path in pinned and not func.is_async:
            out[qualname] = f"its file {module.path} is kept unchanged ({pinned[module.path]})"
    return out


def pin(graph: RepoGraph, linker: Linker, pinned: Mapping[str, str]) -> RepoGraph:
    """The graph with every sync function of a pinned file turned into a barrier."""
    if not pinned:
        return graph
    stay_sync = pinned_functions(linker, pinned)
    barriers = {**graph.graph.barriers, **stay_sync}
    seeds = tuple(s for s in graph.graph.seeds if s.node not in stay_sync)
    return replace(graph, graph=replace(graph.graph, seeds=seeds, barriers=barriers),
                   barriers={**graph.barriers, **stay_sync})

"""Ask a fresh linker the same references in different orders and compare every answer.

Adopting an earlier run's answers (analysis/link_memory.py) is exact only when each answer is a
function of the tables alone: whatever order the questions came in, and whichever were asked
before, a linker must answer a reference the same. This is that property, checked empirically:
the references a run asks about (every reference the index records, and every one the graph
stage resolved on the way), asked of fresh linkers in several orders; then every reference any
of them holds an answer for, asked of each, must get one answer across all of them.
Used by tests/analysis/test_link_orders.py and, for trees outside the repository,
`python -m tests.analysis.link_orders DIR...`.
"""

from __future__ import annotations

import copy
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from quartify.analysis import graph
from quartify.analysis.link import Linker
from quartify.analysis.model import ModuleIndex
from quartify.core.config import Options
from quartify.core.paths import discovered_inputs
from quartify.core.stages import Indexed, index_file


def modules_of(root: Path) -> list[ModuleIndex]:
    """The indexes of every Python file of the tree at `root`, named as a run names them."""
    inputs, _ = discovered_inputs([root], Options())
    out = []
    for item in inputs:
        if item.dependency_file:
            continue
        done = index_file(item.path, item.display, item.module, item.is_package)
        if isinstance(done, Indexed):
            out.append(done.index)
    return out


def asked(modules: Sequence[ModuleIndex]) -> list[str]:
    """What a run asks about: every reference the indexes record, and every one a linker held an
    answer for once the graph stage (which asks most of them) was built."""
    refs: set[str] = set()
    for m in modules:
        refs.update(ref for _, ref in m.bindings)
        for c in m.classes:
            refs.update(c.bases)
            refs.update(ref for _, ref in c.attributes)
        for f in m.functions:
            refs.update(f.return_refs)
            refs.update(f.yield_refs)
            refs.update(d.ref for d in f.decorators)
            for u in f.uses:
                refs.add(u.ref)
                if u.arg_of:
                    refs.add(u.arg_of)
    linker = Linker(modules)
    graph.build(linker)
    refs.update(linker._cache)
    refs.discard("")
    return sorted(refs)


def orders(refs: Sequence[str], seeds: Iterable[int] = (1, 2, 3)) -> dict[str, list[str]]:
    """Sorted, reversed and shuffled (one per seed) orders of `refs`."""
    out = {"sorted": sorted(refs), "reversed": sorted(refs, reverse=True)}
    for seed in seeds:
        shuffled = list(refs)
        random.Random(seed).shuffle(shuffled)
        out[f"shuffled-{seed}"] = shuffled
    return out


def disagreements(modules: Sequence[ModuleIndex], seeds: Iterable[int] = (1, 2, 3),
                  make: Callable[[Sequence[ModuleIndex]], Linker] = Linker) -> tuple[int, dict[str, dict[str, str]]]:
    """(how many references were compared, those whose answer differs between orders: ref ->
    order -> answer). Each order's linker first answers its questions in that order, then every
    reference any linker holds an answer for is asked of each (what a later run adopting one of
    them would read)."""
    linkers = {}
    for name, order in orders(asked(modules), seeds).items():
        linker = make(modules)
        for ref in order:
            linker.resolve(ref)
        linkers[name] = linker
    held = sorted(set().union(*(linker._cache for linker in linkers.values())))
    answers = {name: {ref: linker.resolve(ref) for ref in held} for name, linker in linkers.items()}
    differ = {}
    for ref in held:
        seen = {name: got[ref] for name, got in answers.items()}
        if len(set(seen.values())) > 1:
            differ[ref] = seen
    return len(held), differ


def asked_first(modules: Sequence[ModuleIndex], refs: Iterable[str]) -> dict[str, str]:
    """Each reference's answer from a linker asked nothing before it: the answer every order
    must agree with. Each such linker is a copy of one whose argument table is built, with every
    answer and every trace of a question dropped (building the table again for each reference is
    what a fresh linker would do, at the same result)."""
    built = Linker(modules)
    built.resolve("builtins.object")  # builds the argument table, then answers from scratch
    out = {}
    for ref in refs:
        fresh = copy.copy(built)
        fresh._cache, fresh._mro, fresh._externals = {}, {}, {}
        fresh._pending, fresh._at, fresh._low, fresh._provisional = [], {}, [], {}
        fresh._cycle, fresh._starts, fresh._redoing = [], [], set()
        out[ref] = fresh.resolve(ref)
    return out


def main(argv: list[str]) -> int:
    failed = 0
    for arg in argv:
        modules = modules_of(Path(arg))
        compared, differ = disagreements(modules)
        print(f"{arg}: {len(modules)} modules, {compared} references, {len(differ)} answered differently")
        for ref, seen in sorted(differ.items())[:20]:
            print(f"  {ref}: {seen}")
        linker = Linker(modules)
        for ref in asked(modules):
            linker.resolve(ref)
        held = dict(linker._cache)
        first = asked_first(modules, held)
        apart = sorted(ref for ref in held if first[ref] != held[ref])
        print(f"  {len(apart)} of {len(held)} answers differ from the answer asked first, cyclic={linker.cyclic}")
        for ref in apart[:20]:
            print(f"  {ref}: {held[ref]} (asked first: {first[ref]})")
        failed += bool(differ) + bool(apart)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

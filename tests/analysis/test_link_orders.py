"""Every answer the linker gives is the same in any question order, on every fixture tree and on
two cycle shapes written for it (`tests/fixtures/cycles`: `app = prepare(app)` where `prepare`
returns its parameter, and two functions handing a value to each other): what lets a later run
adopt an earlier run's answers (analysis/link_memory.py). The harness is tests/analysis/link_orders.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartify.analysis.link import Linker
from tests.analysis.link_orders import asked, asked_first, disagreements, modules_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TREES = sorted(
    [p for p in FIXTURES.glob("*/*") if p.is_dir()]
    + [p for p in FIXTURES.iterdir() if p.is_dir() and any(p.glob("*.py"))]
)


@pytest.mark.parametrize("tree", TREES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_answer_is_the_same_in_any_question_order(tree: Path) -> None:
    modules = modules_of(tree)
    compared, differ = disagreements(modules)
    assert compared and not differ
    linker = Linker(modules)
    for ref in asked(modules):
        linker.resolve(ref)
    assert not linker.cyclic  # so its answers may be adopted
    held = dict(linker._cache)
    assert asked_first(modules, held) == held


CYCLES = {
    "rebinding": {"shop.tests.helpers.build()", "shop.tests.helpers.prepare()", "@param:shop.tests.helpers.prepare:app"},
    "mutual": {"@param:walker.even:node", "@param:walker.odd:node"},
}


@pytest.mark.parametrize("shape", sorted(CYCLES))
def test_the_cycle_shapes_do_settle_a_cycle(shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a vacuous proof: past the argument table, answering these trees settles these cycles.
    settled: list[frozenset[str]] = []
    settle = Linker._settle

    def recording(self: Linker, ref: str, start: int) -> str:
        if not self._scratch:
            settled.append(frozenset((ref, *self._cycle[start:])))
        return settle(self, ref, start)
    monkeypatch.setattr(Linker, "_settle", recording)
    modules = modules_of(FIXTURES / "cycles" / shape)
    linker = Linker(modules)
    linker.resolve("builtins.object")  # builds the argument table
    settled.clear()
    for ref in asked(modules):
        linker.resolve(ref)
    assert CYCLES[shape] in settled and not linker.cyclic

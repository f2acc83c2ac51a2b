"""Verification re-plans an output only with the planners that may yield a settling edit, read
from each planner's return annotation (which mypy holds the planner to); the others must never
yield one, and the re-plan must find exactly the settling edits a full plan finds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import quartify.analysis.plan as plan_module
from quartify.analysis import edits
from quartify.analysis.edits import Edit
from quartify.analysis.model import ModuleIndex
from quartify.analysis.planners import Planner, all_planners, may_settle, settling_planners
from quartify.analysis.planners.asyncify import Await, plan_awaits
from quartify.analysis.planners.context import FileContext
from quartify.analysis.planners.missing_api import plan_missing_apis
from quartify.analysis.planners.offload import Offload, plan_runner_offloads
from quartify.analysis.repo import RepoPlan
from quartify.core import stages
from quartify.core.config import Options
from quartify.core.paths import migrate_paths
from quartify.core.types import Finding

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GROUPS = ("apps", "samples", "blocking", "blocking_chain", "typecheck", "unsafe_apps", "extension_apps",
          "unittest_family", "forms")


def _only_findings(ctx: FileContext) -> Iterator[Finding]:
    yield from ()


def _offloads(ctx: FileContext) -> Iterator[Offload | Finding]:
    yield from ()


def _any_edit(ctx: FileContext) -> Iterator[Edit | Finding]:
    yield from ()


def _awaits(ctx: FileContext) -> Iterable[Await]:
    yield from ()


def _unannotated(ctx):  # type: ignore[no-untyped-def]
    yield from ()


def test_the_annotation_decides_which_planners_verification_runs() -> None:
    assert not may_settle(_only_findings)
    assert not may_settle(plan_missing_apis)
    assert may_settle(_any_edit), "the base Edit may be any kind"
    assert may_settle(_awaits) and may_settle(plan_awaits), "Await settles"
    assert may_settle(_unannotated), "what cannot be read runs"


def test_a_kind_with_a_settling_subclass_counts_as_settling(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not may_settle(_offloads) and not may_settle(plan_runner_offloads)
    monkeypatch.setattr(edits, "_KINDS", dict(edits.declared_kinds()))  # the subclass below is forgotten after

    @dataclass(frozen=True)
    class SettlingOffload(Offload):
        settles = True

    assert "SettlingOffload" in edits.declared_kinds()
    assert may_settle(_offloads) and may_settle(plan_runner_offloads)


def test_settling_planners_keep_the_registry_order() -> None:
    order = {p: i for i, p in enumerate(all_planners())}
    chosen = settling_planners()
    assert [order[p] for p in chosen] == sorted(order[p] for p in chosen)
    assert 0 < len(chosen) < len(order)


def _targets() -> list[Path]:
    found = [p for group in GROUPS for p in sorted((FIXTURES / group).iterdir()) if p.is_dir()]
    return [*found, FIXTURES / "blocking_thread", FIXTURES / "traps"]


@pytest.mark.parametrize("unsafe", [False, True], ids=["default", "unsafe fixes"])
def test_on_the_fixtures_only_settling_planners_yield_settling_edits_and_the_re_plan_finds_the_same(
    monkeypatch: pytest.MonkeyPatch, unsafe: bool
) -> None:
    skipped = set(all_planners()) - set(settling_planners())
    leaked: list[str] = []
    settling_seen = 0
    replans = 0

    def recording(planner: Planner) -> Planner:
        def run(ctx: FileContext) -> list[Edit | Finding]:
            nonlocal settling_seen
            items = list(planner(ctx))
            settles = [i for i in items if isinstance(i, Edit) and i.settles]
            settling_seen += len(settles)
            if planner in skipped and settles:
                leaked.append(f"{planner.__module__}.{planner.__name__}: {settles[0]!r}")
            return items
        return run

    recorded = tuple(recording(p) for p in all_planners())
    monkeypatch.setattr(plan_module, "all_planners", lambda: recorded)
    real = plan_module.settling_edits

    def both(repo: RepoPlan, module: ModuleIndex) -> tuple[Edit, ...]:
        nonlocal replans
        replans += 1
        cheap = real(repo, module)
        assert set(cheap) == set(plan_module.plan_file(repo, module).unsettled()), module.path
        return cheap

    monkeypatch.setattr(stages, "settling_edits", both)
    for target in _targets():
        migrate_paths([target], Options(jobs=1, unsafe_fixes=unsafe))
    assert leaked == []
    assert settling_seen > 100 and replans > 20, "the fixtures must exercise the settling kinds"

"""The edit model's promise: a kind is declared once, and a kind without a rewrite is an error."""

from __future__ import annotations

from dataclasses import dataclass

from quartify.analysis import edits
from quartify.analysis.planners import all_planners
from quartify.codemods.apply import load_all, unhandled_kinds


def test_every_declared_edit_kind_has_a_rewrite() -> None:
    load_all()
    assert unhandled_kinds() == []


def test_a_kind_declared_without_a_rewrite_is_reported() -> None:
    @dataclass(frozen=True)
    class Forgotten(edits.Edit):
        """An edit some planner could emit, with no rewrite to apply it."""

    try:
        assert unhandled_kinds() == ["Forgotten"]
    finally:
        del edits._KINDS["Forgotten"]


def test_each_kind_is_applied_by_exactly_one_rewrite() -> None:
    handled: dict[str, list[str]] = {}
    for concern in load_all():
        for kind in concern.handles:
            handled.setdefault(kind.__name__, []).append(concern.__name__)
    assert {k: v for k, v in handled.items() if len(v) > 1} == {}


def test_rewrites_have_distinct_orders() -> None:
    orders = [c.order for c in load_all()]
    assert len(orders) == len(set(orders)), "two rewrites with one order would run in name order by accident"


def test_planners_are_found_by_importing_the_package() -> None:
    modules = {p.__module__.rsplit(".", 1)[-1] for p in all_planners()}
    assert {"asyncify", "imports", "client_calls", "blocking", "extensions"} <= modules

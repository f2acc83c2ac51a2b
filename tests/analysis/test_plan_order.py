"""A file plan's edits come in `Edit.sort_key` order (span, kind name, repr), however they are
sorted underneath: the transform and the fixed-point check read them in that order."""

from __future__ import annotations

import random

from quartify.analysis.edits import Edit, FilePlan
from quartify.analysis.planners.asyncify import Await, MakeAsync
from quartify.analysis.planners.keywords import KeywordRename
from quartify.analysis.planners.offload import Offload
from quartify.core.types import Span


def _edits() -> list[Edit]:
    spans = [Span(line, col, line + extra, end) for line in (1, 2, 10) for col in (0, 4)
             for extra in (0, 1) for end in (3, 12)]
    edits: list[Edit] = []
    for span in spans:
        edits += [Offload(span), Offload(span, parens=True), Await(span, False), Await(span, True),
                  KeywordRename(span, (("b", "a"),)), KeywordRename(span, (("a", "b"), ("c", "d"))),
                  MakeAsync(span)]
    return edits


def test_edits_are_ordered_by_span_then_kind_then_repr() -> None:
    edits = _edits()
    for seed in range(5):
        random.Random(seed).shuffle(edits)
        assert FilePlan.build("m.py", edits, ()).edits == tuple(sorted(set(edits), key=Edit.sort_key))


def test_duplicates_are_dropped_and_ties_of_span_and_kind_go_by_repr() -> None:
    span = Span(3, 0, 3, 9)
    plan = FilePlan.build("m.py", [Offload(span, parens=True), Offload(span), Offload(span, parens=True)], ())
    assert plan.edits == (Offload(span), Offload(span, parens=True))  # "parens=False" < "parens=True"

"""The outcomes of this pytest session's tests, for the matrix check that must see them.

docs/extensions.md shows each proof test's outcome, and tests/extensions/test_matrix.py fails
unless every proof passed. In a full run (CI) the proofs run anyway, so their outcomes are taken
from the session rather than run twice: tests/conftest.py records every report here and moves the
tests marked `after_proofs` to the end of the run. Under pytest-xdist a session is one worker's:
tests/xdist_groups.py puts the proofs' modules and the check in one group, so one worker runs
them all, the check last. Proofs this session did not run (a selection of tests, or xdist without
`--dist loadgroup`) are run once, in a subprocess, by the check itself.
"""

from __future__ import annotations

import pytest

from tests.xdist_groups import without_group

MARKER = "after_proofs"
# Worst first: one bad phase (setup error, failing call) decides the test's outcome.
_RANK = {"error": 3, "failed": 2, "passed": 1, "skipped": 0}
# Node id -> outcome, for every test this process has run (one pytest session per process).
_SEEN: dict[str, str] = {}


def outcome(report: pytest.TestReport) -> str | None:
    if report.failed:
        return "failed" if report.when == "call" else "error"
    if report.skipped:
        return "skipped"
    return "passed" if report.when == "call" else None


def record(report: pytest.TestReport) -> None:
    said = outcome(report)
    if said is None:
        return
    nodeid = without_group(report.nodeid)
    before = _SEEN.get(nodeid)
    if before is None or _RANK[said] > _RANK[before]:
        _SEEN[nodeid] = said


def last(items: list[pytest.Item]) -> None:
    """Tests marked `after_proofs` run after every other test of the session."""
    items.sort(key=lambda item: item.get_closest_marker(MARKER) is not None)


def session_outcomes() -> dict[str, str]:
    return dict(_SEEN)

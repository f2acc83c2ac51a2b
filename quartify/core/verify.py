"""The verdict of `quartify verify`: which of a project's tests the migration broke or fixed.

The suite runs twice (under Flask on the original, under Quart on the migrated copy) and pytest
writes a JUnit XML report each time; this module reads the two reports and compares them test by
test. It is data in, data out: no processes, no files. The runs themselves live in
`quartify.core.verify_run`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Outcome(Enum):
    """What one run said about one test."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    MISSING = "missing"  # not in that run's report (not collected, or its module failed to import)


class Verdict(Enum):
    """How the migration changed one test; the order is the order of the printed table."""

    BROKEN = "broken by the migration"
    FIXED = "fixed by the migration"
    FAILING_BEFORE = "failing before too"
    NOT_COMPARED = "skipped before, or only after"
    PASSED_BOTH = "passed both"


@dataclass(frozen=True)
class TestComparison:
    """One row of the table."""

    __test__ = False  # not a pytest test class

    nodeid: str
    before: Outcome
    after: Outcome
    verdict: Verdict


@dataclass(frozen=True)
class Summary:
    passed_before: int
    passed_after: int
    broken: int
    fixed: int
    failing_before: int
    not_compared: int

    def line(self) -> str:
        text = (
            f"verify: {self.passed_before} passed before, {self.passed_after} passed after; "
            f"{self.broken} broken by the migration, {self.fixed} fixed, {self.failing_before} failing before"
        )
        if self.not_compared:
            text += f"; {self.not_compared} skipped before or only after"
        return text


@dataclass(frozen=True)
class Comparison:
    tests: tuple[TestComparison, ...]  # in Verdict order, then by node id
    summary: Summary

    @property
    def broken(self) -> tuple[TestComparison, ...]:
        return tuple(t for t in self.tests if t.verdict is Verdict.BROKEN)

    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "summary": {
                "passed_before": s.passed_before, "passed_after": s.passed_after, "broken": s.broken,
                "fixed": s.fixed, "failing_before": s.failing_before, "not_compared": s.not_compared,
            },
            "tests": [
                {"nodeid": t.nodeid, "before": t.before.value, "after": t.after.value, "verdict": t.verdict.name.lower()}
                for t in self.tests
            ],
        }


class JUnitError(ValueError):
    """The text is not a JUnit XML report."""


# When one node id appears more than once (a teardown error after a pass, reruns), the worst counts.
_RANK = {Outcome.ERROR: 4, Outcome.FAILED: 3, Outcome.PASSED: 2, Outcome.SKIPPED: 1, Outcome.MISSING: 0}


def parse_junit(text: str) -> dict[str, Outcome]:
    """Node id -> outcome for every <testcase> of a pytest JUnit report.

    Node ids are rebuilt from `classname`, `name` and, when pytest wrote it (junit_family=xunit1),
    `file`: `tests/test_a.py::TestX::test_y[1]`. Without a usable `file` the dotted classname
    stands in for the path (`tests.test_a.TestX::test_y[1]`); both runs are read the same way, so
    the comparison holds either way.
    """
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise JUnitError(f"not a JUnit XML report: {exc}") from exc
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(f"not a JUnit XML report: root element <{root.tag}>")
    outcomes: dict[str, Outcome] = {}
    for case in root.iter("testcase"):
        nodeid = _nodeid(case.get("classname", ""), case.get("name", ""), case.get("file"))
        outcome = _outcome(case)
        if nodeid not in outcomes or _RANK[outcome] > _RANK[outcomes[nodeid]]:
            outcomes[nodeid] = outcome
    return outcomes


def _outcome(case: ET.Element) -> Outcome:
    tags = {child.tag for child in case}
    if "error" in tags:
        return Outcome.ERROR
    if "failure" in tags:
        return Outcome.FAILED
    if "skipped" in tags:
        return Outcome.SKIPPED
    return Outcome.PASSED


def _nodeid(classname: str, name: str, file: str | None) -> str:
    if file:
        module = re.sub(r"\.py$", "", file).replace("/", ".").replace("\\", ".")
        if not classname and name == module:  # a module that failed to collect
            return file
        if classname == module:
            return f"{file}::{name}"
        if classname.startswith(module + "."):
            return "::".join([file, *classname[len(module) + 1:].split("."), name])
    return f"{classname}::{name}" if classname else name


def compare(before: dict[str, Outcome], after: dict[str, Outcome]) -> Comparison:
    """Test by test, what the migration did; node ids on one side only count as MISSING on the other."""
    rows = [
        TestComparison(nodeid, b, a, _verdict(b, a))
        for nodeid in before.keys() | after.keys()
        for b, a in [(before.get(nodeid, Outcome.MISSING), after.get(nodeid, Outcome.MISSING))]
    ]
    order = list(Verdict)
    rows.sort(key=lambda t: (order.index(t.verdict), t.nodeid))
    verdicts = Counter(t.verdict for t in rows)
    summary = Summary(
        passed_before=sum(o is Outcome.PASSED for o in before.values()),
        passed_after=sum(o is Outcome.PASSED for o in after.values()),
        broken=verdicts[Verdict.BROKEN],
        fixed=verdicts[Verdict.FIXED],
        failing_before=verdicts[Verdict.FAILING_BEFORE],
        not_compared=verdicts[Verdict.NOT_COMPARED],
    )
    return Comparison(tuple(rows), summary)


def compare_reports(before_xml: str, after_xml: str) -> Comparison:
    return compare(parse_junit(before_xml), parse_junit(after_xml))


def _verdict(before: Outcome, after: Outcome) -> Verdict:
    if before is Outcome.PASSED:
        # Skipped or gone after counts as broken too: the test no longer proves what it did.
        return Verdict.PASSED_BOTH if after is Outcome.PASSED else Verdict.BROKEN
    if before in (Outcome.FAILED, Outcome.ERROR):
        return Verdict.FIXED if after is Outcome.PASSED else Verdict.FAILING_BEFORE
    return Verdict.NOT_COMPARED

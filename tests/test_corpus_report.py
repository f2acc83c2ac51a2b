"""The corpus summary in docs/compatibility.md is generated from corpus/results.json and
corpus/causes.toml by scripts/corpus_report.py; these tests feed it a tiny synthetic result set."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_report", ROOT / "scripts" / "corpus_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _test(nodeid: str, verdict: str, message: str = "") -> dict[str, Any]:
    after = {"passed_both": "passed", "broken": "failed"}.get(verdict, "passed")
    row = {"nodeid": nodeid, "before": "passed", "after": after, "verdict": verdict}
    return {**row, "message": message} if verdict == "broken" else row


RESULTS: dict[str, Any] = {
    "quartify": "abc1234",
    "generated": "2026-01-02",
    "duration_s": 125,
    "apps": {
        "clean": {
            "repo": "o/clean", "commit": "1" * 40, "subdir": "examples/x", "style": "pytest",
            "summary": {"passed_before": 2, "passed_after": 2, "broken": 0, "fixed": 0, "failing_before": 0,
                        "not_compared": 0},
            "tests": [_test("tests/test_a.py::test_1", "passed_both"), _test("tests/test_a.py::test_2", "passed_both")],
            "imports": {"all_provided": True, "written": ["quart"], "unprovided": [], "dependency_files": ["setup.py"]},
        },
        "messy": {
            "repo": "o/messy", "commit": "2" * 40, "style": "unittest", "extensions": ["Flask-SQLAlchemy"],
            "summary": {"passed_before": 4, "passed_after": 1, "broken": 3, "fixed": 0, "failing_before": 0,
                        "not_compared": 0},
            "tests": [
                _test("tests/test_db.py::T::test_model", "broken", "RuntimeError: Working outside of application context."),
                _test("tests/test_db.py::T::test_query", "broken", "RuntimeError: Working outside of application context."),
                _test("tests/test_env.py::test_environ", "broken", "AttributeError: 'Request' object has no attribute 'environ'"),
                _test("tests/test_ok.py::test_ok", "passed_both"),
            ],
            "imports": {"all_provided": False, "written": ["quart", "quart_flask_patch"],
                        "unprovided": ["quart", "quart_flask_patch"], "dependency_files": []},
        },
        "broken-install": {"repo": "o/b", "commit": "3" * 40, "error": "install under Flask failed (exit 1)"},
    },
}

CAUSES = """
[[cause]]
app = "messy"
tests = ["tests/test_db.py::*"]
message = "outside of application context"
class = "extension"
text = "Flask-SQLAlchemy needs Flask's app context"
"""


def test_every_broken_test_is_given_the_first_matching_cause_or_unclassified() -> None:
    report = _report()
    rows = {r.name: r for r in report.app_rows(RESULTS, report.load_causes(CAUSES))}
    assert [(c.text, c.klass, n) for c, n in rows["messy"].causes] == [
        ("Flask-SQLAlchemy needs Flask's app context", "extension", 2),
        ("unclassified", "unclassified", 1),
    ]
    assert rows["clean"].causes == ()


def test_a_cause_matches_only_its_own_app_and_message() -> None:
    report = _report()
    (cause,) = report.load_causes(CAUSES)
    assert cause.matches("messy", "tests/test_db.py::T::test_model", "Working outside of application context")
    assert not cause.matches("clean", "tests/test_db.py::T::test_model", "Working outside of application context")
    assert not cause.matches("messy", "tests/test_db.py::T::test_model", "KeyError: 'x'")


def test_an_unknown_class_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of"):
        _report().load_causes('[[cause]]\ntests = ["*"]\nclass = "bug"\ntext = "x"\n')


def test_the_summary_leads_with_totals_and_has_one_row_per_app() -> None:
    report = _report()
    text = report.render(RESULTS, report.load_causes(CAUSES))
    assert "**Totals: 3 apps, 6 tests pass under Flask, 3 pass under Quart after `quartify migrate` (50%). " \
           "1 of 2 apps pass with no hand work.** 1 app(s) could not be measured" in text
    assert "quartify `abc1234`" in text and "2 min 5 s" in text
    assert "| clean ✅ | `o/clean@1111111` `examples/x` | pytest | 2 | 2 | 0 | yes | none |" in text
    assert ("| messy | `o/messy@2222222` | unittest; Flask-SQLAlchemy | 4 | 1 | 3 | "
            "**no**: `quart`, `quart_flask_patch` (QFY127) | "
            "Flask-SQLAlchemy needs Flask's app context (extension: 2); unclassified (unclassified: 1) |") in text
    assert "| broken-install | `o/b@3333333` |  | – | – | – | – | not measured: install under Flask failed (exit 1) |" in text
    assert "**Imports: in 1 of 2 apps the migrated dependency files install every module quartify's edits import**" \
           in text
    assert "| extension | 2 | 1 |" in text and "| unclassified | 1 | 1 |" in text


def test_regenerating_replaces_only_the_marked_section(tmp_path: Path) -> None:
    report = _report()
    results, causes, doc = tmp_path / "results.json", tmp_path / "causes.toml", tmp_path / "compat.md"
    results.write_text(json.dumps(RESULTS), encoding="utf-8")
    causes.write_text(CAUSES, encoding="utf-8")
    doc.write_text("# Compatibility\n\nHand-written notes.\n", encoding="utf-8")
    report.regenerate(results, causes, doc)
    first = doc.read_text(encoding="utf-8")
    assert first.startswith("# Compatibility\n\n" + report.BEGIN) and first.endswith("Hand-written notes.\n")
    report.regenerate(results, causes, doc)
    assert doc.read_text(encoding="utf-8") == first


def test_a_merged_run_says_its_time_is_added_up_not_wall_clock() -> None:
    report = _report()
    text = report.render({**RESULTS, "duration_summed": True}, ())
    assert "the apps' verify runs took 2 min 5 s added up" in text
    assert "the full run took" not in text

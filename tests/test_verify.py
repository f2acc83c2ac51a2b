"""`quartify verify`: the JUnit comparison on small reports, the install it picks, and the console
script on two sample apps, one the migration keeps green and one it honestly breaks.

The end-to-end runs use --system-site-packages: the venvs see this interpreter's Flask, Quart,
pytest and pytest-asyncio, so nothing is downloaded and each run takes seconds."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from quartify.core.verify import (
    JUnitError,
    Outcome,
    Verdict,
    compare,
    compare_reports,
    parse_junit,
)
from quartify.core.verify_install import plan_install
from tests.conftest import FIXTURES

NOTESAPI = FIXTURES / "samples" / "notesapi"
STAMPAPP = FIXTURES / "verify" / "stampapp"


def report(*cases: str) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">{"".join(cases)}</testsuite></testsuites>'


def case(name: str, body: str = "", classname: str = "tests.test_app", file: str | None = "tests/test_app.py") -> str:
    where = f' file="{file}"' if file else ""
    return f'<testcase classname="{classname}" name="{name}"{where} time="0.01">{body}</testcase>'


FAIL = '<failure message="assert 1 == 2">assert 1 == 2</failure>'
ERROR = '<error message="failed on setup">fixture blew up</error>'
SKIP = '<skipped type="pytest.skip" message="no db">no db</skipped>'


# -- reading a report -------------------------------------------------------------------------

def test_each_testcase_element_gives_an_outcome() -> None:
    outcomes = parse_junit(report(case("test_ok"), case("test_bad", FAIL), case("test_setup", ERROR),
                                  case("test_later", SKIP)))
    assert outcomes == {
        "tests/test_app.py::test_ok": Outcome.PASSED,
        "tests/test_app.py::test_bad": Outcome.FAILED,
        "tests/test_app.py::test_setup": Outcome.ERROR,
        "tests/test_app.py::test_later": Outcome.SKIPPED,
    }


def test_node_ids_keep_classes_and_parameter_ids() -> None:
    outcomes = parse_junit(report(
        case("test_get[/api/ping]", classname="tests.test_app.TestApi"),
        case("test_value[1.5-a::b]", classname="tests.test_app.TestApi.TestNested"),
    ))
    assert set(outcomes) == {
        "tests/test_app.py::TestApi::test_get[/api/ping]",
        "tests/test_app.py::TestApi::TestNested::test_value[1.5-a::b]",
    }


def test_a_module_that_fails_to_import_is_named_by_its_file() -> None:
    outcomes = parse_junit(report(case("tests.test_app", '<error message="collection failure">ImportError</error>',
                                       classname="")))
    assert outcomes == {"tests/test_app.py": Outcome.ERROR}


def test_without_a_file_attribute_the_dotted_classname_stands_in() -> None:
    assert parse_junit(report(case("test_ok", file=None))) == {"tests.test_app::test_ok": Outcome.PASSED}


def test_a_teardown_error_after_a_pass_counts_as_an_error() -> None:
    assert parse_junit(report(case("test_ok"), case("test_ok", ERROR))) == {"tests/test_app.py::test_ok": Outcome.ERROR}


def test_a_single_testsuite_root_is_read_too() -> None:
    assert parse_junit(f'<testsuite name="pytest">{case("test_ok")}</testsuite>') == {
        "tests/test_app.py::test_ok": Outcome.PASSED}


@pytest.mark.parametrize("text", ["", "not xml", "<html><body/></html>"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(JUnitError):
        parse_junit(text)


# -- comparing two reports --------------------------------------------------------------------

def test_verdicts_follow_what_passed_before_and_after() -> None:
    before = report(case("test_same"), case("test_breaks"), case("test_fixed", FAIL), case("test_still", ERROR),
                    case("test_skipped", SKIP))
    after = report(case("test_same"), case("test_breaks", FAIL), case("test_fixed"), case("test_still", FAIL),
                   case("test_skipped"))
    verdicts = {t.nodeid.split("::")[-1]: t.verdict for t in compare_reports(before, after).tests}
    assert verdicts == {
        "test_same": Verdict.PASSED_BOTH,
        "test_breaks": Verdict.BROKEN,
        "test_fixed": Verdict.FIXED,
        "test_still": Verdict.FAILING_BEFORE,
        "test_skipped": Verdict.NOT_COMPARED,
    }


def test_a_passing_test_skipped_or_gone_after_is_broken() -> None:
    comparison = compare({"a": Outcome.PASSED, "b": Outcome.PASSED}, {"a": Outcome.SKIPPED})
    assert [(t.nodeid, t.after, t.verdict) for t in comparison.tests] == [
        ("a", Outcome.SKIPPED, Verdict.BROKEN),
        ("b", Outcome.MISSING, Verdict.BROKEN),
    ]


def test_a_test_only_present_after_is_not_compared() -> None:
    comparison = compare({}, {"tests/test_app.py": Outcome.ERROR})
    (only,) = comparison.tests
    assert (only.before, only.verdict) == (Outcome.MISSING, Verdict.NOT_COMPARED)
    assert comparison.summary.not_compared == 1 and not comparison.broken


def test_broken_tests_come_first_and_the_summary_counts_them() -> None:
    comparison = compare(
        {"z_ok": Outcome.PASSED, "m_broke": Outcome.PASSED, "a_fixed": Outcome.FAILED, "b_broke": Outcome.PASSED},
        {"z_ok": Outcome.PASSED, "m_broke": Outcome.ERROR, "a_fixed": Outcome.PASSED, "b_broke": Outcome.FAILED},
    )
    assert [t.nodeid for t in comparison.tests] == ["b_broke", "m_broke", "a_fixed", "z_ok"]
    assert comparison.summary.line() == (
        "verify: 3 passed before, 2 passed after; 2 broken by the migration, 1 fixed, 0 failing before")
    assert comparison.to_json()["tests"][0] == {"nodeid": "b_broke", "before": "passed", "after": "failed",
                                                "verdict": "broken"}


# -- what gets installed ----------------------------------------------------------------------

def test_a_project_with_a_test_extra_is_installed_editable_with_it() -> None:
    plan = plan_install(NOTESAPI, extra=None, system_site=False)
    assert plan.pip_args == ("-e", ".[test]", "pytest") and not plan.project_on_path


def test_with_system_site_packages_only_the_declared_dependencies_are_installed() -> None:
    plan = plan_install(NOTESAPI, extra=None, system_site=True, add=("pytest-asyncio",))
    assert plan.pip_args == ("flask>=3.0", "pytest", "pytest-asyncio") and plan.project_on_path


def test_a_requirements_only_project_installs_its_requirement_files(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    (tmp_path / "requirements-dev.txt").write_text("pytest\n", encoding="utf-8")
    plan = plan_install(tmp_path, extra=None, system_site=False)
    assert plan.pip_args == ("-r", "requirements-dev.txt", "-r", "requirements.txt", "pytest")
    assert plan.project_on_path


def test_a_users_command_replaces_the_default(tmp_path: Path) -> None:
    assert plan_install(NOTESAPI, extra=None, system_site=True, shell="make install").describe() == "make install"


# -- the console script -----------------------------------------------------------------------

def verify(quartify_cmd: list[str], project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*quartify_cmd, "verify", str(project), "--system-site-packages", "--timeout", "120", *args],
                          capture_output=True, text=True, check=False)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_sample_the_migration_keeps_green_passes_both(quartify_cmd: list[str], tmp_path: Path) -> None:
    project = tmp_path / "notesapi"
    shutil.copytree(NOTESAPI, project, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    before = tree(project)

    proc = verify(quartify_cmd, project, "--report", f"json:{tmp_path / 'verify.json'}")

    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((tmp_path / "verify.json").read_text(encoding="utf-8"))
    assert data["summary"]["passed_before"] == data["summary"]["passed_after"] >= 20
    assert {t["verdict"] for t in data["tests"]} == {"passed_both"}
    assert "0 broken by the migration, 0 fixed, 0 failing before" in proc.stdout
    assert tree(project) == before  # the user's tree is only read


def test_a_test_the_migration_breaks_is_named_and_exits_1(quartify_cmd: list[str], tmp_path: Path) -> None:
    proc = verify(quartify_cmd, STAMPAPP, "-v")

    assert proc.returncode == 1, proc.stdout + proc.stderr
    broken = [line for line in proc.stdout.splitlines() if line.startswith("broken by the migration")]
    assert len(broken) == 1 and "tests/test_stampapp.py::test_wsgi_middleware_stamps_responses" in broken[0]
    assert "tests/test_stampapp.py::test_ping[/api/ping?x=1]" in proc.stdout
    assert "verify: 4 passed before, 3 passed after; 1 broken by the migration, 0 fixed, 0 failing before" in proc.stdout


def test_an_install_that_fails_exits_2_with_its_output(quartify_cmd: list[str], tmp_path: Path) -> None:
    proc = verify(quartify_cmd, STAMPAPP, "--install-before", "echo no index here >&2; exit 3",
                  "--work-dir", str(tmp_path / "work"))
    assert proc.returncode == 2
    assert "install under Flask failed (exit 3)" in proc.stderr and "no index here" in proc.stderr
    assert (tmp_path / "work" / "flask-install.log").is_file()  # a --work-dir is kept


def test_a_work_dir_with_someone_elses_files_is_refused(quartify_cmd: list[str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    proc = verify(quartify_cmd, STAMPAPP, "--work-dir", str(tmp_path))
    assert proc.returncode == 2 and "is not empty" in proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_report_other_than_json_is_a_usage_error(quartify_cmd: list[str]) -> None:
    proc = verify(quartify_cmd, STAMPAPP, "--report", "sarif:out.sarif")
    assert proc.returncode == 2 and "json:PATH" in proc.stderr

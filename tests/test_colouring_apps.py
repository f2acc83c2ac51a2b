"""Whole-app tests for async colouring across modules.

Each fixture app under tests/fixtures/apps/<name>/ is migrated through the real console script
(`python -m quartify migrate`) on a copy in tmp_path. The output must equal the hand-reviewed
`expected/` tree, be a fixed point, contain no `await` outside `async def`, and (where the app
ships `quart_checks/`) actually work under Quart when driven by its test client.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tests.apphelpers import (
    APPS_DIR,
    app_names,
    apps_with_quart_checks,
    async_misuse,
    copy_expected,
    copy_input,
    expected_findings,
    migrate,
    python_files,
    quartify,
    run_quart_checks,
    tree_diff,
    tree_files,
)

APPS = app_names()
CHECKED_APPS = apps_with_quart_checks()

# The apps that must ship Quart-side checks (the boundaries app is findings-only).
REQUIRED_APPS = {
    "aliases", "boundaries", "chain3", "diamond", "recursion", "selfmethods", "tutorialshape", "viewandcli",
}
REQUIRED_CHECKS = REQUIRED_APPS - {"boundaries"}


def _migrated(app: str, tmp_path: Path) -> Path:
    """A tmp copy of the app's input, migrated in place by the console script."""
    work = copy_input(app, tmp_path / app)
    proc = migrate(work)
    assert proc.returncode == 0, f"quartify migrate exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return work


def test_every_required_app_is_present():
    assert REQUIRED_APPS <= set(APPS)
    assert REQUIRED_CHECKS <= set(CHECKED_APPS)


# --- the output is exactly the reviewed tree ---------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_migration_matches_expected(app, tmp_path):
    work = _migrated(app, tmp_path)
    expected = tree_files(APPS_DIR / app / "expected")
    actual = tree_files(work)
    if actual != expected:
        pytest.fail(f"{app}: output differs from expected/\n{tree_diff(expected, actual)}", pytrace=False)


# --- a second run finds nothing to do ----------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_second_run_on_output_is_a_no_op(app, tmp_path):
    work = _migrated(app, tmp_path)
    before = tree_files(work)
    check = migrate(work, "--check")
    assert check.returncode == 0, f"--check on the output exited {check.returncode}\n{check.stderr}"
    again = migrate(work)
    assert again.returncode == 0, again.stderr
    after = tree_files(work)
    if after != before:
        pytest.fail(f"a second migrate changed the output\n{tree_diff(before, after)}", pytrace=False)


@pytest.mark.parametrize("app", APPS)
def test_expected_tree_is_a_fixed_point(app, tmp_path):
    """The reviewed (correct) output must itself need no further migration."""
    work = copy_expected(app, tmp_path / app)
    check = migrate(work, "--check")
    assert check.returncode == 0, f"--check on expected/ exited {check.returncode}\n{check.stdout}\n{check.stderr}"


# --- the output is valid async Python ----------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_output_parses_and_awaits_only_inside_async_defs(app, tmp_path):
    work = _migrated(app, tmp_path)
    files = python_files(work)
    assert files
    problems: list[str] = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        try:
            problems.extend(async_misuse(source, path.relative_to(work).as_posix()))
        except SyntaxError as exc:
            problems.append(f"{path.relative_to(work)}: does not parse: {exc}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("app", APPS)
def test_expected_tree_is_valid_async_python(app):
    """Guards the fixtures themselves: every expected/ file compiles and awaits correctly."""
    root = APPS_DIR / app / "expected"
    for path in python_files(root):
        source = path.read_text(encoding="utf-8")
        compile(source, str(path), "exec")
        assert not async_misuse(source, path.relative_to(root).as_posix())


# --- the migrated app works under Quart --------------------------------------------------------


@pytest.mark.parametrize("app", CHECKED_APPS)
def test_migrated_app_passes_its_quart_checks(app, tmp_path):
    work = _migrated(app, tmp_path)
    proc = run_quart_checks(app, work)
    assert proc.returncode == 0, f"Quart-side checks failed for {app}\n{proc.stdout}\n{proc.stderr}"
    assert " passed" in proc.stdout and " failed" not in proc.stdout, proc.stdout


# --- the boundary app reports one finding per boundary, with a chain --------------------------

# Every awaitable a boundary chain may bottom out at.
_ROOT_CAUSES = ("request.get_json", "request.form", "render_template_string", "open_resource", "fh.read", "app_context")


@pytest.fixture(scope="module")
def boundary_findings(tmp_path_factory):
    """The QFY1xx findings of an in-process run over a copy of the boundaries app."""
    from quartify.core.config import Options
    from quartify.core.pipeline import migrate_paths

    work = copy_input("boundaries", tmp_path_factory.mktemp("boundaries") / "boundaries")
    result = migrate_paths([work], Options(jobs=1))
    assert not result.failed, [f.findings for f in result.failed]
    return [f for f in result.all_findings() if f.code.startswith("QFY1")]


def _rel(path: str) -> str:
    """A finding's path from the package name on (the display root may differ by entry point)."""
    parts = Path(path).parts
    return Path(*parts[parts.index("edgeapp") :]).as_posix()


def test_boundaries_have_markers():
    marked = expected_findings("boundaries")
    files = {m.path for m in marked}
    for module in ("filters", "genexp", "initcall", "lambdas", "props", "resources", "sorting", "threads", "urlprep"):
        assert f"edgeapp/{module}.py" in files, module


def test_boundary_findings_match_markers(boundary_findings):
    got = sorted((f.code, _rel(f.path), f.line) for f in boundary_findings)
    want = sorted((m.code, m.path, m.line) for m in expected_findings("boundaries"))
    assert got == want


@pytest.mark.parametrize(
    "marker", expected_findings("boundaries"), ids=lambda m: f"{m.code}-{m.path}:{m.line}"
)
def test_boundary_finding_has_a_chain(marker, boundary_findings):
    matching = [f for f in boundary_findings if (f.code, _rel(f.path), f.line) == (marker.code, marker.path, marker.line)]
    assert len(matching) == 1, f"expected one {marker.code} at {marker.path}:{marker.line}, got {matching}"
    finding = matching[0]
    assert finding.chain, f"{marker.code} at {marker.path}:{marker.line} has no reason chain"
    first, last = finding.chain[0], finding.chain[-1]
    assert (_rel(first.path), first.line) == (marker.path, marker.line)
    assert any(cause in last.what for cause in _ROOT_CAUSES), f"chain does not reach the awaitable: {finding.chain}"
    for step in finding.chain:
        assert _rel(step.path).startswith("edgeapp/") and step.line > 0, step


def test_boundary_findings_on_the_console(tmp_path):
    work = copy_input("boundaries", tmp_path / "boundaries")
    proc = migrate(work, "--check", "-v")  # -v: every site; the default prints the groups
    assert proc.returncode == 1, "--check must report that files would change"
    for marker in expected_findings("boundaries"):
        pattern = rf"^{re.escape(marker.path)}:{marker.line}:\d+: {marker.code} "
        assert re.search(pattern, proc.stderr, re.MULTILINE), f"{marker} not reported\n{proc.stderr}"
    assert tree_files(work) == tree_files(APPS_DIR / "boundaries" / "input"), "--check must not write"


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("edgeapp/sorting.py::weight", "passed as a value to sorted()"),
        ("edgeapp/threads.py::write_receipt", "passed as a value to Thread()"),
        ("edgeapp/initcall.py::Settings.__init__", "dunder"),
        ("edgeapp/props.py::Submission.title", "property"),
        ("edgeapp/filters.py::install.money_filter", "Jinja filter"),
        ("edgeapp/urlprep.py::pull_language", "without awaiting"),
    ],
)
def test_explain_names_the_barrier(target, says, tmp_path):
    work = copy_input("boundaries", tmp_path / "boundaries")
    proc = quartify("explain", target, cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "stays sync although it needs async" in proc.stdout, proc.stdout
    assert says in proc.stdout, proc.stdout


# --- determinism ------------------------------------------------------------------------------


def _run_variant(app: str, dest: Path, *, jobs: int, shuffle_seed: int | None) -> tuple[dict[str, bytes], str, str]:
    work = copy_input(app, dest)
    if shuffle_seed is None:
        paths = ["."]
    else:
        paths = [p.relative_to(work).as_posix() for p in python_files(work)]
        random.Random(shuffle_seed).shuffle(paths)
    diff = quartify("migrate", "--diff", "--jobs", str(jobs), *paths, cwd=work)
    assert diff.returncode == 1, diff.stderr  # there is something to change
    proc = quartify("migrate", "--jobs", str(jobs), *paths, cwd=work)
    assert proc.returncode == 0, proc.stderr
    return tree_files(work), diff.stdout, proc.stderr


@pytest.mark.parametrize("app", ["aliases", "chain3"])
def test_output_is_deterministic(app, tmp_path):
    baseline = _run_variant(app, tmp_path / "jobs1", jobs=1, shuffle_seed=None)
    variants = {
        "--jobs 2": _run_variant(app, tmp_path / "jobs2", jobs=2, shuffle_seed=None),
        "files, shuffled (seed 1), --jobs 1": _run_variant(app, tmp_path / "shuf1", jobs=1, shuffle_seed=1),
        "files, shuffled (seed 7), --jobs 2": _run_variant(app, tmp_path / "shuf7", jobs=2, shuffle_seed=7),
        "files, shuffled (seed 42), --jobs 2": _run_variant(app, tmp_path / "shuf42", jobs=2, shuffle_seed=42),
    }
    for name, (files, diff, _stderr) in variants.items():
        if name.startswith("files"):
            # Given files, a run's root is their common directory, not the app's: the
            # requirements.txt it writes there (QFY128) moves with it. The Python output may not.
            files, diff = _python_only(files), _python_hunks(diff)
            want, want_diff = _python_only(baseline[0]), _python_hunks(baseline[1])
        else:
            want, want_diff = baseline[0], baseline[1]
        if files != want:
            pytest.fail(f"{name}: written files differ\n{tree_diff(want, files)}", pytrace=False)
        assert diff == want_diff, f"{name}: --diff output differs"
    assert baseline[0] == tree_files(APPS_DIR / app / "expected")


def _python_only(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: text for path, text in files.items() if path.endswith(".py")}


def _python_hunks(diff: str) -> str:
    """The --diff output without the sections of non-Python files."""
    sections = re.split(r"(?m)^(?=--- a/)", diff)
    return "".join(s for s in sections if not s.startswith("--- a/") or s.split("\n", 1)[0].endswith(".py"))

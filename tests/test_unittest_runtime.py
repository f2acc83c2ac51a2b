"""unittest-style suites really run after the migration (issue 10): contexts pushed by hand in
`setUp` or a fixture, TestCase families whose `setUp` chain spans bases, subclasses, mixins and
modules, and class-based pytest tests whose client comes from `request.cls`.

Each fixture is a Flask test module whose tests pass under Flask; quartify's output of it passes
under Quart with every test counted (`-W error`: an un-awaited coroutine or a test returning one
fails); and undoing one rewrite makes a named test fail, so no test passes without exercising
what the rewrite fixed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import migrate_one, output_of

FIXTURES = Path(__file__).parent / "fixtures"
REWRITES = FIXTURES / "rewrites"

# fixture -> how many tests it holds
RUNNABLE = {"tests_unittest_contexts": 4, "tests_unittest_families": 5, "tests_request_cls": 3}

# (fixture, test that must fail, text quartify wrote, the text without that rewrite)
UNDO = [
    ("tests_unittest_contexts", "test_g_lives_in_the_pushed_context", "await self.ctx.push()", "self.ctx.push()"),
    ("tests_unittest_contexts", "test_g_lives_in_the_pushed_context",
     "class AppContextPushedByHand(unittest.IsolatedAsyncioTestCase)", "class AppContextPushedByHand(unittest.TestCase)"),
    ("tests_unittest_contexts", "test_request_args_come_from_the_pushed_context",
     "await ctx.push()\n        self.addAsyncCleanup", "ctx.push()\n        self.addAsyncCleanup"),
    # A cleanup that only returns the coroutine is never awaited: the context stays pushed.
    ("tests_unittest_contexts", "test_the_cleanup_popped_the_request_context",
     "self.addAsyncCleanup(ctx.pop)", "self.addCleanup(lambda: ctx.pop())"),
    ("tests_unittest_contexts", "test_a_fixture_pushed_the_request_context",
     "await ctx.push()\n    yield", "ctx.push()\n    yield"),
    # The subclass keeping a sync `setUp` runs before the base's asyncSetUp has pushed anything.
    ("tests_unittest_families", "test_the_base_pushed_before_the_child_read",
     "async def asyncSetUp(self):\n        await super().asyncSetUp()\n        self.greeting",
     "def setUp(self):\n        super().setUp()\n        self.greeting"),
    ("tests_unittest_families", "test_the_base_pushed_before_the_child_read",
     "await super().asyncSetUp()\n        self.greeting", "await super().setUp()\n        self.greeting"),
    ("tests_unittest_families", "test_the_base_pushed_before_the_child_read",
     "await super(ChildCase, self).asyncTearDown()", "super(ChildCase, self).tearDown()"),
    ("tests_unittest_families", "test_the_base_ran_through_the_class",
     "await RequestCase.asyncSetUp(self)", "await RequestCase.setUp(self)"),
    ("tests_unittest_families", "test_g_from_the_mixin",
     "async def asyncSetUp(self):\n        await super().asyncSetUp()\n        self.app_ctx",
     "async def setUp(self):\n        await super().asyncSetUp()\n        self.app_ctx"),
    ("tests_unittest_families", "test_g_from_the_mixin",
     "class MixedCase(AppContextMixin, unittest.IsolatedAsyncioTestCase)", "class MixedCase(AppContextMixin, unittest.TestCase)"),
    ("tests_request_cls", "test_get_through_the_class_attribute",
     'response = await self.client.get("/echo?name=ada")', 'response = self.client.get("/echo?name=ada")'),
    ("tests_request_cls", "test_client_as_a_context_manager", "async with self.client as c:", "with self.client as c:"),
    ("tests_request_cls", "test_through_a_helper_method", "assert await self.name_for", "assert self.name_for"),
]


def run_pytest(directory: Path, *args: str, flask: bool = False) -> subprocess.CompletedProcess[str]:
    mode = ["-p", "no:asyncio"] if flask else [
        "-W", "error", "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *mode, *args],
        cwd=directory, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(directory)},
    )


def converted(name: str) -> str:
    return output_of(migrate_one((REWRITES / f"{name}.in.py").read_bytes(), f"{name}.py"))


def passed(proc: subprocess.CompletedProcess[str]) -> int:
    found = re.search(r"(\d+) passed", proc.stdout)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("name", sorted(RUNNABLE))
def test_the_flask_original_passes_under_flask(name: str, tmp_path: Path) -> None:
    shutil.copy(REWRITES / f"{name}.in.py", tmp_path / f"{name}.py")
    proc = run_pytest(tmp_path, f"{name}.py", flask=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert passed(proc) == RUNNABLE[name]


@pytest.mark.parametrize("name", sorted(RUNNABLE))
def test_the_converted_tests_run_and_pass_under_quart(name: str, tmp_path: Path) -> None:
    (tmp_path / f"{name}.py").write_text(converted(name), encoding="utf-8")
    proc = run_pytest(tmp_path, f"{name}.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert passed(proc) == RUNNABLE[name], proc.stdout


@pytest.mark.parametrize(("name", "test_name", "fixed", "broken"), UNDO, ids=[f"{u[1]}-{i}" for i, u in enumerate(UNDO)])
def test_undoing_the_rewrite_makes_the_test_fail(name: str, test_name: str, fixed: str, broken: str, tmp_path: Path) -> None:
    source = converted(name)
    assert fixed in source, f"quartify did not produce {fixed!r}"
    (tmp_path / f"{name}.py").write_text(source.replace(fixed, broken), encoding="utf-8")
    proc = run_pytest(tmp_path, f"{name}.py")
    failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert any(test_name in line for line in failed), f"{test_name} still passes with {broken!r}:\n{proc.stdout}"


def test_a_family_split_across_modules_runs_under_quart(tmp_path: Path) -> None:
    """The base class and mixin live in tests/base.py, the subclasses in tests/test_child.py."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "unittest_family", project)
    assert passed(run_pytest(project, "tests", flask=True)) == 3
    proc = subprocess.run([sys.executable, "-m", "quartify", "migrate", "-q", str(project)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    child = (project / "tests" / "test_child.py").read_text(encoding="utf-8")
    assert "async def asyncSetUp(self):\n        await super().asyncSetUp()" in child
    result = run_pytest(project, "tests")
    assert result.returncode == 0 and passed(result) == 3, result.stdout + result.stderr
    # The subclass in the other module left sync: it runs before the base pushed its context.
    (project / "tests" / "test_child.py").write_text(
        child.replace("async def asyncSetUp(self):\n        await super().asyncSetUp()",
                      "def setUp(self):\n        super().setUp()"), encoding="utf-8")
    undone = run_pytest(project, "tests")
    assert "test_the_base_context_was_pushed_first" in undone.stdout and undone.returncode != 0


def test_a_context_pushed_in_set_up_class_is_reported_not_moved() -> None:
    result = migrate_one((REWRITES / "tests_unittest_class_setup.in.py").read_bytes(), "tests_unittest_class_setup.py")
    reported = {(f.code, f.line) for f in result.findings}
    assert {("QFY101", 12), ("QFY101", 16), ("QFY101", 26)} <= reported
    assert all("IsolatedAsyncioTestCase has no async" in f.message for f in result.findings if f.code == "QFY101")
    assert "    def setUpClass(cls):" in output_of(result)  # unittest calls it sync: it stays sync

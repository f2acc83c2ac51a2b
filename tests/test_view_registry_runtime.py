"""Issue 10, shape 21 variant: views called through `app.view_functions[...]`
(tests/fixtures/rewrites/view_registry_calls) really run under Quart after the migration.

The fixture is its own test module: its Flask original passes under Flask, the migrated one under
Quart (warnings as errors, so an unawaited view coroutine cannot slip through), and each await
quartify added, put back the way Flask had it, makes its test fail: the comparison meets a
coroutine, never the view's text."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import pytest_run
from tests.test_rewrite_runtime import REWRITES

NAME = "test_registry_views.py"
# test -> (what the migration wrote, the Flask spelling)
UNDO = {
    "test_home_from_registry": ('return await app.view_functions["home"]()', 'return app.view_functions["home"]()'),
    "test_named_endpoints": ('assert await app.view_functions["till"]()', 'assert app.view_functions["till"]()'),
}
UNDO_MORE = {  # further awaits of test_named_endpoints, each undone on its own
    "endpoint= literal through .get": ('assert await about_view()', 'assert about_view()'),
    "blueprint endpoint": ('assert await app.view_functions["shop.basket"]()', 'assert app.view_functions["shop.basket"]()'),
}


def _module(tmp_path: Path, suffix: str) -> Path:
    shutil.copy(REWRITES / f"view_registry_calls.{suffix}.py", tmp_path / NAME)
    return tmp_path


def test_flask_original_passes_under_flask(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", NAME],
        cwd=_module(tmp_path, "in"), capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout + proc.stderr


def test_migrated_module_passes_under_quart(tmp_path: Path) -> None:
    proc = pytest_run(_module(tmp_path, "out"), NAME)
    assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("case", [*sorted(UNDO), *sorted(UNDO_MORE)])
def test_putting_a_registry_call_back_unawaited_fails(case: str, tmp_path: Path) -> None:
    fixed, broken = {**UNDO, **UNDO_MORE}[case]
    test_name = case if case in UNDO else "test_named_endpoints"
    directory = _module(tmp_path, "out")
    source = (directory / NAME).read_text(encoding="utf-8")
    assert source.count(fixed) == 1
    (directory / NAME).write_text(source.replace(fixed, broken), encoding="utf-8")
    proc = pytest_run(directory, NAME, "-k", test_name)
    assert "1 failed" in proc.stdout, f"{case} still passes with {broken!r}"


def test_a_variable_endpoint_is_reported_not_awaited() -> None:
    out = (REWRITES / "view_registry_calls.out.py").read_text(encoding="utf-8")
    assert "def fetch_any(endpoint):\n    return app.view_functions[endpoint]()" in out
    assert 'asyncio.run(app.view_functions["legacy"]())' in out  # async under Flask already: untouched

"""The test-client traps that fail *silently* under Quart (quart-api.md §3): each converted test
passes, and fails again when the rewrite that fixed it is undone — so the test really
exercises the behaviour, not just the syntax."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_into, migrated_copy, pytest_run, pytest_under_flask

TRAPS = Path(__file__).parent / "fixtures" / "traps"

# test name -> (text the rewrite produced, the Flask spelling that breaks under Quart)
UNDO = {
    "test_form_dict_is_sent": ('form={"name": "ada"}', 'data={"name": "ada"}'),
    "test_cookie_reaches_the_app": ('set_cookie("localhost", "theme", "dark")', 'set_cookie("theme", "dark")'),
    "test_query_string_text": ('query_string={"q": "x", "page": "2"}', 'query_string="q=x&page=2"'),
    "test_content_type_is_sent": ('headers={"Content-Type": "text/plain"}', 'content_type="text/plain"'),
    "test_remote_addr_from_environ_base": ('scope_base={"client": ("10.0.0.7", 0)}', 'environ_base={"REMOTE_ADDR": "10.0.0.7"}'),
    "test_base_url_scheme": ('scheme="https"', 'base_url="https://localhost"'),
    "test_g_is_visible_after_a_request": ("async with client.app.app_context(), client:", "async with client:"),
}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("traps")
    return migrated_copy(directory, (TRAPS / name for name in ("trapapp.py", "test_traps.py")))


def test_flask_originals_pass_under_flask(tmp_path: Path) -> None:
    copy_into(tmp_path, (TRAPS / name for name in ("trapapp.py", "test_traps.py")))
    proc = pytest_under_flask(tmp_path, "test_traps.py")
    assert proc.returncode == 0, proc.stdout
    assert f"{len(UNDO)} passed" in proc.stdout


def test_converted_traps_pass_under_quart(migrated: Path) -> None:
    proc = pytest_run(migrated, "test_traps.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(UNDO)} passed" in proc.stdout


@pytest.mark.parametrize("test_name", sorted(UNDO))
def test_undoing_the_rewrite_makes_the_test_fail(test_name: str, migrated: Path, tmp_path: Path) -> None:
    fixed, broken = UNDO[test_name]
    source = (migrated / "test_traps.py").read_text(encoding="utf-8")
    assert fixed in source, f"quartify did not produce {fixed!r}"
    shutil.copy(migrated / "trapapp.py", tmp_path / "trapapp.py")
    (tmp_path / "test_traps.py").write_text(source.replace(fixed, broken), encoding="utf-8")
    proc = pytest_run(tmp_path, f"test_traps.py::{test_name}")
    assert proc.returncode != 0, f"{test_name} still passes with {broken!r}: it does not guard the trap"

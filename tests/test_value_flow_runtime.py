"""The value-flow shapes of issue 10 (tests/fixtures/flow): a response rebound many times, a
fixture returning a closure, client methods reached through `getattr` or a loop, a rebound
client, a view called under `test_request_context()`, and code that was async before the
migration. The migrated tests pass under Quart, and each fails again when the part of the
rewrite that fixed it is undone - so the test exercises the behaviour, not just the syntax."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_into, migrated_copy, pytest_run, pytest_under_flask

FLOW = Path(__file__).parent / "fixtures" / "flow"
FILES = ("flowapp.py", "test_flow.py")

# test name -> (file, text the migration produced, what quartify wrote before value flow)
UNDO = {
    "test_rebinding_keeps_the_response_type": (
        "test_flow.py", 'assert await rv.get_json() == {"method": "DELETE"}', 'assert rv.get_json() == {"method": "DELETE"}'),
    "test_sync_closure_from_a_fixture": (
        "test_flow.py", 'assert await rv.get_json() == {"method": "PATCH"}', 'assert rv.get_json() == {"method": "PATCH"}'),
    "test_getattr_verbs": (
        "test_flow.py", '(await (await getattr(client, verb)("/echo")).get_json())',
        '(await getattr(client, verb)("/echo").get_json())'),
    "test_bound_methods_in_a_loop": ("test_flow.py", 'rv = await method("/echo")', 'rv = method("/echo")'),
    "test_rebound_client": ("test_flow.py", 'rv = await handler.get("/echo")', 'rv = handler.get("/echo")'),
    "test_view_called_in_a_request_context": (
        "test_flow.py", 'assert await rv.get_json() == {"method": "PUT"}', 'assert rv.get_json() == {"method": "PUT"}'),
    "test_async_helpers_are_left_alone": (
        "flowapp.py", "*[close_session(s) for s in sessions]", "*[await close_session(s) for s in sessions]"),
}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("flow")
    return migrated_copy(directory, (FLOW / name for name in FILES))


def test_flask_originals_pass_under_flask(tmp_path: Path) -> None:
    copy_into(tmp_path, (FLOW / name for name in FILES))
    proc = pytest_under_flask(tmp_path, "test_flow.py")
    assert proc.returncode == 0, proc.stdout
    assert f"{len(UNDO)} passed" in proc.stdout


def test_async_code_is_untouched(migrated: Path) -> None:
    """quartify never awaits a function that was async before, nor makes its sync caller async."""
    text = (migrated / "flowapp.py").read_text(encoding="utf-8")
    assert "await close_session" not in text
    assert "\ndef close_all_now(" in text


def test_converted_tests_pass_under_quart(migrated: Path) -> None:
    proc = pytest_run(migrated, "test_flow.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(UNDO)} passed" in proc.stdout


@pytest.mark.parametrize("test_name", sorted(UNDO))
def test_undoing_the_value_flow_fix_makes_the_test_fail(test_name: str, migrated: Path, tmp_path: Path) -> None:
    changed, fixed, broken = UNDO[test_name]
    for name in FILES:
        shutil.copy(migrated / name, tmp_path / name)
    source = (tmp_path / changed).read_text(encoding="utf-8")
    assert fixed in source, f"quartify did not produce {fixed!r}"
    (tmp_path / changed).write_text(source.replace(fixed, broken), encoding="utf-8")
    proc = pytest_run(tmp_path, f"test_flow.py::{test_name}")
    assert proc.returncode != 0, f"{test_name} still passes with {broken!r}: it does not guard the shape"

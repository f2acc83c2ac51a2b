"""Issue 10, shapes 20 and 21 (tests/fixtures/shapes_20_21), run for real under Quart.

Shape 20: a test builds its upload in a local dict (form fields and `(stream, filename)` tuples,
some keys added after the literal) and posts it with `data=payload`; Quart's client wants
`form=` and `files=` apart. Shape 21: fixtures the tests reach in the other ways pytest allows
(a class-level override of a shared fixture, a fixture imported into conftest.py, one from a
`pytest_plugins` module, `request.getfixturevalue("name")`), and views called directly under
`test_request_context()` through a rebound local (`view = A.as_view(...)` then `B.as_view(...)`,
`handler = Plain()` then `handler = View()`, a loop over view classes).

Each converted test passes, and fails again when the part of the rewrite that fixed it is put
back the way quartify wrote it before: every assertion compares a response's content, and the
suite runs with warnings as errors, so an unawaited coroutine cannot pass as a truthy value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_into, migrated_copy, pytest_run, pytest_under_flask

SHAPES = Path(__file__).parent / "fixtures" / "shapes_20_21"
FILES = ("shapesapp.py", "conftest.py", "helpers_fixtures.py", "plugin_fixtures.py", "test_shapes.py")

# test name -> (text the migration produced, what quartify wrote before)
UNDO = {
    "test_upload_from_a_local": (
        'form={"title": payload["title"], "tag": payload["tag"]}, files={"doc": FileStorage(payload["doc"][0], '
        'filename=payload["doc"][1], content_type="text/plain")})',
        "data=payload)"),
    "test_file_added_after_the_literal": (
        'form={"title": payload["title"]}, files={"doc": FileStorage(payload["doc"][0], filename=payload["doc"][1], '
        'content_type=payload["doc"][2])})',
        "form=payload)"),
    "test_class_fixture_overrides_the_shared_one": (
        'rv = await signed_in.get("/who", headers={"X-User": "bo"})', 'rv = signed_in.get("/who", headers={"X-User": "bo"})'),
    "test_fixture_imported_into_conftest": (
        'async def test_fixture_imported_into_conftest(visitor):\n    rv = await visitor.get("/who")',
        'async def test_fixture_imported_into_conftest(visitor):\n    rv = visitor.get("/who")'),
    "test_fixture_from_a_plugin_module": ('rv = await plugged.get("/who")', 'rv = plugged.get("/who")'),
    "test_fixture_asked_for_by_name": (
        'visitor = request.getfixturevalue("visitor")\n    rv = await visitor.get("/who")',
        'visitor = request.getfixturevalue("visitor")\n    rv = visitor.get("/who")'),
    "test_view_from_as_view_rebound": ("rv = await view()", "rv = view()"),
    "test_handler_rebound_from_a_plain_class": (
        "handler = Notes()\n        rv = await handler.get()", "handler = Notes()\n        rv = handler.get()"),
    "test_handler_classes_in_a_loop": (
        "handler = view_class()\n            rv = await handler.get()", "handler = view_class()\n            rv = handler.get()"),
}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("shapes")
    return migrated_copy(directory, (SHAPES / name for name in FILES))


def test_flask_originals_pass_under_flask(tmp_path: Path) -> None:
    copy_into(tmp_path, (SHAPES / name for name in FILES))
    proc = pytest_under_flask(tmp_path, "test_shapes.py")
    assert proc.returncode == 0, proc.stdout
    assert f"{len(UNDO) + 1} passed" in proc.stdout  # and the shared fixture outside the class


def test_converted_tests_pass_under_quart(migrated: Path) -> None:
    proc = pytest_run(migrated, "test_shapes.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(UNDO) + 1} passed" in proc.stdout


def test_the_upload_arrives_as_a_file(migrated: Path) -> None:
    """The rewrite keeps the local as written (the test may read it after the call) and names each key."""
    source = (migrated / "test_shapes.py").read_text(encoding="utf-8")
    assert 'payload["tag"] = "weekly"\n    rv = await client.post("/attach", form=' in source
    assert "from quart.datastructures import FileStorage" in source


@pytest.mark.parametrize("test_name", sorted(UNDO))
def test_undoing_the_fix_makes_the_test_fail(test_name: str, migrated: Path, tmp_path: Path) -> None:
    fixed, broken = UNDO[test_name]
    for name in FILES:
        shutil.copy(migrated / name, tmp_path / name)
    source = (tmp_path / "test_shapes.py").read_text(encoding="utf-8")
    assert source.count(fixed) == 1, f"quartify did not produce {fixed!r} once"
    (tmp_path / "test_shapes.py").write_text(source.replace(fixed, broken), encoding="utf-8")
    proc = pytest_run(tmp_path, "test_shapes.py", "-k", test_name)
    assert "1 failed" in proc.stdout, f"{test_name} still passes with {broken!r}: it does not guard the shape"

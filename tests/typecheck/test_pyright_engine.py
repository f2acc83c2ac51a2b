"""basedpyright as the type-check pass's second engine (`--typecheck-engine basedpyright`).

The classification and the reading of its JSON are checked without it. The runs need it: it
is in the `test` extra, so CI has it; where it is missing the run tests skip, except under CI
(`CI` set), where a missing engine fails instead of hiding the tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quartify.typecheck import ErrorClass, typecheck
from quartify.typecheck import check as check_module
from quartify.typecheck.pyright_engine import (
    MISSING,
    classify,
    find_basedpyright,
    parse,
)


def _require_basedpyright() -> None:
    # The test extra installs it; a missing engine is a broken setup, not a reason to skip.
    if find_basedpyright() is None:
        pytest.fail("basedpyright is in the test extra but not installed: pip install -e '.[test]'")


# An unannotated factory: mypy types `make_app()` as Any and sees nothing below it;
# basedpyright infers Quart, its test client, and the coroutine `get` returns.
ORIGINAL = '''\
from flask import Flask


def make_app():
    return Flask(__name__)


def refresh():
    return None


def status_of_home():
    app = make_app()
    refresh()
    response = app.test_client().get("/")
    return response.status_code
'''

MIGRATED_WITH_MISSES = '''\
from quart import Quart


def make_app():
    return Quart(__name__)


async def refresh():
    return None


def status_of_home():
    app = make_app()
    refresh()
    response = app.test_client().get("/")
    return response.status_code
'''


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text(ORIGINAL, encoding="utf-8")
    return root


class TestClassify:
    def test_an_unused_coroutine_is_a_missed_await(self) -> None:
        message = 'Result of async function call is not used; use "await" or assign result to variable'
        assert classify("reportUnusedCoroutine", message) == ErrorClass.MISSED_AWAIT

    def test_an_attribute_of_a_coroutine_is_a_missed_await(self) -> None:
        message = 'Cannot access attribute "status_code" for class "CoroutineType[Any, Any, Response]"'
        assert classify("reportAttributeAccessIssue", message) == ErrorClass.MISSED_AWAIT

    def test_a_coroutine_passed_as_an_argument_is_a_missed_await(self) -> None:
        message = 'Argument of type "CoroutineType[Any, Any, bytes]" cannot be assigned to parameter "obj" of type "Sized"'
        assert classify("reportArgumentType", message) == ErrorClass.MISSED_AWAIT

    def test_a_plain_with_over_an_async_context_manager_is_a_missed_await(self) -> None:
        message = 'Object of type "AppContext" cannot be used with "with" because it does not correctly implement __enter__'
        assert classify("reportGeneralTypeIssues", message) == ErrorClass.MISSED_AWAIT

    def test_an_async_view_returning_an_unawaited_call_is_a_missed_await(self) -> None:
        message = (
            'Argument of type "(type: Unknown) -> CoroutineType[Any, Any, CoroutineType[Any, Any, str]]" '
            'cannot be assigned to parameter of type "T_route@route"'
        )
        assert classify("reportArgumentType", message) == ErrorClass.MISSED_AWAIT

    def test_an_async_function_where_a_sync_one_is_declared_is_not_a_missed_await(self) -> None:
        message = 'Type "_Wrapped[..., Any, (), CoroutineType[Any, Any, Response]]" is not assignable to return type "() -> Response"'
        assert classify("reportReturnType", message) == ErrorClass.OTHER

    def test_awaiting_a_plain_value_is_not_a_missed_await(self) -> None:
        assert classify("reportGeneralTypeIssues", '"None" is not awaitable') == ErrorClass.OTHER

    def test_a_missing_quart_attribute_is_a_quart_api_error(self) -> None:
        message = 'Cannot access attribute "wsgi_app" for class "Quart"'
        assert classify("reportAttributeAccessIssue", message) == ErrorClass.QUART_API

    def test_a_name_imported_from_quart_makes_a_quart_api_error(self) -> None:
        message = 'No parameter named "cache_timeout" in "send_file"'
        assert classify("reportCallIssue", message, (), {"send_file"}) == ErrorClass.QUART_API


class TestParse:
    def test_errors_become_records_with_one_based_positions_and_the_rule_as_code(self, tmp_path: Path) -> None:
        output = {
            "generalDiagnostics": [
                {
                    "file": str(tmp_path / "pkg" / "views.py"),
                    "severity": "error",
                    "message": 'Cannot access attribute "data" for class "CoroutineType[Any, Any, Response]"\n'
                    '  Attribute "data" is unknown',
                    "range": {"start": {"line": 4, "character": 8}, "end": {"line": 4, "character": 12}},
                    "rule": "reportAttributeAccessIssue",
                },
                {"file": str(tmp_path / "a.py"), "severity": "warning", "message": "unused",
                 "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}},
            ]
        }
        errors, unread = parse(json.dumps(output), tmp_path)
        assert unread == []
        assert [(e.path, e.line, e.col, e.code) for e in errors] == [("pkg/views.py", 5, 9, "reportAttributeAccessIssue")]
        assert errors[0].message.endswith('"CoroutineType[Any, Any, Response]"')
        assert errors[0].notes == ['Attribute "data" is unknown']

    def test_output_that_is_not_json_is_handed_back_unread(self, tmp_path: Path) -> None:
        errors, unread = parse("Error: something went wrong\n", tmp_path)
        assert errors == []
        assert unread == ["Error: something went wrong"]


def test_a_missing_basedpyright_is_a_note_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.setattr(check_module.pyright_engine, "find_basedpyright", lambda: None)
    result = typecheck(root, {root / "app.py": MIGRATED_WITH_MISSES}, engine="basedpyright")
    assert result.new_errors == ()
    assert result.notes == (MISSING,)
    assert result.engine == "basedpyright"


def test_basedpyright_sees_missed_awaits_through_an_unannotated_factory(tmp_path: Path) -> None:
    _require_basedpyright()
    root = _project(tmp_path)
    before = sorted(p.name for p in root.iterdir())
    result = typecheck(root, {root / "app.py": MIGRATED_WITH_MISSES}, engine="basedpyright")
    assert result.notes == ()
    found = {(e.line, e.code, e.category) for e in result.new_errors}
    assert (14, "reportUnusedCoroutine", ErrorClass.MISSED_AWAIT) in found  # refresh() never awaited
    assert (16, "reportAttributeAccessIssue", ErrorClass.MISSED_AWAIT) in found  # .status_code of a coroutine
    assert sorted(p.name for p in root.iterdir()) == before  # no pyrightconfig.json left in the project


def test_the_migration_adds_nothing_when_the_awaits_are_there(tmp_path: Path) -> None:
    _require_basedpyright()
    root = _project(tmp_path)
    fixed = MIGRATED_WITH_MISSES.replace("def status_of_home", "async def status_of_home")
    fixed = fixed.replace("    refresh()", "    await refresh()").replace("= app.test_client().get", "= await app.test_client().get")
    result = typecheck(root, {root / "app.py": fixed}, engine="basedpyright")
    assert [e for e in result.new_errors if e.category == ErrorClass.MISSED_AWAIT] == []


def test_the_cli_runs_the_engine_it_is_given(tmp_path: Path) -> None:
    _require_basedpyright()
    root = _project(tmp_path)
    (root / "app.py").write_text(ORIGINAL.replace("    refresh()\n", ""), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    proc = subprocess.run(
        [sys.executable, "-m", "quartify", "migrate", "--check", "--typecheck-engine", "basedpyright", str(root)],
        capture_output=True, env=env, check=False,
    )
    assert b"type check:" in proc.stderr
    assert b"basedpyright)" in proc.stderr

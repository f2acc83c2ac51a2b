"""Fixtures wider than a function, made async by the migration, run for real under Quart
(tests/fixtures/session_fixtures): a session-scoped app fixture that enters an app context by
hand, and a module-scoped one (its decorator call spread over lines) that enters it with `with`.

Under pytest-asyncio a wider fixture on the default function-scoped loop stops every test that
uses it ("ScopeMismatch ... _function_scoped_runner"); with `pytest_asyncio.fixture(...,
loop_scope=<scope>)` they pass, and fail again when the decorators are put back as quartify
wrote them before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_into, migrated_copy, pytest_run, pytest_under_flask

SESSION = Path(__file__).parent / "fixtures" / "session_fixtures"
FILES = ("stockapp.py", "conftest.py", "test_stock.py")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("session_fixtures")
    return migrated_copy(directory, (SESSION / name for name in FILES))


def test_flask_originals_pass_under_flask(tmp_path: Path) -> None:
    copy_into(tmp_path, (SESSION / name for name in FILES))
    proc = pytest_under_flask(tmp_path, "test_stock.py")
    assert proc.returncode == 0, proc.stdout
    assert "3 passed" in proc.stdout


def test_converted_tests_pass_under_quart(migrated: Path) -> None:
    conftest = (migrated / "conftest.py").read_text()
    assert '@pytest_asyncio.fixture(scope="session", loop_scope="session")\nasync def app():' in conftest
    proc = pytest_run(migrated, "test_stock.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout


def test_without_the_loop_scope_the_suite_stops(migrated: Path, tmp_path: Path) -> None:
    for name in FILES:
        shutil.copy(migrated / name, tmp_path / name)
    conftest = tmp_path / "conftest.py"
    text = conftest.read_text()
    before = text.replace('@pytest_asyncio.fixture(scope="session", loop_scope="session")', '@pytest.fixture(scope="session")')
    before = before.replace('@pytest_asyncio.fixture(\n    scope="module",\n    loop_scope="module",\n)',
                            '@pytest.fixture(\n    scope="module",\n)')
    assert before.count("pytest_asyncio.fixture") == 0
    conftest.write_text(before)
    proc = pytest_run(tmp_path, "test_stock.py")
    assert "ScopeMismatch" in proc.stdout
    assert "3 errors" in proc.stdout

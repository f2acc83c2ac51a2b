"""The bundled example app, migrated by the real console script, serves every route under
Quart's test client (the checks in quart_checks/ are written for Quart by hand)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bookshelf"
CHECKS = Path(__file__).parent / "quart_checks" / "test_bookshelf_quart.py"


def run_quart_checks(app_dir: Path, checks: Path) -> subprocess.CompletedProcess[str]:
    target = app_dir / "quart_checks"
    target.mkdir()
    shutil.copy(checks, target / checks.name)
    env = {**os.environ, "PYTHONPATH": str(app_dir)}
    return subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error",
            "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function",
            "--rootdir", str(target), str(target),
        ],
        cwd=app_dir, env=env, capture_output=True, text=True,
    )


def test_migrated_example_serves_every_route_under_quart(tmp_path: Path) -> None:
    app_dir = tmp_path / "bookshelf"
    shutil.copytree(EXAMPLE, app_dir, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    migrate = subprocess.run(
        [sys.executable, "-m", "quartify", "migrate", str(app_dir / "bookshelf")],
        capture_output=True, text=True,
    )
    assert migrate.returncode == 0, migrate.stderr
    proc = run_quart_checks(app_dir, CHECKS)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and " failed" not in proc.stdout


def test_unmigrated_example_fails_the_quart_checks(tmp_path: Path) -> None:
    """The checks really exercise the migration: on the Flask original they fail."""
    app_dir = tmp_path / "bookshelf"
    shutil.copytree(EXAMPLE, app_dir, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    proc = run_quart_checks(app_dir, CHECKS)
    assert proc.returncode != 0


def test_migrated_init_db_command_runs_from_the_shell(tmp_path: Path) -> None:
    app_dir = tmp_path / "bookshelf"
    shutil.copytree(EXAMPLE, app_dir, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "instance"))
    subprocess.run([sys.executable, "-m", "quartify", "migrate", str(app_dir / "bookshelf")], check=True, capture_output=True)
    proc = subprocess.run(
        [sys.executable, "-m", "quart", "--app", "bookshelf", "init-db", "--demo"],
        cwd=app_dir, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(app_dir)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "Initialized the database with demo data." in proc.stdout
    assert (app_dir / "instance" / "bookshelf.sqlite").stat().st_size > 0


def test_explain_prints_the_chain_through_the_console_script(tmp_path: Path) -> None:
    app_dir = tmp_path / "bookshelf"
    shutil.copytree(EXAMPLE, app_dir, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))

    def explain(target: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "quartify", "explain", target], cwd=app_dir,
                              capture_output=True, text=True)

    wrapper = explain("bookshelf/auth.py::login_required.guarded")
    assert wrapper.returncode == 0, wrapper.stderr
    assert "login_required.guarded becomes async def" in wrapper.stdout
    assert "bookshelf/auth.py:" in wrapper.stdout and "flash()" in wrapper.stdout

    init_db = explain("bookshelf/db.py::init_db")
    assert "init_db becomes async def" in init_db.stdout
    assert "current_app.open_resource" in init_db.stdout

    command = explain("bookshelf/db.py::init_db_command")
    assert "stays sync although it needs async" in command.stdout
    assert "click command" in command.stdout

    helper = explain("bookshelf/books.py::get_book")
    assert "get_book stays sync: it reaches no Quart awaitable" in helper.stdout

    assert explain("bookshelf/db.py::nope").returncode == 1

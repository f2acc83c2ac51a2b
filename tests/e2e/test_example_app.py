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

"""Subset runs: files given inside a project are solved with the whole project in view, and
only they are changed; the other files the change reaches are named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.core.subset import project_root
from quartify.core.types import OtherFile, Status

REPO = Path(__file__).resolve().parents[2]

PYPROJECT = """[project]
name = "shop"

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
"""
HELPER = '''from quart import request


def helper_a():
    return request.args.get("q", "")
'''
VIEWS = '''from quart import Blueprint

from shop.helpers import helper_a

bp = Blueprint("views", __name__)


@bp.route("/")
async def index():
    return {"q": helper_a()}
'''


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A migrated Quart project: a helper in one file, the view calling it in another."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("quart>=0.19\n", encoding="utf-8")
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "helpers.py").write_text(HELPER, encoding="utf-8")
    (package / "views.py").write_text(VIEWS, encoding="utf-8")
    return tmp_path


def quartify(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "quartify", "migrate", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False)


def test_a_migrated_project_checks_clean_one_file_at_a_time(shop: Path) -> None:
    for name in ("helpers.py", "views.py"):
        result = migrate_paths([shop / "shop" / name], Options(), whole_project=True)
        assert [f.status for f in result.files] == [Status.UNCHANGED] and result.also_needs == ()


def test_checking_the_edited_helper_alone_names_its_caller_in_another_file(shop: Path) -> None:
    helpers = shop / "shop" / "helpers.py"
    helpers.write_text(HELPER.replace('request.args.get("q", "")', "request.get_json()"), encoding="utf-8")
    result = migrate_paths([helpers], Options(), whole_project=True)
    assert [(f.path, f.status) for f in result.files] == [(helpers.resolve(), Status.CHANGED)]
    assert result.files[0].new_source is not None and "return await request.get_json()" in result.files[0].new_source
    assert result.also_needs == (OtherFile("shop/views.py", "caller of helper_a"),)

    proc = quartify("--check", "shop/helpers.py", cwd=shop)
    assert proc.returncode == 1
    assert "also needs changes: shop/views.py (caller of helper_a)" in proc.stderr
    # the file alone, as before subset runs, could not know about the caller
    alone = migrate_paths([helpers], Options())
    assert alone.also_needs == ()


def test_the_caller_checked_alone_gets_its_await_from_the_whole_project(shop: Path) -> None:
    (shop / "shop" / "helpers.py").write_text(HELPER.replace('request.args.get("q", "")', "request.get_json()"),
                                              encoding="utf-8")
    views = shop / "shop" / "views.py"
    result = migrate_paths([views], Options(), whole_project=True)
    assert [f.status for f in result.files] == [Status.CHANGED]
    assert result.files[0].new_source is not None and '{"q": await helper_a()}' in result.files[0].new_source
    # committed alone, views.py would await a sync function: the helper's file is named
    assert result.also_needs == (OtherFile("shop/helpers.py", "helper_a becomes async"),)


def test_fix_mode_writes_only_the_given_file(shop: Path) -> None:
    helpers = shop / "shop" / "helpers.py"
    helpers.write_text(HELPER.replace('request.args.get("q", "")', "request.get_json()"), encoding="utf-8")
    before = {p: p.read_bytes() for p in shop.rglob("*") if p.is_file() and p != helpers}
    proc = quartify("--no-cache", "shop/helpers.py", cwd=shop)
    assert proc.returncode == 0, proc.stderr
    assert "async def helper_a" in helpers.read_text(encoding="utf-8")
    assert {p: p.read_bytes() for p in shop.rglob("*") if p.is_file() and p != helpers} == before
    assert not (shop / ".quartify_cache").exists()  # --no-cache writes no cache either


def test_dependency_files_change_only_when_given(shop: Path) -> None:
    (shop / "requirements.txt").write_text("flask>=3\n", encoding="utf-8")
    views = shop / "shop" / "views.py"
    left_alone = migrate_paths([views], Options(), whole_project=True)
    assert [f.path.name for f in left_alone.files] == ["views.py"]
    assert OtherFile("requirements.txt", "dependency file") in left_alone.also_needs
    given = migrate_paths([views, shop / "requirements.txt"], Options(), whole_project=True)
    assert {f.path.name: f.status for f in given.files} == {"views.py": Status.UNCHANGED,
                                                           "requirements.txt": Status.CHANGED}


def test_the_default_cache_lives_in_the_project_and_ignores_itself(shop: Path) -> None:
    env_free = {k: v for k, v in os.environ.items() if k != "QUARTIFY_CACHE_DIR"}
    proc = subprocess.run([sys.executable, "-m", "quartify", "migrate", "--check", "shop/views.py"], cwd=shop,
                          env={**env_free, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    cache = shop / ".quartify_cache"
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert len(list(cache.glob("*.idx"))) == 3  # every Python file of the project, not just the one given


def test_project_root_needs_files_and_a_marker(shop: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    views = shop / "shop" / "views.py"
    assert project_root([views]) == shop.resolve()
    assert project_root([shop / "shop"]) is None  # a directory: an ordinary run
    loose = tmp_path_factory.mktemp("loose") / "script.py"
    loose.write_text("print('hi')\n", encoding="utf-8")
    assert project_root([loose]) is None
    assert project_root([views, loose]) is None  # not all inside one project

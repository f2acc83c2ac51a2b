"""The pre-commit hooks, run by the real pre-commit on a temporary git repository holding a
migrated Quart app, configured as the README says (a `.pre-commit-config.yaml` naming the hook
repository and a `rev:`): it passes; staging a sync view or an unawaited `request.get_json()`
fails with what is wrong; the fix hook repairs it.

pre-commit pip-installs quartify into an environment of its own (from the package index pip is
configured with; no other network). Its cost is paid once: the hook repository is a snapshot
commit of this checkout made once for the module, and every `pre-commit run` finds the
environment built for that repository and rev in the module's own PRE_COMMIT_HOME.
(`pre-commit try-repo` would not: it builds a new environment in a throwaway store each call.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
GIT_USER = ["-c", "user.name=quartify tests", "-c", "user.email=tests@quartify.invalid", "-c", "commit.gpgsign=false"]

HELPERS = '''from quart import request


def search_term():
    return request.args.get("q", "")
'''
VIEWS = '''from quart import Blueprint

from shop.helpers import search_term

bp = Blueprint("views", __name__)


@bp.route("/")
async def index():
    return {"q": search_term()}
'''
PYPROJECT = """[project]
name = "shop"

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
"""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *GIT_USER, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout as it is now (what a user's `rev:` would name), committed once."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "quartify", "pyproject.toml",
                             "README.md", ".pre-commit-hooks.yaml"], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.splitlines()
    for name in listed:
        source = REPO / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PRE_COMMIT")}
    yield {**env, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}


@pytest.fixture
def shop(tmp_path: Path, hook_repo: Path) -> Path:
    """A migrated Quart app in a git repository with both hooks configured, everything committed."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    rev = git(hook_repo, "rev-parse", "HEAD").strip()
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: quartify-check\n      - id: quartify\n",
        encoding="utf-8")
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "helpers.py").write_text(HELPERS, encoding="utf-8")
    (package / "views.py").write_text(VIEWS, encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "a migrated Quart app")
    return tmp_path


def hook(hook_id: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`pre-commit run` of one configured hook on the staged files, as a commit would run it."""
    return subprocess.run([*PRE_COMMIT, "run", hook_id, "--verbose"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def stage(repo: Path, name: str, text: str) -> None:
    (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", name)


def test_the_hooks_guard_a_migrated_app(shop: Path, environment: dict[str, str]) -> None:
    # a clean change to a migrated app passes
    stage(shop, "shop/views.py", VIEWS + '\n\n@bp.route("/about")\nasync def about():\n    return "about"\n')
    passed = hook("quartify-check", shop, environment)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    # a new sync view fails, with the diff that makes it async
    stage(shop, "shop/views.py", VIEWS + '\n\n@bp.route("/health")\ndef health():\n    return "ok"\n')
    failed = hook("quartify-check", shop, environment)
    assert failed.returncode == 1 and "Failed" in failed.stdout
    assert "+async def health():" in failed.stdout

    # the fix hook repairs it (pre-commit fails the run because it modified the file)
    fixed = hook("quartify", shop, environment)
    assert fixed.returncode == 1 and "files were modified by this hook" in fixed.stdout
    assert "async def health():" in (shop / "shop" / "views.py").read_text(encoding="utf-8")
    git(shop, "add", "shop/views.py")
    assert hook("quartify-check", shop, environment).returncode == 0


def test_an_unawaited_quart_call_fails_and_names_the_caller(shop: Path, environment: dict[str, str]) -> None:
    stage(shop, "shop/helpers.py", HELPERS.replace('request.args.get("q", "")', "request.get_json()"))
    failed = hook("quartify-check", shop, environment)
    assert failed.returncode == 1
    assert "+    return await request.get_json()" in failed.stdout
    # only helpers.py is staged, yet the whole project is solved: its caller is named
    assert "also needs changes: shop/views.py (caller of search_term)" in failed.stdout

    fixed = hook("quartify", shop, environment)
    assert fixed.returncode == 1
    assert "return await request.get_json()" in (shop / "shop" / "helpers.py").read_text(encoding="utf-8")
    assert (shop / "shop" / "views.py").read_text(encoding="utf-8") == VIEWS  # not staged: left alone

"""The quart-flask-patch route, run for real: each tiny app under tests/fixtures/extension_apps/ uses one
Flask extension's common API and has a Flask test suite; it is migrated with quartify and its
converted suite must pass under Quart, with the extension unchanged on the patched `flask`.

The extensions come with the test extra (quart-flask-patch, Flask-SQLAlchemy, Flask-Login,
Flask-Caching, Flask-Mail, Flask-Migrate, Flask-Moment, Bootstrap-Flask, and peewee for its
playhouse.flask_utils helpers): a test fails, not skips, when the interpreter lacks them.
QUARTIFY_EXTENSIONS_PYTHON names another interpreter that has them. (Flask-WTF's route is its native port, quart-wtforms:
tests/test_forms_runtime.py.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

APPS = Path(__file__).parent / "fixtures" / "extension_apps"
PYTHON = os.environ.get("QUARTIFY_EXTENSIONS_PYTHON", sys.executable)
NEEDS = {
    "sqlalchemy_notes": "flask_sqlalchemy",
    "sqlalchemy_rollback": "flask_sqlalchemy",
    "login_members": "flask_login",
    "caching_quotes": "flask_caching",
    "mail_invites": "flask_mail",
    "migrate_tasks": "flask_migrate",
    "moment_events": "flask_moment",
    "bootstrap_pages": "flask_bootstrap",
    "peewee_shelf": "peewee",
}


def has_modules(*modules: str) -> bool:
    code = "import importlib.util, sys; sys.exit(any(importlib.util.find_spec(m) is None for m in sys.argv[1:]))"
    return subprocess.run([PYTHON, "-c", code, *modules], capture_output=True).returncode == 0


def run_pytest(directory: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=directory,
                          capture_output=True, text=True, env=env, timeout=300)


def migrate(slug: str, tmp_path: Path) -> Path:
    target = tmp_path / slug
    shutil.copytree(APPS / slug, target)
    proc = subprocess.run([sys.executable, "-m", "quartify", "migrate", str(target)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


@pytest.mark.parametrize("slug", sorted(NEEDS))
def test_migrated_app_passes_under_quart(slug: str, tmp_path: Path) -> None:
    assert has_modules("quart", "quart_flask_patch", NEEDS[slug]), f"{PYTHON} lacks them: pip install -e '.[test]'"
    migrated = migrate(slug, tmp_path)
    app = next(p for p in migrated.glob("*.py") if not p.name.startswith("test_") and p.name != "quart_flask_compat.py")
    lines = app.read_text().splitlines()
    assert lines[:2] == [
        "import quart_flask_patch  # noqa: F401,I001  quartify: Flask extensions run on a patched flask",
        "import quart_flask_compat  # noqa: F401  completes quart-flask-patch for Quart >= 0.19",
    ]
    assert (migrated / "quart_flask_compat.py").read_text().startswith("# Written by quartify")
    proc = run_pytest(migrated)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


@pytest.mark.parametrize(("slug", "app_module"),
                         [("login_members", "members"), ("migrate_tasks", "tasks"), ("bootstrap_pages", "pages")])
def test_the_compat_module_is_what_makes_it_pass(slug: str, app_module: str, tmp_path: Path) -> None:
    """Without the compat import the converted suite fails: under the bare patch Flask-Login's
    `current_user` is None (quart-api.md §4.1), and Quart's `with_appcontext` gives each
    Flask-Migrate command its own app context (the `db` group's `g.directory` is gone in
    `db init`) and calls asyncio.run() inside the async tests' loop; Bootstrap-Flask's blueprint
    is a real Flask one, so its static files (CSS, icons) answer 500."""
    assert has_modules("quart", "quart_flask_patch", NEEDS[slug]), f"{PYTHON} lacks them: pip install -e '.[test]'"
    migrated = migrate(slug, tmp_path)
    app = migrated / f"{app_module}.py"
    app.write_text("".join(line for line in app.read_text().splitlines(keepends=True)
                           if not line.startswith("import quart_flask_compat")))
    proc = run_pytest(migrated)
    assert proc.returncode != 0 and "failed" in proc.stdout, proc.stdout[-2000:]


def test_calls_on_a_thread_local_session_stay_on_the_loop(tmp_path: Path) -> None:
    """sqlalchemy_rollback's tests swap `db.session` for a scoped_session with no scopefunc (one
    Session per thread): the view's commit is left on the loop (QFY272 says why). Offloaded, as
    it is when no such registry is assigned, it commits a worker thread's empty Session: the new
    row has no id and the test fails (analysis/scoped_sessions.py)."""
    assert has_modules("quart", "quart_flask_patch", "flask_sqlalchemy"), f"{PYTHON} lacks them: pip install -e '.[test]'"
    migrated = migrate("sqlalchemy_rollback", tmp_path)
    ledger = migrated / "ledger.py"
    text = ledger.read_text()
    assert "        db.session.commit()\n" in text and "asyncio.to_thread(db.session" not in text
    ledger.write_text("import asyncio\n" + text.replace("        db.session.commit()\n",
                                                          "        await asyncio.to_thread(db.session.commit)\n"))
    proc = run_pytest(migrated)
    assert proc.returncode != 0 and "1 failed" in proc.stdout, proc.stdout[-2000:]

"""Calls on a thread-local SQLAlchemy session registry are not offloaded one by one
(analysis/scoped_sessions.py, the refusal in analysis/planners/blocking.py)."""

from __future__ import annotations

from pathlib import Path

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths

# The registry pattern from Flask's SQLAlchemy docs: a module-level scoped_session used by the
# views; the second registry gives a scopefunc, so its Session follows the context, not the thread.
_DATABASE = '''\
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

engine = create_engine("sqlite://")
db_session = scoped_session(sessionmaker(bind=engine))
ctx_session = scoped_session(sessionmaker(bind=engine), scopefunc=lambda: 0)
'''

_VIEWS = '''\
from flask import Flask
from sqlalchemy import text

from shop.database import ctx_session, db_session

app = Flask(__name__)


@app.route("/a")
def a():
    db_session.execute(text("insert into t values (1)"))
    db_session.commit()
    return "ok"


def save_all():
    db_session.commit()


@app.route("/c")
def c():
    save_all()
    return "ok"


@app.route("/b")
def b():
    ctx_session.commit()
    return "ok"
'''


def _migrate(tmp_path: Path) -> tuple[str, list[str]]:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "database.py").write_text(_DATABASE)
    (tmp_path / "shop" / "views.py").write_text(_VIEWS)
    result = migrate_paths([tmp_path], Options(jobs=1))
    views = next(f for f in result.files if f.path.name == "views.py")
    assert views.new_source is not None
    return views.new_source, [f.message for f in views.findings if f.code == "QFY271"]


def test_a_thread_local_registry_keeps_its_calls_on_the_loop(tmp_path: Path) -> None:
    out, messages = _migrate(tmp_path)
    assert '    db_session.execute(text("insert into t values (1)"))\n    db_session.commit()\n' in out
    refused = [m for m in messages if "thread-local scoped_session" in m]
    assert len(refused) == 3  # two in the view, one in the helper it calls
    assert all("shop/database.py:5" in m for m in refused)


def test_a_registry_with_a_scopefunc_is_offloaded(tmp_path: Path) -> None:
    out, messages = _migrate(tmp_path)
    assert "await asyncio.to_thread(ctx_session.commit)" in out
    assert not any("thread-local" in m and "ctx_session" in m for m in messages)


def test_a_helper_reaching_a_thread_local_registry_is_not_offloaded_whole(tmp_path: Path) -> None:
    out, _messages = _migrate(tmp_path)
    assert "    save_all()\n" in out and "to_thread(save_all" not in out


_EXTENSION_APP = """\
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
app = Flask(__name__)


@app.post("/rows")
def add_row():
    db.session.commit()
    return "ok"
"""

# The registry reaches `db.session` through a fixture parameter, as in app templates whose
# `session(db)` fixture rebinds the session of the `db` fixture's value.
_CONFTEST = """\
import pytest
from sqlalchemy.orm import scoped_session, sessionmaker

from store import db as _db


@pytest.fixture
def db():
    return _db


@pytest.fixture
def session(db):
    db.session = scoped_session(session_factory=sessionmaker(bind=db.engine.connect()))
    return db.session
"""


def test_a_registry_assigned_through_a_fixture_parameter_reaches_the_views(tmp_path: Path) -> None:
    (tmp_path / "store.py").write_text(_EXTENSION_APP)
    (tmp_path / "conftest.py").write_text(_CONFTEST)
    result = migrate_paths([tmp_path], Options(jobs=1))
    store = next(f for f in result.files if f.path.name == "store.py")
    assert store.new_source is not None
    assert "    db.session.commit()\n" in store.new_source
    assert any("conftest.py:14" in f.message for f in store.findings if f.code == "QFY272")

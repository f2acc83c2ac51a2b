import sqlite3

import pytest

from bookshelf.db import get_db, seed_demo_data


def test_connection_is_reused_and_closed(app):
    with app.app_context():
        db = get_db()
        assert db is get_db()

    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_seed_demo_data(app):
    with app.app_context():
        reader_id = seed_demo_data(username="demo2")
        count = get_db().execute(
            "SELECT COUNT(*) FROM book WHERE owner_id = ?", (reader_id,)
        ).fetchone()[0]
    assert count == 3


def test_init_db_command(runner, monkeypatch):
    calls = []

    def fake_init_db():
        calls.append("init")

    monkeypatch.setattr("bookshelf.db.init_db", fake_init_db)
    result = runner.invoke(args=["init-db"])
    assert "Initialized the database." in result.output
    assert calls == ["init"]


def test_init_db_command_with_demo_data(app, runner):
    result = runner.invoke(args=["init-db", "--demo"])
    assert result.exit_code == 0
    assert "demo data" in result.output
    with app.app_context():
        titles = [row[0] for row in get_db().execute("SELECT title FROM book")]
    assert "Invisible Cities" in titles
    assert "Kindred" not in titles  # the real init_db wiped the fixture's data

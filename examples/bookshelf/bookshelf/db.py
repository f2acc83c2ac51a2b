"""SQLite access: one connection per app context, kept on ``g``."""

import sqlite3

import click
from flask import current_app, g
from flask.cli import with_appcontext
from werkzeug.security import generate_password_hash

DEMO_BOOKS = [
    ("The Left Hand of Darkness", "Ursula K. Le Guin", 1969,
     "An envoy visits a planet whose people have no fixed sex."),
    ("Invisible Cities", "Italo Calvino", 1972,
     "Marco Polo describes fifty-five cities to Kublai Khan."),
    ("The Remains of the Day", "Kazuo Ishiguro", 1989,
     "A butler takes a motoring trip and reconsiders his life."),
]


def get_db():
    """Return this app context's connection, opening it on first use."""
    if "db" not in g:
        conn = sqlite3.connect(current_app.config["DATABASE"])
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        g.db = conn
    return g.db


def close_db(exc=None):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_db():
    """Drop and recreate every table from schema.sql."""
    conn = get_db()
    with current_app.open_resource("schema.sql") as f:
        conn.executescript(f.read().decode("utf-8"))
    conn.commit()


def seed_demo_data(username="demo", password="bookshelf"):
    """Create a demo reader who owns a few books. Returns the reader's id."""
    conn = get_db()
    cur = conn.execute(
        "INSERT INTO reader (username, password_hash) VALUES (?, ?)",
        (username, generate_password_hash(password)),
    )
    reader_id = cur.lastrowid
    conn.executemany(
        "INSERT INTO book (owner_id, title, author, year, summary) VALUES (?, ?, ?, ?, ?)",
        [(reader_id, *book) for book in DEMO_BOOKS],
    )
    conn.commit()
    return reader_id


@click.command("init-db")
@click.option("--demo", is_flag=True, help="Also add a demo reader and some books.")
@with_appcontext
def init_db_command(demo):
    """Create empty tables, throwing away any existing data."""
    init_db()
    if demo:
        seed_demo_data()
        click.echo("Initialized the database with demo data.")
    else:
        click.echo("Initialized the database.")


def init_app(app):
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)

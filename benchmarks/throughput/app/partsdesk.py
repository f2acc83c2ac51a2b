"""A small Flask app with the three shapes of view that decide a migration's throughput.

This is the benchmark's subject, migrated by quartify during each run: one view waits on
another HTTP service through a module-level ``requests.Session`` (I/O-bound), one reads a
small SQLite table through the usual ``get_db()``/``g.db``/``teardown_appcontext`` pattern,
and one does a little arithmetic and returns JSON (CPU-trivial). Settings come from the
environment so that the benchmark can point it at its own fake upstream and database.
"""

import os
import sqlite3

import requests
from flask import Flask, g, jsonify

UPSTREAM_URL = os.environ.get("PARTSDESK_UPSTREAM", "http://127.0.0.1:8999/quote")
DATABASE = os.environ.get("PARTSDESK_DB", "partsdesk.sqlite3")

app = Flask(__name__)

# One pooled session for the whole process, as most Flask code bases keep it.
supplier = requests.Session()


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE)
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(exc):
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.route("/io")
def supplier_quote():
    response = supplier.get(UPSTREAM_URL, params={"part": "bolt-m6"}, timeout=10)
    response.raise_for_status()
    return jsonify(part="bolt-m6", price=response.json()["price"])


@app.route("/db")
def low_stock():
    rows = get_db().execute(
        "SELECT sku, name, stock FROM parts WHERE stock < ? ORDER BY stock, sku LIMIT 5",
        (20,),
    ).fetchall()
    return jsonify(parts=[dict(row) for row in rows])


@app.route("/cpu")
def checksum():
    total = sum((n * 31) % 97 for n in range(200))
    return jsonify(checksum=total)

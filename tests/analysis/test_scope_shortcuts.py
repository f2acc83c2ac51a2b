"""The resolver's shortcuts (answers kept per scope, a statement-only search for binders) give
the same answers as working everything out afresh."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

import pytest

from quartify.analysis.flow import may_hold_rare_binders
from quartify.analysis.index import index_source
from quartify.analysis.local_bindings import scope_statements
from quartify.analysis.scopes import NameResolver
from quartify.analysis.walk import children_cached

ROOT = Path(__file__).resolve().parents[2]

# Shapes where an answer could depend on the cycle guard or on which scope asks.
TRICKY = [
    # a local rebound from itself in a loop: the read inside the value meets the guard
    """\
    from app import make
    def walk():
        node = make()
        while node:
            node = node.parent()
            node.visit()
        node.close()
    """,
    # the same values reach several reads; one read sits inside its own binding's value
    """\
    from flask import Flask
    def build():
        app = Flask(__name__)
        client = app.test_client()
        for _ in range(3):
            client = client.application.test_client() if client else app.test_client()
            rv = client.get("/")
        rv2 = client.post("/")
        return rv.json, rv2.json, client.get("/x").data
    """,
    # a lambda and a comprehension read an outer local; their own names shadow others
    """\
    import requests
    def fetch(urls):
        session = requests.Session()
        getters = [lambda session=session: session.get(u) for u in urls]
        pages = [session.get(u) for u in urls]
        pick = lambda session: session.get("/")
        return getters, pages, pick(session).text
    """,
    # isinstance narrowing, a for over literal items, getattr with a pinned name
    """\
    from werkzeug import Response
    from app import client
    def check(data):
        rv = client.get("/")
        if isinstance(rv, Response):
            rv.close()
        for verb in ("get", "post"):
            getattr(client, verb)("/").json()
        for method in (client.get, client.post):
            method("/").data
    """,
]


def _index(source: str, keep: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(NameResolver, "keep_answers", keep)
    return index_source(dedent(source), "m.py", "m", False)


@pytest.mark.parametrize("source", TRICKY)
def test_kept_answers_equal_answers_worked_out_afresh(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _index(source, True, monkeypatch) == _index(source, False, monkeypatch)


def _corpus() -> list[Path]:
    files = sorted((ROOT / "quartify").rglob("*.py")) + sorted((ROOT / "tests" / "fixtures").rglob("*.py"))
    return [p for p in files if not may_hold_rare_binders(p.read_text("utf-8"))]


def test_the_statement_only_search_finds_the_binders_the_whole_walk_finds() -> None:
    checked = 0
    for path in _corpus():
        tree = ast.parse(path.read_text("utf-8"))
        with children_cached(tree):
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    whole = list(scope_statements(node.body, rare_binders=True))
                    assert list(scope_statements(node.body, rare_binders=False)) == whole, (path, node.name)
                    checked += bool(whole)
    assert checked > 500  # the corpus is real code with binders to find


def test_kept_answers_equal_fresh_ones_on_the_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.py"))[:60]:
        source = path.read_text("utf-8")
        assert _index(source, True, monkeypatch) == _index(source, False, monkeypatch), path

"""Pieces whose edits are all `async ` before a def or `await ` before a call are spliced as text,
with no LibCST, and give byte for byte what the whole-module transform gives; a piece with an
edit that has no text form (or might, through parentheses of its own) goes to LibCST."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from quartify.analysis.edits import Edit, FilePlan
from quartify.analysis.planners.asyncify import Await, MakeAsync
from quartify.analysis.planners.keywords import KeywordRename
from quartify.codemods.apply import Applied, _kinds, apply_plan, apply_plan_whole, load_all
from quartify.codemods.base import Context
from quartify.codemods.pieces import find_pieces, split_lines
from quartify.codemods.piecewise import apply_pieces
from quartify.codemods.textual import line_starts, piece_as_text, text_concerns
from quartify.core.stages import _keep_final_cr
from quartify.core.types import Span
from tests.codemods.helpers import at, def_at

ROOT = Path(__file__).resolve().parents[2]


def _applied(source: str, plan: FilePlan) -> Applied:
    """The piecewise result, failing instead of falling back to the whole module."""
    ctx = Context(plan=plan, path=plan.path)
    head, rest, _newline = apply_pieces(source, plan, [c(ctx) for c in load_all()], ctx, _kinds())
    return Applied(head + rest, tuple(ctx.findings), ctx.awaits_added, ctx.functions_made_async)


def _as_text(source: str, plan: FilePlan) -> list[bool]:
    """For each piece, whether it is spliced as text."""
    ctx = Context(plan=plan, path=plan.path)
    lines = split_lines(source)
    pieces = find_pieces(ast.parse(source), lines, list(plan.edits), _kinds()[0])
    by_kind = text_concerns([c(ctx) for c in load_all()])
    return [piece_as_text(p, source, line_starts(lines), by_kind) is not None for p in pieces]


def _check(source: str, edits: list[Edit]) -> list[bool]:
    plan = FilePlan.build("module.py", edits, ())
    whole = apply_plan_whole(source, plan)
    expected = Applied(_keep_final_cr(source, whole.source), whole.findings, whole.awaits_added,
                       whole.functions_made_async)
    assert expected.source != source
    got = _applied(source, plan)
    assert got == expected
    assert apply_plan(source, plan).source == whole.source
    return _as_text(source, plan)


def test_nested_awaits_opening_at_one_offset() -> None:
    source = "def f():\n    return client.get('/').json()\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")),
                         Await(at(source, "client.get('/')"), parens=True),
                         Await(at(source, "client.get('/').json()"), parens=False)]
    assert _check(source, edits) == [True, True]
    assert "return await (await client.get('/')).json()" in _applied(source, FilePlan.build("m.py", edits, ())).source


def test_an_await_in_parentheses_when_the_result_is_read() -> None:
    source = "def f():\n    x = request.form['a']; y = g(request.json.get('b'))\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(at(source, "request.form"), parens=True),
                         Await(at(source, "request.json"), parens=True)]
    assert _check(source, edits) == [True, True]


def test_a_call_in_parentheses_of_its_own_falls_back_to_libcst() -> None:
    source = "def f():\n    return (g()).x\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(at(source, "g()"), parens=True)]
    assert _check(source, edits) == [True, False]


def test_own_parentheses_without_new_ones_stay_as_they_are() -> None:
    source = "def f():\n    return ( g() )\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(at(source, "g()"), parens=False)]
    assert _check(source, edits) == [True, True]


def test_a_node_whose_text_opens_with_a_parenthesis_falls_back() -> None:
    source = "def f():\n    return (a or b).get()\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(at(source, "(a or b).get()"), parens=False)]
    assert _check(source, edits) == [True, False]


def test_an_edit_without_a_text_form_takes_its_piece_to_libcst() -> None:
    source = "def f():\n    return g(a=1)\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(at(source, "g(a=1)"), parens=False),
                         KeywordRename(at(source, "g(a=1)"), (("a", "b"),))]
    assert _check(source, edits) == [True, False]


def test_maybe_and_as_text_awaits_have_no_text_form() -> None:
    source = "def f():\n    return resp.text\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(at(source, "resp.text"), parens=False, as_text=True)]
    assert _check(source, edits) == [True, False]


def test_a_decorated_def_with_a_comment_on_its_line() -> None:
    source = ("import x\n\n\n@app.route('/a',\n           methods=['GET'])  # the route\n@login\n"
              "def view(a):  # the view\n    # first\n    return helper(a)\n")
    edits: list[Edit] = [MakeAsync(def_at(source, "view")), Await(at(source, "helper(a)"), parens=False)]
    assert _check(source, edits) == [True, True]


def test_crlf() -> None:
    source = "import os\r\n\r\ndef f():\r\n    x = 1\r\n    return g(x).y\r\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(at(source, "g(x)"), parens=True)]
    assert _check(source, edits) == [True, True]


def test_tabs() -> None:
    source = "class C:\n\tdef m(self):\n\t\tif x:\n\t\t\treturn\tfetch(1)\n\t\treturn 2\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "m")), Await(at(source, "fetch(1)"), parens=False)]
    assert _check(source, edits) == [True, True]


def test_a_multi_line_call_and_a_def_with_a_continued_line() -> None:
    source = "def \\\n f():\n    return g(\n        1,\n    )[0]\n"
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(at(source, "g(\n        1,\n    )"), parens=True)]
    assert _check(source, edits) == [True, True]


def test_non_ascii_columns() -> None:
    source = "def f():\n    s = 'héllo'; t = g(s).x  # ünï\n    return t\n"
    col = source.splitlines()[1].index("g(s)")  # in characters, as the index gives it (`at` counts bytes)
    edits: list[Edit] = [MakeAsync(def_at(source, "f")), Await(Span(2, col, 2, col + 4), parens=True)]
    assert _check(source, edits) == [True, True]


def test_the_fixture_corpus_transforms_as_the_whole_module_does() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("compare_transforms", ROOT / "scripts" / "compare_transforms.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    fixtures = ROOT / "tests" / "fixtures"
    # (the rewrite fixtures have their exact outputs checked by tests/test_rewrite_fixtures.py)
    targets = [*sorted((fixtures / "samples").iterdir()),
               *sorted((fixtures / "apps").iterdir())]
    differences, pieces = script.run(targets, report=lambda _line: None)
    assert differences == []
    assert pieces["text"] > 0 and pieces["libcst"] > 0  # both ways were compared

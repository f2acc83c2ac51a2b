"""The piecewise transform gives the whole-module transform's text, parsing only the edited
statements: header pieces keep every byte, pieces sit at their columns, the module's newline and
indent carry over, and what cannot be vouched for falls back to the whole module."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from quartify.analysis.edits import Edit, FilePlan
from quartify.analysis.planners.asyncify import Await, MakeAsync
from quartify.analysis.planners.blocking import TodoComment
from quartify.codemods.apply import _kinds, apply_plan, apply_plan_whole, load_all
from quartify.codemods.base import Context
from quartify.codemods.pieces import Unsure, default_indent, find_pieces, split_lines
from quartify.codemods.piecewise import apply_pieces
from quartify.core.stages import _keep_final_cr
from tests.codemods.helpers import at, def_at


def _plan(source: str, edits: list[Edit]) -> FilePlan:
    return FilePlan.build("module.py", edits, ())


def _pieces_text(source: str, plan: FilePlan) -> str:
    """The piecewise result, failing instead of falling back."""
    ctx = Context(plan=plan, path=plan.path)
    head, rest, _newline = apply_pieces(source, plan, [c(ctx) for c in load_all()], ctx, _kinds())
    assert not ctx.needed_imports
    return head + rest


def _views(source: str, *names: str, awaits: tuple[str, ...] = ()) -> list[Edit]:
    edits: list[Edit] = [MakeAsync(def_at(source, name)) for name in names]
    edits.extend(Await(at(source, text), parens=False) for text in awaits)
    return edits


CASES = {
    "header piece keeps bytes": (
        "import x\n\n\n@app.route('/a')  # route\ndef view(a,   b):  # the view\n    # first\n\n"
        "    y = 1\n    return helper(y)\n",
        ("view",), ("helper(y)",),
    ),
    "method in a class": (
        "class Views:\n    '''doc'''\n\n    def get(self):\n        data = load()\n        return data\n\n"
        "    def post(self):\n        return 1\n",
        ("get",), ("load()",),
    ),
    "tabs": ("class C:\n\tdef m(self):\n\t\tif x:\n\t\t\treturn fetch()\n\t\treturn 2\n", ("m",), ("fetch()",)),
    "decorator over lines": (
        "@app.route(\n    '/a',\n    methods=['GET'],\n)\n# between\n@login\n\ndef view():\n    return fetch()\n",
        ("view",), ("fetch()",),
    ),
    "one-line def": ("def f(): return g()\n\n\ndef h():\n    pass\n", ("f",), ("g()",)),
    "comment between header and body": (
        "def f(\n    a,\n):\n    # why\n    # more\n    return g(a)\n", ("f",), ("g(a)",),
    ),
    "crlf": ("import os\r\n\r\ndef f():\r\n    x = 1\r\n    return g(x)\r\n", ("f",), ("g(x)",)),
    "lone cr": ("def f():\r    return g()\r", ("f",), ("g()",)),
    "nested blocks": (
        "def f():\n    for i in x:\n        with open(p) as fh:\n            try:\n                a = g(i)\n"
        "            except E:\n                pass\n    return 1\n",
        ("f",), ("g(i)",),
    ),
    "elif chain": (
        "def f():\n    if a:\n        pass\n    elif g():\n        h()\n    else:\n        k()\n", ("f",), ("g()", "k()"),
    ),
    "elif chain with tabs": (
        "def f():\n\tif a:\n\t\tpass\n\telif g():\n\t\th()\n\telse:\n\t\tk()\n", ("f",), ("g()", "k()"),
    ),
    "semicolons": ("def f():\n    a = 1; b = g(a); c = 3\n    return c\n", ("f",), ("g(a)",)),
    "triple-quoted string in an indented piece": (
        "class C:\n    def m(self):\n        s = '''\nnot indented\n  at all'''\n        return g(s)\n",
        ("m",), ("g(s)",),
    ),
    "non ascii": ("def f():\n    s = 'héllo'; t = g(s)  # ünï\n    return t\n", ("f",), ("g(s)",)),
    "no final newline": ("def f():\n    return g()", ("f",), ("g()",)),
    "body on the header line elsewhere": (
        "def f():\n    if a: return g()\n    while b: pass\n", ("f",), ("g()",),
    ),
    "footer comment above the next def": (
        "def a():\n    x = 1\n    # end of a\n\n# about b\ndef b():\n    return g()\n", ("b",), ("g()",),
    ),
    "two-space module indent": ("if True:\n  pass\n\n\nclass C:\n    def m(self):\n        return g()\n", ("m",), ("g()",)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_piecewise_gives_the_whole_module_text(case: tuple[str, tuple[str, ...], tuple[str, ...]]) -> None:
    source, names, awaits = case
    plan = _plan(source, _views(source, *names, awaits=awaits))
    whole = apply_plan_whole(source, plan)
    expected = _keep_final_cr(source, whole.source)  # as `transform_file` writes it
    assert expected != source  # the case edits something
    assert _pieces_text(source, plan) == expected
    assert _keep_final_cr(source, apply_plan(source, plan).source) == expected


def test_a_header_piece_holds_the_header_only() -> None:
    source = CASES["header piece keeps bytes"][0]
    tree = ast.parse(source)
    edits = _views(source, "view", awaits=("helper(y)",))
    body_safe = _kinds()[0]
    header, inner = find_pieces(tree, split_lines(source), edits, body_safe)
    # the blank lines above it (its leading lines), the decorator .. the blank line before `y = 1`
    assert (header.start, header.end, header.header is not None) == (2, 7, True)
    assert (inner.start, inner.end, inner.header) == (9, 9, None)  # `return helper(y)` alone


def test_a_body_reading_rewrite_takes_the_whole_statement() -> None:
    from quartify.analysis.planners.cli_bridge import CliBridge

    source = "@cli.command()\ndef seed():\n    '''doc'''\n    db.create()\n"
    edits: list[Edit] = [CliBridge(def_at(source, "seed"))]
    (piece,) = find_pieces(ast.parse(source), split_lines(source), edits, _kinds()[0])
    assert (piece.start, piece.end, piece.header) == (1, 4, None)


def test_a_todo_whose_comments_may_belong_to_a_footer_falls_back_to_the_whole_module() -> None:
    source = "def a():\n    x = 1\n    # TODO(quartify): QFY200 old\ny = slow()\n"
    plan = _plan(source, [TodoComment(at(source, "slow()"), "TODO(quartify): QFY200 old")])
    with pytest.raises(Unsure):
        _pieces_text(source, plan)
    assert apply_plan(source, plan) == apply_plan_whole(source, plan)


def test_needed_imports_go_to_the_head() -> None:
    from quartify.analysis.planners.blocking import SleepCall

    source = '"""doc."""\nimport time\n\nX = 1\n\n\ndef f():\n    time.sleep(1)\n'
    plan = _plan(source, [MakeAsync(def_at(source, "f")), SleepCall(at(source, "time.sleep(1)"), parens=False)])
    whole = apply_plan_whole(source, plan)
    assert "import asyncio" in whole.source
    assert apply_plan(source, plan) == whole


MODULES = {
    "no block": "x = 1\n",
    "first block two spaces": "import os\nif x:\n  y = 1\nclass C:\n    pass\n",
    "same-line bodies first": "if a: pass\nclass C: x = 1\nelse_ = 2\nfor i in x: pass\nelse:\n\tz = 1\n",
    "tabs": "def f():\n\treturn 1\n",
    "decorated": "@d\ndef f():\n      return 1\n",
    "try": "try: import a\nexcept ImportError:\n   a = None\n",
}


@pytest.mark.parametrize("source", MODULES.values(), ids=MODULES.keys())
def test_default_indent_is_libcsts(source: str) -> None:
    assert default_indent(ast.parse(source), split_lines(source)) == cst.parse_module(source).default_indent


def test_a_test_class_and_its_hooks_are_header_pieces() -> None:
    from quartify.analysis.planners.unittest_cases import AsyncTestCase, RenameHook

    source = ("import unittest\nfrom unittest import TestCase\n\n\nclass T(TestCase):\n    '''doc'''\n\n"
              "    def setUp(self):\n        self.c = make()\n\n    def test_a(self):\n        r = self.c.get('/')\n")
    edits: list[Edit] = [AsyncTestCase(def_at(source, "T")), RenameHook(def_at(source, "setUp"), "asyncSetUp"),
                         MakeAsync(def_at(source, "setUp")), MakeAsync(def_at(source, "test_a")),
                         Await(at(source, "self.c.get('/')"), parens=False)]
    plan = _plan(source, edits)
    pieces = find_pieces(ast.parse(source), split_lines(source), list(plan.edits), _kinds()[0])
    assert [(p.start, p.end, p.header is not None) for p in pieces] == [
        (3, 5, True), (7, 8, True), (10, 11, True), (12, 12, False)]
    whole = apply_plan_whole(source, plan)
    assert "IsolatedAsyncioTestCase" in whole.source and "async def asyncSetUp" in whole.source
    assert apply_plan(source, plan) == whole


def test_a_todo_on_a_compound_header_keeps_its_comments() -> None:
    source = "def f():\n    x = 1\n\n    # keep\n    if slow():\n        return 1\n"
    todo = "TODO(quartify): QFY200 slow() blocks"
    plan = _plan(source, [TodoComment(at(source, "slow()"), todo)])
    whole = apply_plan_whole(source, plan)
    assert f"    # keep\n    # {todo}\n    if slow():" in whole.source
    assert _pieces_text(source, plan) == whole.source

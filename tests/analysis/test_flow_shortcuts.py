"""The index's shortcuts in value flow give the same answers as the full computation."""

from __future__ import annotations

import ast
from textwrap import dedent

import pytest

from quartify.analysis.flow import _untracked, may_hold_rare_binders
from quartify.analysis.index import index_source

UNTRACKING = [
    "def f():\n    if (x := g()):\n        x.run()\n",
    "def f():\n    global x\n    x = 1\n",
    "def f():\n    def h():\n        nonlocal y\n    y = 2\n",
    "def f(v):\n    match v:\n        case [a, *rest]:\n            a.run()\n        case {'k': b, **others}:\n            pass\n",
    "def f(v):\n    print([y for x in v if (y := x)])\n",
]


@pytest.mark.parametrize("source", UNTRACKING)
def test_a_function_with_untracked_names_is_never_taken_for_one_without(source: str) -> None:
    func = ast.parse(source).body[0]
    assert isinstance(func, ast.FunctionDef)
    assert _untracked(func.body)  # the shape does untrack a name ...
    assert may_hold_rare_binders(source)  # ... and the text check lets the flow look for it


def test_plain_code_skips_the_search() -> None:
    assert not may_hold_rare_binders("def f(client):\n    rv = client.get('/')\n    return rv.json\n")


@pytest.mark.parametrize("source", [
    "import re\ndef f(s):\n    m = re.match('x', s)\n    return m\n",  # `match` inside a line
    "def f(config):\n    return config.global_timeout, config.matches\n",  # in longer names
])
def test_words_that_cannot_bind_do_not_make_the_flow_look(source: str) -> None:
    assert not _untracked(ast.parse(source).body)
    assert not may_hold_rare_binders(source)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_match_statement_is_seen_at_the_start_of_any_line(newline: str) -> None:
    source = newline.join(["def f(v):", "    match v:", "        case [a]:", "            a.run()", ""])
    assert may_hold_rare_binders(source)


def test_a_walrus_local_falls_back_to_every_binding() -> None:
    # `x` is also bound by `:=`, which the flow does not follow: the read after the `if` falls
    # back to every binding of `x`, the walrus's among them (a value the index does not type),
    # so it is unknown rather than `app.b()`.
    idx = index_source(dedent("""\
        from app import a, b
        def t():
            x = a()
            if (x := b()):
                pass
            x.run()
        """), "t.py", "t", False)
    func = next(f for f in idx.functions if f.name == "t")
    assert [u.ref for u in func.uses if u.ref.endswith(".run")] == ["?.run"]

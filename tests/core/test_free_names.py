"""Unbound names are read from CPython's raw symbol table in linear time, and agree with the
public `symtable` API (which is quadratic in a module's functions) on every scoping shape."""

from __future__ import annotations

import symtable
from pathlib import Path

import pytest

from quartify.core.free_names import _unbound_public, _unbound_raw, unbound_names

SHAPES = {
    "module reads": "print(undefined_a)\nx = 1\nprint(x)\n",
    "function reads a global it never binds": "def f():\n    return missing_b + len([])\n",
    "global statement": "def f():\n    global made_later\n    made_later = 1\n\ndef g():\n    return made_later\n",
    "nonlocal and closures": "def outer():\n    v = 1\n    def inner():\n        nonlocal v\n        v += free_c\n    return inner\n",
    "class scope": "class A:\n    y = z_unbound\n    def m(self):\n        return y_from_class\n",
    "comprehension and lambda": "data = [q for q in src_d if q]\nfn = lambda k: k + lam_e\n",
    "imports bind": "import os\nfrom json import loads as l\nos.path, l, sys_f\n",
    "del and augmented": "w = 1\ndel w\nw2 += 1\n",
    "annotations only": "v: int\nprint(v)\n",
    "walrus in a comprehension": "[(n := i) for i in range(3)]\nprint(n)\n",
    "try and with binding": "try:\n    pass\nexcept E_g as err:\n    pass\nwith ctx_h() as c:\n    print(c)\n",
}


@pytest.mark.parametrize("source", SHAPES.values(), ids=SHAPES.keys())
def test_the_raw_table_gives_the_public_api_answer(source: str) -> None:
    table = symtable.symtable(source, "<source>", "exec")
    assert _unbound_raw(table._table) == _unbound_public(table)  # type: ignore[attr-defined]


def test_quartify_own_modules_agree_both_ways() -> None:
    for path in sorted(Path(__file__).resolve().parents[2].joinpath("quartify").rglob("*.py")):
        table = symtable.symtable(path.read_text(encoding="utf-8"), str(path), "exec")
        assert _unbound_raw(table._table) == _unbound_public(table), path  # type: ignore[attr-defined]


def test_unbound_names_reads_the_raw_table_on_cpython(monkeypatch: pytest.MonkeyPatch) -> None:
    def public(table: object) -> frozenset[str]:
        raise AssertionError("took the quadratic path")

    monkeypatch.setattr("quartify.core.free_names._unbound_public", public)
    assert unbound_names("print(nothing_binds_me)\n") == {"nothing_binds_me"}

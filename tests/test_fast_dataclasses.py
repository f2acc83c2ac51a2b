"""The console script's table of compiled dataclass methods (quartify/cli/fast_dataclasses.py)
changes nothing about the classes: the code objects, annotations and behaviour are the ones
`dataclasses` makes without it, on a first run (compiling) and a second (reading the table);
a damaged table is rebuilt; importing quartify's core as a library installs nothing."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_probe

PROBE = '''
import dataclasses, json, sys
from dataclasses import dataclass, field

def make():
    @dataclass(frozen=True, order=True)
    class Span:
        line: int
        col: int = 0
        names: tuple[str, ...] = ()
        extra: tuple[int, ...] = field(default_factory=tuple)

    @dataclass
    class Plain:
        x: "int"
        y: str = "a"
    return Span, Plain

stock = make()
import quartify.cli.fast_dataclasses  # installs the table, as the console script does
table = dataclasses.exec.__self__
tabled = make()
def methods(cls):
    return {n: f for n, f in vars(cls).items() if getattr(f, "__code__", None) is not None}
same = []
for a, b in zip(stock, tabled):
    ma, mb = methods(a), methods(b)
    same.append(len(ma) >= 3 and sorted(ma) == sorted(mb) and all(ma[n].__code__ == mb[n].__code__ for n in ma)
                and all(ma[n].__annotations__ == mb[n].__annotations__ for n in ma))
S, P = tabled
s = S(3, names=("a",))
try:
    s.line = 4
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
behaves = [s == S(3, 0, ("a",), ()), hash(s) == hash(S(3, names=("a",))), S(1) < S(2), repr(s), frozen, repr(P(1))]
print(json.dumps({"same": same, "behaves": behaves, "added": table.added}))
'''


def _probe(prefix: Path) -> dict[str, object]:
    """The probe with its bytecode (and the table beside it) under `prefix`, written as an install does."""
    return run_probe(PROBE, {"PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": None})


def _tables(prefix: Path) -> list[Path]:
    return sorted(prefix.rglob("dataclass-code.*.marshal"))


def test_tabled_dataclasses_are_the_ones_dataclasses_makes_cold_and_warm(tmp_path: Path) -> None:
    cold = _probe(tmp_path)
    assert cold["same"] == [True, True] and cold["added"]
    (table,) = _tables(tmp_path)
    warm = _probe(tmp_path)
    assert warm["same"] == [True, True] and warm["added"] == 0  # every text came from the table
    assert warm["behaves"] == cold["behaves"] == [True, True, True, "make.<locals>.Span(line=3, col=0, names=('a',), extra=())",
                                                  True, "make.<locals>.Plain(x=1, y='a')"]
    assert _tables(tmp_path) == [table]


def test_a_damaged_table_is_rebuilt(tmp_path: Path) -> None:
    _probe(tmp_path)
    (table,) = _tables(tmp_path)
    whole = table.read_bytes()
    table.write_bytes(whole[: len(whole) // 2])
    again = _probe(tmp_path)
    assert again["same"] == [True, True] and again["added"]
    assert table.read_bytes() == whole


def test_importing_the_core_as_a_library_installs_nothing() -> None:
    code = ("import collections, dataclasses, json, typing, quartify.core.pipeline; print(json.dumps({'installed': "
            "['exec' in vars(dataclasses), 'eval' in vars(collections), 'compile' in vars(typing)]}))")
    assert run_probe(code) == {"installed": [False, False, False]}


# Named tuples (their `__new__` is evaluated from text) and forward references (a string
# annotation is compiled) made with and without the table: the same code, the same behaviour.
TUPLES_PROBE = '''
import collections, json, typing
from typing import NamedTuple

def make():
    Point = collections.namedtuple("Point", "x y", defaults=(0,))

    class Row(NamedTuple):
        name: "str"
        size: "int" = 0

    ref = typing.ForwardRef("dict[str, list[int]]")
    return Point, Row, ref

stock = make()
import quartify.cli.fast_dataclasses  # installs the table, as the console script does
table = collections.eval.__self__
tabled = make()
same = [a.__new__.__code__ == b.__new__.__code__ and a._fields == b._fields and a._field_defaults == b._field_defaults
        for a, b in zip(stock[:2], tabled[:2])]
same.append(stock[2].__forward_code__ == tabled[2].__forward_code__ and stock[2] == tabled[2])
Point, Row, ref = tabled
behaves = [repr(Point(1)), Point(1, 2) == (1, 2), repr(Row("a")), typing.get_type_hints(Row) == {"name": str, "size": int},
           repr(ref._evaluate(None, None, frozenset()))]
try:
    typing.ForwardRef("not an expression = 1")
    refused = False
except SyntaxError:
    refused = True
print(json.dumps({"same": same, "behaves": behaves, "refused": refused, "added": table.added}))
'''


def test_tabled_named_tuples_and_forward_references_are_the_stock_ones(tmp_path: Path) -> None:
    env: dict[str, str | None] = {"PYTHONPYCACHEPREFIX": str(tmp_path), "PYTHONDONTWRITEBYTECODE": None}
    cold = run_probe(TUPLES_PROBE, env)
    warm = run_probe(TUPLES_PROBE, env)
    expected = ["Point(x=1, y=0)", True, "Row(name='a', size=0)", True, "dict[str, list[int]]"]
    assert cold["same"] == warm["same"] == [True, True, True]
    assert cold["behaves"] == warm["behaves"] == expected and cold["refused"] is warm["refused"] is True
    assert cold["added"] and warm["added"] == 0  # the second process read every text from the table

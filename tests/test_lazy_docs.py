"""The console script defers the docstrings `dataclasses` makes from signatures
(quartify/cli/lazy_docs.py): each reads as the text `dataclasses` writes without it, from the
class and from an instance, slotted classes included; a class's own docstring is left as it is.
Run in a fresh interpreter: installing it changes `dataclasses` for the whole process."""

from __future__ import annotations

from tests.helpers import run_probe

PROBE = '''
import dataclasses, json
from dataclasses import dataclass, field

def make():
    @dataclass(frozen=True, order=True)
    class Span:
        line: int
        col: int = 0
        names: tuple[str, ...] = ()
        extra: tuple[int, ...] = field(default_factory=tuple)

    @dataclass(slots=True)
    class Slotted:
        x: "int | None"
        y: str = "a"

    @dataclass
    class Documented:
        """Its own words."""
        z: int = 1
    return Span, Slotted, Documented

stock = make()
from quartify.cli import lazy_docs
installed = lazy_docs.install()
again = lazy_docs.install()
lazy = make()
print(json.dumps({
    "installed": [installed, again],
    "stock": [c.__doc__ for c in stock],
    "lazy": [c.__doc__ for c in lazy],
    "from_instances": [lazy[0](1).__doc__, lazy[1](2).__doc__],
    "kinds": [type(vars(c)["__doc__"]).__name__ for c in lazy],
    "other_signature": str(dataclasses.inspect.signature(make)),
}))
'''


def test_deferred_docstrings_read_as_the_ones_dataclasses_writes() -> None:
    seen = run_probe(PROBE)
    assert seen["installed"] == [True, False]  # a second install changes nothing
    assert seen["lazy"] == seen["stock"]
    assert seen["stock"] == [
        "Span(line: int, col: int = 0, names: tuple[str, ...] = (), extra: tuple[int, ...] = <factory>)",
        "Slotted(x: 'int | None', y: str = 'a')",
        "Its own words.",
    ]
    assert seen["from_instances"] == seen["stock"][:2]
    assert seen["kinds"] == ["LazyDoc", "LazyDoc", "str"]  # made on first read; a written docstring stays
    assert seen["other_signature"] == "()"  # other signatures are inspect's own

"""The names a program reads that nothing in it binds: what verification compares before and after.

A rewrite that renames an import but not a use of it (`from quart import Quart` above a
`Flask(__name__)`) compiles, and fails only when that line runs. Comparing the unbound names of
the input and the output (through quartify's own renames, `Flask` -> `Quart`) catches the whole
family: the output may read no global that the input did not already read.
"""

from __future__ import annotations

import builtins
import symtable
from functools import cache
from typing import Any

from quartify.rules import loader

_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__",
                                        "__package__", "__builtins__", "__path__", "__annotations__"}


def unbound_names(source: str) -> frozenset[str]:
    """Globals some scope reads that no module-level statement binds (builtins excluded)."""
    table = symtable.symtable(source, "<source>", "exec")
    raw = getattr(table, "_table", None)
    if raw is not None and isinstance(getattr(raw, "symbols", None), dict) and hasattr(raw, "children"):
        return _unbound_raw(raw)
    return _unbound_public(table)


def _unbound_public(table: symtable.SymbolTable) -> frozenset[str]:
    """The reference: `symtable`'s public API. Its `get_symbols` matches every symbol against
    every child scope, so a module of thousands of functions costs time quadratic in them."""
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    found: set[str] = set()
    stack = [table]
    while stack:
        scope = stack.pop()
        for symbol in scope.get_symbols():
            if not symbol.is_referenced():
                continue
            if scope.get_type() == "module" or symbol.is_global():
                name = symbol.get_name()
                if name not in bound and name not in _BUILTINS:
                    found.add(name)
        stack.extend(scope.get_children())
    return frozenset(found)


def _unbound_raw(top: Any) -> frozenset[str]:
    """The same answer from CPython's raw table (each scope's name -> flags, its children), read
    with the tests `symtable.Symbol` applies: linear in the program."""
    global_scopes = (symtable.GLOBAL_IMPLICIT, symtable.GLOBAL_EXPLICIT)  # type: ignore[attr-defined]
    use, scope_off, scope_mask = symtable.USE, symtable.SCOPE_OFF, symtable.SCOPE_MASK  # type: ignore[attr-defined]
    binds = symtable.DEF_LOCAL | symtable.DEF_IMPORT  # type: ignore[attr-defined]
    module_bound = symtable.DEF_BOUND  # type: ignore[attr-defined]
    bound = {name for name, flags in top.symbols.items() if flags & binds}
    found: set[str] = set()
    stack = [(top, True)]
    while stack:
        scope, is_module = stack.pop()
        for name, flags in scope.symbols.items():
            if not flags & use:
                continue
            is_global = ((flags >> scope_off) & scope_mask) in global_scopes or (is_module and flags & module_bound)
            if (is_module or is_global) and name not in bound and name not in _BUILTINS:
                found.add(name)
        stack.extend((child, False) for child in scope.children)
    return frozenset(found)


@cache
def _renamed() -> dict[str, str]:
    names = loader.names()
    table = {"flask": "quart"}
    for full, new in (*names.renames.items(), *names.extension_renames.items()):
        table[full.rsplit(".", 1)[-1]] = new
    return table


def newly_unbound(before: str, after: str) -> list[str]:
    """Names the output reads unbound that the input did not (after quartify's renames)."""
    now = unbound_names(after)
    if not now:
        return []  # nothing unbound at all (the usual case): the input need not be read
    renamed = _renamed()
    was = unbound_names(before)
    return sorted(now - was - {renamed.get(n, n) for n in was})

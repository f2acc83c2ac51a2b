"""sqlite3 -> aiosqlite under `--unsafe-fixes` (analysis/unsafe_sqlite.py decides the swap):
the edits the awaits alone do not make, and the refusals where the swap was given up.

The awaits themselves come from the colouring (the swapped calls are awaitables on the linker).
What is left: `sqlite3.connect` -> `aiosqlite.connect`; iterating a connection's `execute(...)`
-> `await conn.execute_fetchall(...)` (an aiosqlite cursor is only async-iterable); and
`sqlite3.ProgrammingError` in an `except` or `pytest.raises(...)`, which also catches the
`ValueError` aiosqlite raises for a closed connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.unsafe_sqlite import CONNECT, CONNECTION
from quartify.core.types import Finding, Severity

REFUSED = "QFY170"
CLOSED_ERRORS = frozenset({"sqlite3.ProgrammingError", "sqlite3.dbapi2.ProgrammingError"})


@dataclass(frozen=True)
class SqliteConnect(Edit):
    """`sqlite3.connect(...)` -> `aiosqlite.connect(...)` (the colouring awaits it)."""


@dataclass(frozen=True)
class SqliteExecute(Edit):
    """A connection's `execute(...)` call: iterated, it becomes `execute_fetchall(...)`."""


@dataclass(frozen=True)
class SqliteClosedError(Edit):
    """`sqlite3.ProgrammingError` caught -> `(sqlite3.ProgrammingError, ValueError)`."""


def swapped(ctx: FileContext) -> bool:
    return CONNECT[0] in ctx.linker.extra_awaitables


@planner
def plan_unsafe_sqlite(ctx: FileContext) -> Iterator[Edit | Finding]:
    for path, line, why in ctx.linker.unsafe_refusals.get("aiosqlite", ()):
        if path == ctx.path:
            yield ctx.finding(REFUSED, Severity.WARNING,
                              f"sqlite3 kept (the aiosqlite swap of --unsafe-fixes is all or nothing): {why}.", line)
    if not swapped(ctx):
        return
    for use in ctx.all_uses:
        resolved = ctx.resolve(use.ref)
        if use.kind == "call" and resolved in CONNECT:
            yield SqliteConnect(use.span)
        elif use.kind == "call" and resolved == f"{CONNECTION}.execute":
            yield SqliteExecute(use.span)
        elif use.kind == "attr" and resolved in CLOSED_ERRORS and (use.arg_of is None or use.arg_key == "#0"):
            yield SqliteClosedError(use.span)

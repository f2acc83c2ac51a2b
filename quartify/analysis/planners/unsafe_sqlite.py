"""sqlite3 -> aiosqlite under `--unsafe-fixes` (analysis/unsafe_sqlite.py decides the swap):
the edits the awaits alone do not make, and the refusals where the swap was given up.

The awaits themselves come from the colouring (the swapped calls are awaitables on the linker).
What is left: `sqlite3.connect` -> `aiosqlite.connect`; iterating a connection's `execute(...)`
-> `await conn.execute_fetchall(...)` (an aiosqlite cursor is only async-iterable); and
`sqlite3.ProgrammingError` in an `except` (a test expecting it is refused), which also catches the
`ValueError` aiosqlite raises for a closed connection; and an exception read off a connection
(`except db.IntegrityError:`) read off the sqlite3 module instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.unsafe_sqlite import CLOSED_ERRORS, CONNECT, CONNECTION, ERRORS
from quartify.core.types import Finding, Severity

REFUSED = "QFY170"


@dataclass(frozen=True)
class SqliteConnect(Edit):
    """`sqlite3.connect(...)` -> `aiosqlite.connect(...)` (the colouring awaits it)."""


@dataclass(frozen=True)
class SqliteExecute(Edit):
    """A connection's `execute(...)` call: iterated, it becomes `execute_fetchall(...)`."""


@dataclass(frozen=True)
class SqliteConnectionError(Edit):
    """`db.IntegrityError` (an exception read off a connection) -> `sqlite3.IntegrityError`."""

    name: str


@dataclass(frozen=True)
class SqliteClosedError(Edit):
    """`sqlite3.ProgrammingError` caught -> `(sqlite3.ProgrammingError, ValueError)`."""


def swapped(ctx: FileContext) -> bool:
    return CONNECT[0] in ctx.linker.extra_awaitables


@planner
def plan_unsafe_sqlite(ctx: FileContext) -> Iterator[SqliteConnect | SqliteExecute | SqliteConnectionError | SqliteClosedError | Finding]:
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
        elif use.kind == "attr" and resolved.startswith(CONNECTION + ".") and resolved[len(CONNECTION) + 1:] in ERRORS:
            yield SqliteConnectionError(use.span, resolved[len(CONNECTION) + 1:])
        elif use.kind == "attr" and resolved in CLOSED_ERRORS and use.arg_of is None:
            yield SqliteClosedError(use.span)

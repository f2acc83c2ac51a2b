"""sqlite3 -> aiosqlite (`--unsafe-fixes`): which calls become awaitable, or why none may.

aiosqlite keeps sqlite3's API with every call a coroutine: `await aiosqlite.connect(path)`, then
`await db.execute(...)` gives a cursor whose `fetchone/fetchall` are awaited too; `row_factory`,
`lastrowid` and sqlite3's exceptions (IntegrityError & co.) stay. The connection runs on its own
thread, so the thread-affinity that forbids offloading sqlite3 calls one by one is gone.

The swap is all or nothing: one connection type flows through `get_db()`, `g.db`, the teardown
and the tests, so a single shape it cannot follow keeps sqlite3 everywhere (a refusal, reported
where it stands). Shapes it refuses: a connect at module level (nothing can be awaited there),
`with conn:` (an aiosqlite `async with` closes the connection instead of committing), a cursor
used as a value (iterated, passed on, returned), a connection handed to code outside the repo,
a connection or cursor member aiosqlite does not offer as sqlite3 does, a test expecting
sqlite3's ProgrammingError (what a closed connection raises; aiosqlite raises a ValueError), and
a test keeping the request context with `with client:` (no teardown closes the connection then).
"""

from __future__ import annotations

from dataclasses import dataclass

from quartify.analysis.graph import quart_awaitable
from quartify.analysis.link import Linker
from quartify.analysis.model import CTX_OK, Use
from quartify.rules.loader import Awaitable, AwaitKind

CONNECT = ("sqlite3.connect", "sqlite3.dbapi2.connect")
CONNECTION = "sqlite3.Connection()"
CURSOR = "sqlite3.Cursor()"
CONNECTION_METHODS = ("execute", "executemany", "executescript", "commit", "rollback", "close")
CURSOR_METHODS = ("execute", "executemany", "executescript", "fetchone", "fetchmany", "fetchall", "close")
# Plain attributes aiosqlite passes through unchanged.
CONNECTION_ATTRS = ("row_factory", "text_factory", "total_changes", "in_transaction", "isolation_level")
CURSOR_ATTRS = ("lastrowid", "rowcount", "description", "arraysize", "row_factory")
# sqlite3's exceptions, also readable off a connection (`except db.IntegrityError:`); aiosqlite's
# connection does not carry them, so they are read off the sqlite3 module instead.
ERRORS = ("Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
          "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError")
# What sqlite3 raises on a closed connection; aiosqlite raises ValueError("no active connection").
CLOSED_ERRORS = frozenset({"sqlite3.ProgrammingError", "sqlite3.dbapi2.ProgrammingError"})
# `conn = g.pop("db", None); conn.close()`: the teardown reads the connection back off `g`.
G_READS = ("flask.g.pop", "flask.g.get")


@dataclass(frozen=True)
class Refusal:
    path: str
    line: int
    why: str


@dataclass(frozen=True)
class SqliteSwap:
    awaitables: dict[str, Awaitable]
    refusals: tuple[Refusal, ...] = ()
    used: bool = False  # the repo calls sqlite3.connect inside a function


def _call(name: str) -> Awaitable:
    return Awaitable(name, AwaitKind.CALL, name)


def _member(resolved: str) -> tuple[str, str] | None:
    for owner in (CONNECTION, CURSOR):
        rest = resolved[len(owner) + 1:]
        # `conn.execute` is a member; `rows` bound to `cur.fetchall()` is a result, not one.
        if resolved.startswith(owner + ".") and "." not in rest and "(" not in rest:
            return owner, rest
    return None


def _why_not(linker: Linker, use: Use, resolved: str, g_attrs: frozenset[str]) -> str | None:
    """Why this use of a sqlite3 object cannot follow the swap, or None when it can."""
    member = _member(resolved)
    awaitable = quart_awaitable(linker, use.ref) if use.with_item else None
    if awaitable is not None and awaitable.kind == AwaitKind.CONTEXT_VALUE:
        # Quart's test client pops a kept request context without its app context, so
        # teardown_appcontext cannot reach `g` there and the connection is never closed.
        return (f"`with {use.text}:` keeps the request context; Quart's test client then cannot run the "
                "teardown that closes the connection (aiosqlite warns, sqlite3 leaked it silently)")
    if use.with_item and (resolved in (CONNECTION, CURSOR) or resolved in CONNECT):
        return (f"`with {use.text}:` is a sqlite3 transaction; aiosqlite's `async with` closes the "
                "connection instead")
    if use.kind == "call" and use.ctx != CTX_OK and (resolved in CONNECT or member is not None):
        return f"`{use.text}()` sits in a {use.ctx}, where it cannot be awaited"
    if member is not None:
        owner, name = member
        methods, attrs = (CONNECTION_METHODS, CONNECTION_ATTRS) if owner == CONNECTION else (CURSOR_METHODS, CURSOR_ATTRS)
        if owner == CONNECTION and name in ERRORS and use.kind == "attr":
            return None
        if (use.kind == "call" and name not in methods) or (use.kind != "call" and name not in (*methods, *attrs)):
            return f"`{use.text}` has no aiosqlite counterpart quartify checked"
        return None
    if (resolved in CLOSED_ERRORS or resolved == f"{CONNECTION}.ProgrammingError") and use.arg_of \
            and linker.resolve(use.arg_of) == "pytest.raises":
        return ("a test expects sqlite3's ProgrammingError (a closed connection?); aiosqlite raises "
                "ValueError('no active connection') instead, with another message")
    if resolved == CURSOR and use.kind in ("name", "attr"):
        return f"the cursor `{use.text}` is used as a value (iterated, passed on or returned)"
    if resolved == CONNECTION and use.arg_of and use.arg_of != "?":
        target = linker.resolve(use.arg_of)
        if target not in linker.functions and target not in G_READS:
            return f"the connection `{use.text}` is handed to `{use.arg_of.rsplit('.', 1)[-1]}()`, which expects sqlite3's"
    if use.kind == "call" and resolved in G_READS and use.key is not None and use.key not in g_attrs:
        return None
    return None


def sqlite_swap(linker: Linker) -> SqliteSwap:
    """The calls to await once sqlite3 is aiosqlite, or the refusals that keep sqlite3."""
    refusals: list[Refusal] = []
    used = False
    g_attrs = frozenset(name for name, ref in linker.g_attributes.items() if ref and linker.resolve(ref) == CONNECTION)
    for mod in sorted(linker.modules.values(), key=lambda m: m.path):
        for use in mod.module_uses:
            resolved = linker.resolve(use.ref)
            if resolved in CONNECT or _member(resolved) is not None:
                refusals.append(Refusal(mod.path, use.span.line,
                                        f"`{use.text}` runs at import time, where nothing can be awaited"))
        for func in mod.functions:
            g_keys = {u.key for u in func.uses if u.kind == "call" and linker.resolve(u.ref) in G_READS}
            reads_back = any(linker.resolve(u.ref).startswith(tuple(f"{r}()." for r in G_READS)) for u in func.uses)
            if reads_back and g_attrs and not g_keys <= g_attrs:
                refusals.append(Refusal(mod.path, func.span.line, f"{func.name} reads something other than the "
                                        "connection back off `g` and calls it: quartify cannot tell which is which"))
            for use in func.uses:
                resolved = linker.resolve(use.ref)
                used = used or (use.kind == "call" and resolved in CONNECT)
                why = _why_not(linker, use, resolved, g_attrs)
                if why is not None:
                    refusals.append(Refusal(mod.path, use.span.line, why))
    names = [*CONNECT, *(f"{CONNECTION}.{m}" for m in CONNECTION_METHODS), *(f"{CURSOR}.{m}" for m in CURSOR_METHODS)]
    if g_attrs:
        names += [f"{read}().{m}" for read in G_READS for m in CONNECTION_METHODS]
    return SqliteSwap({name: _call(name) for name in names}, tuple(refusals), used)

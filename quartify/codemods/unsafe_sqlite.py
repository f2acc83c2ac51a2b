"""sqlite3 -> aiosqlite rewrites (`--unsafe-fixes`, planned in `analysis/planners/unsafe_sqlite.py`)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.unsafe_sqlite import (
    SqliteClosedError,
    SqliteConnect,
    SqliteConnectionError,
    SqliteExecute,
)
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


def _comma() -> cst.Comma:
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


class AioSqlite(Concern):
    """`sqlite3.connect(p)` -> `aiosqlite.connect(p)`; `for r in conn.execute(q)` ->
    `for r in conn.execute_fetchall(q)` (awaited by InsertAwait, 110, like every swapped call)."""

    node_types = (cst.Call, cst.For, cst.CompFor, cst.Attribute, cst.Name)
    handles = (SqliteConnect, SqliteExecute, SqliteClosedError, SqliteConnectionError)
    order = 77  # before InsertAwait (110) wraps the call
    reads_body = False  # a `for`'s iterable only
    reads_leading_lines = False

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.connects = set(ctx.plan.sites(SqliteConnect))
        self.executes = set(ctx.plan.sites(SqliteExecute))
        self.closed = set(ctx.plan.sites(SqliteClosedError))
        self.errors = ctx.plan.sites(SqliteConnectionError)
        self.execute_nodes: set[int] = set()  # ids of the original `execute(...)` calls

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if isinstance(updated, cst.Call) and span in self.connects:
            self.ctx.needed_imports.add(("aiosqlite", None))
            return updated.with_changes(func=cst.Attribute(value=cst.Name("aiosqlite"), attr=cst.Name("connect")))
        if isinstance(updated, cst.Call) and span in self.executes:
            self.execute_nodes.add(id(original))
            return updated
        if isinstance(updated, cst.Attribute) and span in self.errors:
            self.ctx.needed_imports.add(("sqlite3", None))
            name = self.errors[span].name
            updated = cst.Attribute(value=cst.Name("sqlite3"), attr=cst.Name(name), lpar=updated.lpar, rpar=updated.rpar)
            if name != "ProgrammingError":
                return updated
            return cst.Tuple([cst.Element(updated.with_changes(lpar=[], rpar=[]), comma=_comma()),
                              cst.Element(cst.Name("ValueError"))])
        if isinstance(updated, (cst.Attribute, cst.Name)) and span in self.closed:
            return cst.Tuple(
                [cst.Element(updated.with_changes(lpar=[], rpar=[]), comma=_comma()), cst.Element(cst.Name("ValueError"))]
            )
        if isinstance(original, (cst.For, cst.CompFor)) and isinstance(updated, (cst.For, cst.CompFor)):
            if id(original.iter) in self.execute_nodes:
                return updated.with_changes(iter=_fetchall(updated.iter))
        return updated


def _fetchall(node: cst.BaseExpression) -> cst.BaseExpression:
    """The iterated `conn.execute(...)` (awaited or not yet) calling `execute_fetchall`."""
    if isinstance(node, cst.Await):
        return node.with_changes(expression=_fetchall(node.expression))
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.with_changes(func=node.func.with_changes(attr=cst.Name("execute_fetchall")))
    return node

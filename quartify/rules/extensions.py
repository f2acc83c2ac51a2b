"""The Flask extension matrix (`extensions.toml`): one row per extension, one strategy each.

Every part of quartify that deals with an extension reads this table: the import planner
(rename only where the row is native under `--extensions`), the dependency rewrite (a native
row's `requirement` replaces the extension's line), the findings (the row's `advice`), and
docs/extensions.md, which is generated from it and from the outcomes of the tests each row names
(`proofs`, pytest node ids). A row says what was measured (`evidence`) and which tests prove it, so
a claim without a passing test is visible in the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from quartify.core import bundled
from quartify.rules import memo
from quartify.rules.schema import (
    Check,
    Document,
    KeyPath,
    boolean,
    integer,
    map_of,
    member_of,
    strings,
    table,
    text,
)

SOURCE = "quartify/rules/extensions.toml"


class Strategy(StrEnum):
    """How quartify migrates an extension, from the most to the least automatic."""

    NATIVE = "native"
    """A maintained Quart port installs beside Quart >= 0.22: quartify rewrites the imports (and
    the API where it differs) and puts the port in the dependency files."""
    PATCH = "patch"
    """The Flask extension runs under quart-flask-patch (completed where needed)."""
    REPORT = "report"
    """No automatic path: a finding says what to do by hand."""

    def allows(self, wanted: Strategy) -> bool:
        """Whether a row of this strategy is applied when the run asks for at most `wanted`
        (`--extensions patch` applies patch rows, not native ones)."""
        order = list(Strategy)
        return order.index(wanted) <= order.index(self)


@dataclass(frozen=True)
class ExtensionRow:
    """One row of the matrix; `dist` is the PEP 503 name of the Flask-side distribution."""

    dist: str
    name: str
    modules: tuple[str, ...]
    strategy: Strategy
    advice: str
    evidence: str
    rank: int | None = None
    quart_package: str | None = None
    requirement: str | None = None
    proofs: tuple[str, ...] = ()  # pytest node ids of the tests that prove the strategy
    kind: str = "extensions"  # the TOML table: extensions, plugins (test helpers) or imports
    # A pytest plugin loaded by its entry point that stops every test of a Quart app: the
    # dependency is removed from the lists (plugins only)
    drop: bool = False

    def effective(self, wanted: Strategy) -> Strategy:
        """The strategy applied under `--extensions wanted`: the row's own when the run allows it,
        else report (a native row is not patched: its port is the measured route)."""
        return self.strategy if self.strategy.allows(wanted) else Strategy.REPORT


def _row_check(doc: Document, path: KeyPath, value: object) -> dict[str, Any]:
    row = _ROW(doc, path, value)
    strategy = row["strategy"]
    if strategy is Strategy.NATIVE and ("quart_package" not in row or "requirement" not in row):
        raise doc.error(path, "a native row needs quart_package and requirement")
    if strategy is not Strategy.NATIVE and "quart_package" in row:
        raise doc.error((*path, "quart_package"), "only native rows name a Quart package")
    if strategy is Strategy.REPORT and "requirement" in row:
        raise doc.error((*path, "requirement"), "a report row writes no requirement")
    if row.get("drop") and path[0] != "plugins":
        raise doc.error((*path, "drop"), "only a pytest plugin (a [plugins] row) is dropped from the dependencies")
    if not row.get("proofs"):
        raise doc.error(path, "a row names the tests that prove it (proofs = [\"tests/...py::test_x\"])")
    return row


_ROW = table(
    {
        "name": text,
        "modules": strings,
        "rank": integer(1),
        "strategy": member_of(Strategy),
        "quart_package": text,
        "requirement": text,
        "advice": text,
        "evidence": text,
        "proofs": strings,
        "drop": boolean,
    },
    optional={"modules", "rank", "quart_package", "requirement", "proofs", "drop"},
)
KINDS = ("extensions", "plugins", "imports")
EXTENSIONS: Check[dict[str, Any]] = table({kind: map_of(_row_check) for kind in KINDS}, optional=KINDS[1:])


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(source: str, text_: str, bundled: bool = False) -> tuple[ExtensionRow, ...]:
    """The rows of a matrix text (the shipped one, `bundled`, or a test's)."""
    doc = Document.parse(source, text_, bundled=bundled)
    data = EXTENSIONS(doc, (), doc.data)
    rows = []
    for kind in KINDS:
        for key, row in data.get(kind, {}).items():
            if _normalise(key) != key:
                raise doc.error((kind, key), f"keys are PEP 503 names: {_normalise(key)!r}")
            rows.append(ExtensionRow(
                dist=key,
                name=row["name"],
                modules=tuple(row.get("modules", (key.replace("-", "_"),))),
                strategy=row["strategy"],
                advice=row["advice"],
                evidence=row["evidence"],
                rank=row.get("rank"),
                quart_package=row.get("quart_package"),
                requirement=row.get("requirement"),
                proofs=tuple(row.get("proofs", ())),
                kind=kind,
                drop=row.get("drop", False),
            ))
    return tuple(rows)


@cache
def load() -> tuple[ExtensionRow, ...]:
    """Every row of the shipped matrix, in table order (kept beside the bytecode, rules/memo.py)."""
    return memo.built("extensions", tuple, lambda: parse(SOURCE, bundled.read_text("quartify.rules", "extensions.toml"),
                                                         bundled=True))


@cache
def _modules() -> Mapping[str, tuple[ExtensionRow, ...]]:
    """Module -> its rows, the most downloaded first (two distributions can install one module:
    Bootstrap-Flask and Flask-Bootstrap both install `flask_bootstrap`)."""
    out: dict[str, list[ExtensionRow]] = {}
    for row in load():
        for module in row.modules:
            out.setdefault(module, []).append(row)
    return {m: tuple(sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.dist))) for m, rows in out.items()}


# The distributions the project being migrated names in its dependency files (PEP 503 names):
# they decide between the rows of a shared module. Set for one run by `project_dists()`.
_DECLARED: ContextVar[frozenset[str] | None] = ContextVar("declared_dists", default=None)


@contextmanager
def project_dists(names: Iterable[str]) -> Iterator[None]:
    """Within the block, a module two rows share is the row whose distribution `names` holds."""
    token = _DECLARED.set(frozenset(_normalise(n) for n in names))
    try:
        yield
    finally:
        _DECLARED.reset(token)


def _rows_of(import_name: str) -> tuple[ExtensionRow, ...]:
    modules = _modules()
    parts = import_name.split(".")
    for end in range(len(parts), 0, -1):
        rows = modules.get(".".join(parts[:end]))
        if rows:
            return rows
    return ()


@cache
def _dists() -> Mapping[str, ExtensionRow]:
    return {row.dist: row for row in load()}


def by_module(import_name: str) -> ExtensionRow | None:
    """The row of an import (`flask_cors`, `flask_cors.extension`, `webargs.flaskparser`). When
    two distributions install the module, the one the project's dependency files name (see
    `project_dists`), else the most downloaded (`shared_module_note` says so)."""
    rows = _rows_of(import_name)
    if len(rows) > 1:
        declared = _DECLARED.get() or frozenset()
        return next((r for r in rows if r.dist in declared), rows[0])
    return rows[0] if rows else None


def shared_module_note(import_name: str) -> str:
    """For a module two rows share and the project's dependency files do not decide between: the
    sentence saying which row quartify took and why ("" otherwise)."""
    rows = _rows_of(import_name)
    declared = _DECLARED.get() or frozenset()
    if len(rows) < 2 or any(r.dist in declared for r in rows):
        return ""
    others = ", ".join(r.name for r in rows[1:])
    return (f" (`{import_name.split('.')[0]}` is installed by {rows[0].name} and by {others}; the dependency files "
            f"name neither, so quartify took {rows[0].name}, the more downloaded: if the project uses {others}, "
            f"list it in the dependency files and run quartify again)")


def by_dist(name: str) -> ExtensionRow | None:
    """The row of a distribution, by any spelling of its name (`Flask_CORS`, `flask-cors`)."""
    return _dists().get(_normalise(name))


def inactive_modules(wanted: Strategy) -> frozenset[str]:
    """Extension modules whose Quart API (quart_api.toml entries, Quart-WTF form seeds, renamed
    names) must not be applied under `--extensions wanted`: those of native rows it leaves alone."""
    return frozenset(
        module for row in load() if row.strategy is Strategy.NATIVE
        and row.effective(wanted) is not Strategy.NATIVE for module in row.modules
    )

"""Flask imports become Quart imports, and every reference to a renamed Flask name follows.

The index already resolved which names are Flask's (through aliases and scopes); this planner
only turns those facts into edits for `codemods/imports.py` and `codemods/renames.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Span


@dataclass(frozen=True)
class FlaskImport(Edit):
    """An import statement starting on this line may name `flask`: rewrite it to `quart`."""


@dataclass(frozen=True)
class RenameReference(Edit):
    """A name or attribute Quart spells differently (`Flask` -> `Quart`)."""

    new: str
    settles = True


@planner
def plan_imports(ctx: FileContext) -> Iterator[Edit]:
    if ctx.module.imports_flask:
        for line in ctx.module.flask_import_lines:
            yield FlaskImport(Span(line, 0, line, 0))
    for rename in ctx.module.renames:
        if not rename.extension or ctx.linker.applies(rename.extension):
            yield RenameReference(rename.span, rename.new)

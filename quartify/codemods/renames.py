"""Flask names Quart spells differently: `Flask` -> `Quart`, `flask.x` -> `quart.x`."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.imports import RenameReference
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span
from quartify.rules import loader


class RenameReferences(Concern):
    node_types = (cst.Name, cst.Attribute)
    handles = (RenameReference,)
    order = 30

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.renames = {r.span: r.new for r in ctx.plan.of(RenameReference)}
        self.explicit = loader.names().explicit_submodules

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if isinstance(updated, cst.Name) and span in self.renames:
            return updated.with_changes(value=self.renames[span])
        if (
            isinstance(updated, cst.Attribute)
            and isinstance(updated.value, cst.Name)
            and updated.value.value == "quart"
            and isinstance(original, cst.Attribute)
            and isinstance(original.value, cst.Name)
            and original.value.value == "flask"
            and updated.attr.value in self.explicit
        ):
            self.ctx.needed_imports.add((f"quart.{updated.attr.value}", None))
        return updated

"""`import quart_flask_patch` and the compat import as a module's first imports (the patch must
run before anything imports `flask` or an extension)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.flask_patch import PATCH_MODULE, PatchImports
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


def _dotted_expr(name: str) -> cst.Attribute | cst.Name:
    parts = name.split(".")
    node: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _import_line(name: str, comment: str) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine(
        body=[cst.Import(names=[cst.ImportAlias(name=_dotted_expr(name))])],
        trailing_whitespace=cst.TrailingWhitespace(
            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment), newline=cst.Newline()
        ),
    )


def _is_preamble(stmt: cst.BaseStatement, index: int) -> bool:
    """The module docstring (first statement) or a `from __future__` import: they stay first."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    if index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
        return True
    return isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) and small.module.value == "__future__"


class AddPatchImports(Concern):
    node_types = (cst.Module,)
    handles = (PatchImports,)
    order = 500  # last: other concerns' statement edits are done
    head_only = True  # the preamble and the statement after it

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.edits = ctx.plan.of(PatchImports)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if not self.edits or not isinstance(updated, cst.Module):
            return updated
        body = list(updated.body)
        at = 0
        while at < len(body) and _is_preamble(body[at], at):
            at += 1
        added = [
            _import_line(PATCH_MODULE, "# noqa: F401,I001  quartify: Flask extensions run on a patched flask"),
            _import_line(self.edits[0].compat, "# noqa: F401  completes quart-flask-patch for Quart >= 0.19"),
        ]
        if at < len(body):
            first = body[at]
            # The statement's leading comments and blank lines stay above the new imports.
            added[0] = added[0].with_changes(leading_lines=first.leading_lines)
            body[at] = first.with_changes(leading_lines=())
        return updated.with_changes(body=[*body[:at], *added, *body[at:]])

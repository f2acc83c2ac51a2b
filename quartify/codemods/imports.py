"""`flask` imports -> `quart` imports, by the name table in `rules/names.toml`.

Imports are rewritten where they stand, so comments and layout around them survive. A name
Quart lacks stays imported from flask, split into its own statement, with a finding.
"""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.imports import FlaskImport
from quartify.codemods.base import Concern, Context
from quartify.core.types import Finding, Severity, Span
from quartify.rules import loader


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _dotted_node(dotted: str) -> cst.Attribute | cst.Name:
    parts = dotted.split(".")
    node: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


class RewriteImports(Concern):
    node_types = (cst.ImportFrom, cst.Import)
    handles = (FlaskImport,)
    order = 10

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.names = loader.names()
        self.lines = {e.span.line for e in ctx.plan.of(FlaskImport)}

    def _finding(self, span: Span, message: str) -> None:
        self.ctx.findings.append(
            Finding("QFY110", Severity.WARNING, message, self.ctx.path, span.line, span.col)
        )

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span.line not in self.lines:
            return updated
        if isinstance(updated, cst.ImportFrom):
            return self._from(updated, span)
        if isinstance(updated, cst.Import):
            return self._import(updated, span)
        return updated

    def _from(self, node: cst.ImportFrom, span: Span) -> cst.CSTNode:
        if node.relative or node.module is None:
            return node
        module = _dotted(node.module)
        if module.split(".")[0] != "flask":
            return node
        target = self.names.modules.get(module)
        if target is None:
            self._finding(span, f"`{module}` has no Quart counterpart; the import stays on Flask")
            return node
        if isinstance(node.names, cst.ImportStar):
            self._finding(span, f"`from {module} import *` became `from {target} import *`; check the names you use")
            return node.with_changes(module=_dotted_node(target))
        kept: list[cst.ImportAlias] = []
        for alias in node.names:
            name = _dotted(alias.name)
            full = f"{module}.{name}"
            if full in self.names.missing:
                self._finding(span, f"`{full}`: {self.names.missing[full]}; the import stays on Flask")
                continue
            new = self.names.renames.get(full)
            kept.append(alias.with_changes(name=cst.Name(new)) if new else alias)
        missing = [a for a in node.names if f"{module}.{_dotted(a.name)}" in self.names.missing]
        if not kept:
            return node
        if kept and kept[-1].comma is not cst.MaybeSentinel.DEFAULT and not node.rpar:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        rewritten = node.with_changes(module=_dotted_node(target), names=kept)
        for alias in missing:
            self.ctx.needed_imports.add((module, _dotted(alias.name)))
        return rewritten

    def _import(self, node: cst.Import, span: Span) -> cst.CSTNode:
        aliases = []
        changed = False
        for alias in node.names:
            module = _dotted(alias.name)
            if module.split(".")[0] != "flask":
                aliases.append(alias)
                continue
            target = self.names.modules.get(module)
            if target is None:
                self._finding(span, f"`{module}` has no Quart counterpart; the import stays on Flask")
                aliases.append(alias)
                continue
            aliases.append(alias.with_changes(name=_dotted_node(target)))
            changed = True
        return node.with_changes(names=aliases) if changed else node

"""Apply a `FilePlan` to one source: one LibCST parse, one traversal, every concern.

Concerns are ordered: renames and keyword edits see a call before `InsertAwait` wraps it,
and `MakeAsync`/`BridgeCliCommand` see a def after its body was edited.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from quartify.analysis.plan import FilePlan
from quartify.codemods.asyncify import InsertAwait, MakeAsync
from quartify.codemods.base import Concern, Context, to_span
from quartify.codemods.cli_bridge import BridgeCliCommand
from quartify.codemods.imports import RewriteImports
from quartify.codemods.keywords import RenameKeywords
from quartify.codemods.renames import RenameReferences
from quartify.codemods.streaming import CallStreamedGenerator
from quartify.core.types import Finding

CONCERNS: tuple[type[Concern], ...] = (
    RewriteImports,
    RenameReferences,
    RenameKeywords,
    CallStreamedGenerator,
    InsertAwait,
    BridgeCliCommand,
    MakeAsync,
)


@dataclass(frozen=True)
class Applied:
    source: str
    findings: tuple[Finding, ...]
    awaits_added: int
    functions_made_async: int


class _Dispatcher(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, concerns: list[Concern]) -> None:
        super().__init__()
        self.concerns = concerns

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        node = super().on_leave(original_node, updated_node)
        if not isinstance(node, cst.CSTNode):
            return node  # type: ignore[return-value]
        wanted = [c for c in self.concerns if isinstance(node, c.node_types)]
        if not wanted:
            return node
        span = to_span(self.get_metadata(PositionProvider, original_node))
        for concern in self.concerns:
            if isinstance(node, concern.node_types):
                node = concern.leave(original_node, node, span)
        return node


def apply_plan(source: str, plan: FilePlan) -> Applied:
    ctx = Context(plan=plan, path=plan.path)
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    new = wrapper.visit(_Dispatcher([c(ctx) for c in CONCERNS]))
    if ctx.needed_imports:
        codemod_ctx = CodemodContext()
        for mod, name in sorted(ctx.needed_imports, key=lambda t: (t[0], t[1] or "")):
            if name is None:
                AddImportsVisitor.add_needed_import(codemod_ctx, mod)
            else:
                AddImportsVisitor.add_needed_import(codemod_ctx, mod, name)
        new = AddImportsVisitor(codemod_ctx).transform_module(new)
    return Applied(new.code, tuple(ctx.findings), ctx.awaits_added, ctx.functions_made_async)

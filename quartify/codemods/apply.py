"""Apply a `FilePlan` to one source: one LibCST parse, one traversal, every concern.

Concerns are ordered: renames and keyword edits see a call before `InsertAwait` wraps it,
and `MakeAsync`/`BridgeCliCommand` see a def after its body was edited.
"""

from __future__ import annotations

from dataclasses import dataclass

import bisect

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from quartify.analysis.plan import FilePlan
from quartify.codemods.asyncify import AsyncTestCase, InsertAwait, MakeAsync
from quartify.codemods.base import Concern, Context, to_span
from quartify.codemods.blocking import AsyncSleep, TodoComments
from quartify.codemods.cli_bridge import BridgeCliCommand
from quartify.codemods.extensions import CreateForms, MoveExtensionImports, RewriteCors
from quartify.codemods.imports import RewriteImports
from quartify.codemods.keywords import AppRunKeywords, RenameKeywords
from quartify.codemods.renames import RenameReferences
from quartify.codemods.streaming import CallStreamedGenerator
from quartify.codemods.test_client import OffloadCliRunner, RewriteClientCalls, UnwrapResponseWith
from quartify.core.types import Finding

CONCERNS: tuple[type[Concern], ...] = (
    RewriteImports,
    MoveExtensionImports,
    RenameReferences,
    RenameKeywords,
    AppRunKeywords,
    CallStreamedGenerator,
    RewriteClientCalls,
    OffloadCliRunner,
    AsyncSleep,
    CreateForms,
    InsertAwait,
    BridgeCliCommand,
    MakeAsync,
    AsyncTestCase,
    UnwrapResponseWith,
    TodoComments,
    RewriteCors,
)


@dataclass(frozen=True)
class Applied:
    source: str
    findings: tuple[Finding, ...]
    awaits_added: int
    functions_made_async: int


class _Dispatcher(cst.CSTTransformer):
    """Runs each concern on the node types it names, and skips whole statements that hold
    no planned edit (LibCST rebuilds every node it visits; most statements need nothing)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, concerns: list[Concern], edit_lines: list[int]) -> None:
        super().__init__()
        self.by_type: dict[type[cst.CSTNode], list[Concern]] = {}
        for concern in concerns:
            for node_type in concern.node_types:
                self.by_type.setdefault(node_type, []).append(concern)
        self.edit_lines = edit_lines

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.BaseCompoundStatement, cst.SimpleStatementLine)):
            rng = self.get_metadata(PositionProvider, node)
            i = bisect.bisect_left(self.edit_lines, rng.start.line)
            if i == len(self.edit_lines) or self.edit_lines[i] > rng.end.line:
                return False
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        node = super().on_leave(original_node, updated_node)
        if not isinstance(node, cst.CSTNode):
            return node  # type: ignore[return-value]
        concerns = self.by_type.get(type(node))
        if not concerns:
            return node
        span = to_span(self.get_metadata(PositionProvider, original_node))
        for concern in concerns:
            if isinstance(node, concern.node_types):
                node = concern.leave(original_node, node, span)
        return node


def _edit_lines(plan: FilePlan) -> list[int]:
    """Every line an edit touches; imports are found by walking, so their lines count too."""
    lines: set[int] = set()
    spans = [
        *plan.make_async, *(a.span for a in plan.awaits), *plan.async_withs, *(r.span for r in plan.renames),
        *(k.span for k in plan.keyword_renames), *plan.cli_bridges, *plan.stream_calls,
        *plan.client_calls, *plan.cookie_calls, *plan.default_path_calls, *(w for w, _c in plan.app_context_withs),
        *plan.async_test_cases, *plan.offload_calls, *plan.response_withs, *plan.sleep_calls,
        *(call for call, _text in plan.todo_comments), *plan.form_creates, *plan.cors_calls, *plan.app_runs,
    ]
    lines.update(plan.import_lines)
    for span in spans:
        lines.update((span.line, span.end_line))
    return sorted(lines)


def apply_plan(source: str, plan: FilePlan) -> Applied:
    ctx = Context(plan=plan, path=plan.path)
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    edit_lines = _edit_lines(plan)
    new = wrapper.visit(_Dispatcher([c(ctx) for c in CONCERNS], edit_lines))
    if ctx.needed_imports:
        codemod_ctx = CodemodContext()
        for mod, name in sorted(ctx.needed_imports, key=lambda t: (t[0], t[1] or "")):
            if name is None:
                AddImportsVisitor.add_needed_import(codemod_ctx, mod)
            else:
                AddImportsVisitor.add_needed_import(codemod_ctx, mod, name)
        new = AddImportsVisitor(codemod_ctx).transform_module(new)
    return Applied(new.code, tuple(ctx.findings), ctx.awaits_added, ctx.functions_made_async)


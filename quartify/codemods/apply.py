"""Apply a `FilePlan` to one source: one LibCST parse, one traversal, every registered concern.

Concerns run in their declared `order` on each node: renames and keyword edits see a call before
`InsertAwait` wraps it, and `MakeAsync`/`BridgeCliCommand` see a def after its body was edited.
Only statements holding a planned edit are visited (the lines come from the plan's edits), and
only the top-level statements near an edit line get positions (`spans.Spans`): a top-level
statement holding no edit line is skipped whole, and no concern sees it.
"""

from __future__ import annotations

import bisect
import importlib
import pkgutil
from dataclasses import dataclass

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from quartify.analysis import planners
from quartify.analysis.edits import FilePlan, declared_kinds
from quartify.codemods.base import Concern, Context, registered, to_span
from quartify.codemods.spans import Spans
from quartify.core.types import Finding


def load_all() -> tuple[type[Concern], ...]:
    """Import every codemod module of this package (defining a concern registers it), and
    check that every declared edit kind has a rewrite."""
    global _loaded
    if _loaded is None:
        import quartify.codemods as package

        for info in pkgutil.iter_modules(package.__path__):
            if info.name not in ("apply", "base", "spans"):
                importlib.import_module(f"{package.__name__}.{info.name}")
        orphans = unhandled_kinds()
        if orphans:
            raise RuntimeError(f"edit kinds without a rewrite (their edits would vanish): {', '.join(orphans)}")
        _loaded = registered()
    return _loaded


_loaded: tuple[type[Concern], ...] | None = None


def unhandled_kinds() -> list[str]:
    """Declared edit kinds no registered rewrite handles."""
    planners.load_all()
    handled = {kind for concern in registered() for kind in concern.handles}
    return sorted(name for name, kind in declared_kinds().items() if kind not in handled)


@dataclass(frozen=True)
class Applied:
    source: str
    findings: tuple[Finding, ...]
    awaits_added: int
    functions_made_async: int


class _Dispatcher(cst.CSTTransformer):
    """Runs each concern on the node types it names, and skips whole statements that hold
    no planned edit (LibCST rebuilds every node it visits; most statements need nothing)."""

    def __init__(self, concerns: list[Concern], edit_lines: list[int], spans: Spans) -> None:
        super().__init__()
        self.spans = spans
        self.by_type: dict[type[cst.CSTNode], list[Concern]] = {}
        for concern in concerns:
            for node_type in concern.node_types:
                self.by_type.setdefault(node_type, []).append(concern)
        self.edit_lines = edit_lines

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.BaseCompoundStatement, cst.SimpleStatementLine)):
            rng = self.spans.get(node)
            if rng is None:  # a top-level statement far from every edit
                return False
            start = rng.start.line
            # A def's or class's range starts at `def`/`class`: its decorators sit above it, and an
            # edit there (`@click.group(cls=FlaskGroup)`) must still be reached.
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node.decorators:
                first = self.spans.get(node.decorators[0])
                assert first is not None  # generated with its statement
                start = first.start.line
            i = bisect.bisect_left(self.edit_lines, start)
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
        rng = self.spans.get(original_node)
        if rng is None:  # a skipped top-level statement: it holds no edit
            return node
        span = to_span(rng)
        for concern in concerns:
            if isinstance(node, concern.node_types):
                node = concern.leave(original_node, node, span)
        return node


def apply_plan(source: str, plan: FilePlan) -> Applied:
    ctx = Context(plan=plan, path=plan.path)
    module = cst.parse_module(source)
    edit_lines = plan.edit_lines()
    new = module.visit(_Dispatcher([c(ctx) for c in load_all()], edit_lines, Spans(module, source, edit_lines)))
    if ctx.needed_imports:
        new = _add_imports(new, ctx.needed_imports)
    return Applied(new.code, tuple(ctx.findings), ctx.awaits_added, ctx.functions_made_async)


def _add_imports(module: cst.Module, needed: set[tuple[str, str | None]]) -> cst.Module:
    """LibCST's `AddImportsVisitor`, run on the module's head only.

    The visitor reads and edits nothing past the first statement after the leading run of
    imports (a docstring, the imports, and the statement that may get a blank line above the
    new ones), yet it copies and walks the whole module: on real repos that was a third of the
    transform. Handing it the head and appending the rest untouched gives the same module."""
    codemod_ctx = CodemodContext()
    for mod, name in sorted(needed, key=lambda t: (t[0], t[1] or "")):
        if name is None:
            AddImportsVisitor.add_needed_import(codemod_ctx, mod)
        else:
            AddImportsVisitor.add_needed_import(codemod_ctx, mod, name)
    body = module.body
    end = 1 if body and _is_docstring(body[0]) else 0
    while end < len(body) and _is_import_line(body[end]):
        end += 1
    head = module.with_changes(body=body[: end + 1])
    done = AddImportsVisitor(codemod_ctx).transform_module(head)
    return done.with_changes(body=[*done.body, *body[end + 1 :]])


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    """What LibCST's visitor skips before the imports: a docstring, or a `__strict__` flag."""
    if not isinstance(stmt, cst.SimpleStatementLine) or not stmt.body:
        return False
    first = stmt.body[0]
    if isinstance(first, cst.Expr):
        return isinstance(first.value, cst.SimpleString)
    return (isinstance(first, cst.Assign) and len(first.targets) == 1
            and isinstance(first.targets[0].target, cst.Name) and first.targets[0].target.value == "__strict__")


def _is_import_line(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom)))


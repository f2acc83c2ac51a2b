"""Apply a `FilePlan` to one source, every registered concern in one traversal of what is parsed.

Concerns run in their declared `order` on each node: renames and keyword edits see a call before
`InsertAwait` wraps it, and `MakeAsync`/`BridgeCliCommand` see a def after its body was edited.
Only the statements holding edits are parsed and generated (`piecewise`: pieces of the file,
spliced back as text); when the pieces cannot be vouched for, the whole module is, with
positions for the top-level statements near an edit line only (`spans.Spans`).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from quartify.analysis import planners
from quartify.analysis.edits import FilePlan, declared_kinds
from quartify.codemods.add_imports import add_imports, leading_imports_end
from quartify.codemods.base import Concern, Context, registered
from quartify.codemods.dispatch import Dispatcher
from quartify.codemods.pieces import Unsure
from quartify.codemods.piecewise import Kinds, apply_pieces, body_safe_kinds, leading_lines_kinds, module_kinds
from quartify.codemods.spans import Spans, _module_range
from quartify.core.import_check import imports_in
from quartify.core.types import Finding, Span


def load_all() -> tuple[type[Concern], ...]:
    """Import every codemod module of this package (defining a concern registers it), and
    check that every declared edit kind has a rewrite."""
    global _loaded
    if _loaded is None:
        import quartify.codemods as package

        for info in pkgutil.iter_modules(package.__path__):
            if info.name not in ("add_imports", "apply", "base", "dispatch", "pieces", "piecewise", "spans", "textual"):
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
    # The modules the input imports (`import_check.imports_in`), read from the tree the pieces
    # were found in, so verification need not parse the input again; None when not parsed.
    input_imports: tuple[tuple[str, int], ...] | None = field(default=None, compare=False)


def apply_plan(source: str, plan: FilePlan) -> Applied:
    """The plan applied piece by piece (`piecewise`), or to the whole module when the pieces
    cannot be vouched for; both give the same text."""
    if not plan.edits:
        return Applied(source, (), 0, 0)
    ctx = Context(plan=plan, path=plan.path)
    kinds = _kinds()
    concerns = [c(ctx) for c in load_all()]
    try:
        head, rest, newline = apply_pieces(source, plan, concerns, ctx, kinds)
        if ctx.needed_imports or any(type(e) in kinds[2] for e in plan.edits):
            head = _rewrite_head(source, head, newline, bool(rest), concerns, ctx)
        imports = tuple(imports_in(ctx.input_tree).items()) if ctx.input_tree is not None else None
        return Applied(head + rest, tuple(ctx.findings), ctx.awaits_added, ctx.functions_made_async, imports)
    except (Unsure, cst.ParserSyntaxError):
        return apply_plan_whole(source, plan)


def _rewrite_head(source: str, head: str, newline: str, more: bool, concerns: list[Concern], ctx: Context) -> str:
    """The rewrites of the module node that read only its head (`Concern.head_only`), then the
    needed imports, on the head parsed alone (`more`: the file goes on after it)."""
    module = cst.parse_module(head)
    module_range = _module_range(source)
    if module.default_newline != newline or module_range is None:
        raise Unsure("the head alone has another newline, or the module no known range")
    (line, col), (end_line, end_col) = module_range
    span = Span(line, col, end_line, end_col)
    for concern in concerns:
        if concern.head_only and isinstance(module, concern.node_types):
            new = concern.leave(module, module, span)
            assert isinstance(new, cst.Module)
            module = new
    if ctx.needed_imports:
        module, enough = _add_imports(module, ctx.needed_imports)
        if not enough and more:
            raise Unsure("the imports' head runs past the statements taken")
    return module.code


def apply_plan_whole(source: str, plan: FilePlan) -> Applied:
    """The reference: one LibCST parse of the whole module, one traversal, one code generation."""
    ctx = Context(plan=plan, path=plan.path)
    module = cst.parse_module(source)
    edit_lines = plan.edit_lines()
    new = module.visit(Dispatcher([c(ctx) for c in load_all()], edit_lines, Spans(module, source, edit_lines)))
    if ctx.needed_imports:
        new = _add_imports_visitor(new, ctx.needed_imports)
    return Applied(new.code, tuple(ctx.findings), ctx.awaits_added, ctx.functions_made_async)


_KINDS: Kinds | None = None


def _kinds() -> Kinds:
    global _KINDS
    if _KINDS is None:
        concerns = load_all()
        _KINDS = (body_safe_kinds(concerns), leading_lines_kinds(concerns), *module_kinds(concerns))
    return _KINDS


def imports_context(needed: set[tuple[str, str | None]]) -> CodemodContext:
    """A codemod context asking `AddImportsVisitor` for `needed` (module, name or None), in a
    fixed order."""
    ctx = CodemodContext()
    for mod, name in sorted(needed, key=lambda t: (t[0], t[1] or "")):
        if name is None:
            AddImportsVisitor.add_needed_import(ctx, mod)
        else:
            AddImportsVisitor.add_needed_import(ctx, mod, name)
    return ctx


def _add_imports(module: cst.Module, needed: set[tuple[str, str | None]]) -> tuple[cst.Module, bool]:
    """The needed imports added as LibCST's `AddImportsVisitor` adds them (`add_imports`: the same
    decisions and nodes, without the visitor's matcher set-up and walk), and whether `module` held
    the statement after its leading imports, which the visitor reads for its leading lines (a
    head parsed alone must hold it)."""
    return add_imports(module, needed), leading_imports_end(module) < len(module.body)


def _add_imports_visitor(module: cst.Module, needed: set[tuple[str, str | None]]) -> cst.Module:
    """The reference: LibCST's visitor itself, on the whole module."""
    return AddImportsVisitor(imports_context(needed)).transform_module(module)

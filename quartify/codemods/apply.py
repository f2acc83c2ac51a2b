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
from dataclasses import dataclass

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from quartify.analysis import planners
from quartify.analysis.edits import FilePlan, declared_kinds
from quartify.codemods.base import Concern, Context, registered
from quartify.codemods.dispatch import Dispatcher
from quartify.codemods.pieces import Unsure
from quartify.codemods.piecewise import Kinds, apply_pieces, body_safe_kinds, leading_lines_kinds, module_kinds
from quartify.codemods.spans import Spans, _module_range
from quartify.core.types import Finding, Span


def load_all() -> tuple[type[Concern], ...]:
    """Import every codemod module of this package (defining a concern registers it), and
    check that every declared edit kind has a rewrite."""
    global _loaded
    if _loaded is None:
        import quartify.codemods as package

        for info in pkgutil.iter_modules(package.__path__):
            if info.name not in ("apply", "base", "dispatch", "pieces", "piecewise", "spans", "textual"):
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
        return Applied(head + rest, tuple(ctx.findings), ctx.awaits_added, ctx.functions_made_async)
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
        new, _enough = _add_imports(new, ctx.needed_imports)
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
    """LibCST's `AddImportsVisitor`, run on the module's head only.

    The visitor reads and edits nothing past the first statement after the leading run of
    imports (a docstring, the imports, and the statement that may get a blank line above the
    new ones), yet it copies and walks the whole module: on real repos that was a third of the
    transform. Handing it the head and appending the rest untouched gives the same module. Of
    the statement after the imports it reads only that it is no import, and its `leading_lines`
    (it may add a blank line): a `pass` with those lines stands in for it, so a long def or class
    there is not walked either.
    Also says whether `module` held that statement after the imports (a head parsed alone must)."""
    codemod_ctx = imports_context(needed)
    body = module.body
    end = 1 if body and _is_docstring(body[0]) else 0
    while end < len(body) and _is_import_line(body[end]):
        end += 1
    if end == len(body):  # imports only
        return AddImportsVisitor(codemod_ctx).transform_module(module), False
    after = body[end]
    stand_in = cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=after.leading_lines)
    done = AddImportsVisitor(codemod_ctx).transform_module(module.with_changes(body=[*body[:end], stand_in]))
    last = done.body[-1]
    assert isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[0], cst.Pass)  # nothing goes after it
    after = after.with_changes(leading_lines=last.leading_lines)
    return done.with_changes(body=[*done.body[:-1], after, *body[end + 1 :]]), True


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


"""What every codemod shares: the file's plan, positions of the original tree, findings, and
the registry of rewrites.

Each concern is its own small transformer class naming the edit kinds it `handles` (declared by
its planner in `analysis/planners/`) and the LibCST node types it looks at; defining the class
registers it. `apply.py` runs them all, ordered by `order`, in one traversal of one parsed tree,
so positions always come from the original source the plan was made from.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from quartify.analysis.edits import Edit, FilePlan
from quartify.core.types import Finding, Span


@dataclass
class Context:
    plan: FilePlan
    path: str
    findings: list[Finding] = field(default_factory=list)
    needed_imports: set[tuple[str, str | None]] = field(default_factory=set)  # (module, name)
    awaits_added: int = 0
    functions_made_async: int = 0
    input_tree: ast.Module | None = None  # the input as `ast` parsed it for the pieces, if it was


def to_span(rng: object) -> Span:
    start = rng.start  # type: ignore[attr-defined]
    end = rng.end  # type: ignore[attr-defined]
    return Span(start.line, start.column, end.line, end.column)


def awaited(expression: cst.BaseExpression, around: cst.BaseExpression, parens: bool) -> cst.Await:
    """`await expression`, keeping the parentheses `around` had, and adding a pair when the
    result is then subscripted, called or read (`(await f()).x`, not `await f().x`)."""
    lpar, rpar = list(around.lpar), list(around.rpar)
    if parens and not lpar:
        lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
    return cst.Await(expression=expression, lpar=lpar, rpar=rpar)


@dataclass(frozen=True)
class TextForm:
    """An edit as plain text: `opening` goes before the first character of its span, `closing`
    after the last (the piecewise transform splices these without LibCST, `codemods/textual.py`)."""

    opening: str
    closing: str = ""


_REGISTRY: list[type[Concern]] = []


class Concern:
    """A rewrite: `leave(original, updated, span)` for the node types it names, applying the
    planned edits of the kinds it `handles`.

    `order` places it among the others on the same node: renames and keyword edits must see a
    call before `InsertAwait` wraps it, `MakeAsync` sees a def after its body was edited.
    """

    node_types: ClassVar[tuple[type[cst.CSTNode], ...]] = ()
    handles: ClassVar[tuple[type[Edit], ...]] = ()
    order: ClassVar[int] = 0
    # What a rewrite of a statement node may read beyond the node's own header, for the
    # piecewise transform (`codemods/pieces.py`): its body (False: a header piece, whose body is
    # a placeholder, may carry its edits), and the blank and comment lines above it. Conservative
    # by default; set per concern once its `leave` was read.
    reads_body: ClassVar[bool] = True
    reads_leading_lines: ClassVar[bool] = True
    # A rewrite of the `Module` node that reads and edits only the module's head (docstring,
    # `__future__` and other leading imports, and the statement after them): run on the head alone.
    head_only: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.handles:
            _REGISTRY.append(cls)

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        return updated

    def text_form(self, edit: Edit, source: str, start: int, end: int) -> TextForm | None:
        """The edit as text insertions giving exactly what `leave` gives, or None (the default:
        LibCST rewrites it). `source[start:end]` is the text of the edit's span; only its own
        rewrite may touch the piece holding it, so the form may read nothing but that text."""
        return None

    def took_text_form(self, edit: Edit) -> None:
        """The edit was applied as its `text_form`: count it as `leave` would have."""


def registered() -> tuple[type[Concern], ...]:
    """Every rewrite defined so far, in application order (load the codemods first)."""
    return tuple(sorted(_REGISTRY, key=lambda c: (c.order, c.__name__)))

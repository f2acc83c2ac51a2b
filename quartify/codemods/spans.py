"""LibCST positions of the statements that hold edits, without generating the whole module's code.

The rewrites find their edits by span, and a span is what LibCST's `PositionProvider` says;
but that provider generates the code of the whole module (and `MetadataWrapper` then walks it
again) only to count lines, which cost most of the transform stage on real repos. Code
generation of one top-level statement does not depend on the others, so `Spans` generates only
the top-level statements near an edit line, starting at the line `ast` gives for them, and
records exactly what `PositionProvider` would.

Anything it cannot vouch for falls back to the full provider: a module whose top-level
statements do not line up with `ast`'s, a statement whose generated start is not where `ast`
puts it, or a node outside the statements it generated (other than the module itself).
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

_NEWLINE = re.compile(r"\r\n?|\n")
# Statements whose range starts at their own first token (`def`, not its decorators), as the
# `lineno` of their first `ast` statement does.
_FROM_FIRST_TOKEN = (
    cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef, cst.If, cst.For, cst.While, cst.With, cst.Try,
    cst.TryStar, cst.Match,
)


_Point = tuple[int, int]
_Range = tuple[_Point, _Point]
_Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


class _PositionState(CodegenState):
    """`PositionProvidingCodegenState`'s bookkeeping, made cheap: no token list (nothing reads
    the text), plain tuples instead of `CodeRange`s, a slotted context manager instead of a
    generator per node. The rules are the same: `after_codegen` records a node's whitespace-
    inclusive range unless its syntactic range was recorded first, and a syntactic range may
    borrow its start or end from a child already generated."""

    def __init__(self, module: cst.Module, line: int) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = line
        self.column = 0
        self.starts: list[_Point] = []
        self.computed: dict[cst.CSTNode, _Range] = {}

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        if node not in self.computed:
            self.computed[node] = (start, (self.line, self.column))

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _Syntactic:
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(self, state: _PositionState, node: cst.CSTNode, start_node: cst.CSTNode | None,
                 end_node: cst.CSTNode | None) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start = (0, 0)

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, *exc: object) -> None:
        state = self.state
        start = state.computed[self.start_node][0] if self.start_node is not None else self.start
        end = state.computed[self.end_node][1] if self.end_node is not None else (state.line, state.column)
        state.computed[self.node] = (start, end)


class Spans:
    """`PositionProvider` ranges for the nodes of the top-level statements whose lines (widened
    to the gaps around them) hold an edit line; `get` is None for the other top-level
    statements, which the transform skips."""

    def __init__(self, module: cst.Module, source: str, edit_lines: Sequence[int]) -> None:
        self.module = module
        self.source = source
        self.ranges: dict[cst.CSTNode, _Range] = {}
        self.full = False
        module_range = _module_range(source)
        selected = _selected(module, source, edit_lines)
        if module_range is None or selected is None or not all(self._generate(s, line) for s, line in selected):
            self._generate_all()
        else:
            self.ranges[module] = module_range

    def get(self, node: cst.CSTNode) -> CodeRange | None:
        found = self.ranges.get(node)
        if found is None:
            if self.full or not isinstance(node, cst.Module):
                return None
            self._generate_all()
            found = self.ranges[node]
        (line, col), (end_line, end_col) = found
        return CodeRange(CodePosition(line, col), CodePosition(end_line, end_col))

    def _generate(self, stmt: _Statement, line: int) -> bool:
        """Generate `stmt` so that its syntactic start lands on `line` (where `ast` puts it)."""
        if not isinstance(stmt, _FROM_FIRST_TOKEN):
            return False
        state = _PositionState(self.module, line - _lines_before_start(stmt))
        stmt._codegen(state)
        (start_line, start_col), _end = state.computed[stmt]
        if start_col != 0:
            return False
        shift = line - start_line
        if shift:  # a decorator spread over lines: move everything by the difference
            state.computed = {node: _shifted(rng, shift) for node, rng in state.computed.items()}
        self.ranges.update(state.computed)
        return True

    def _generate_all(self) -> None:
        """LibCST's own provider over the whole module: the reference this class imitates."""
        ranges = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        self.ranges = {node: ((r.start.line, r.start.column), (r.end.line, r.end.column)) for node, r in ranges.items()}
        self.full = True


def _module_range(source: str) -> _Range | None:
    """The module's own range, as code generation would leave it (None: let it generate)."""
    if not source:
        return ((1, 0), (1, 0))
    if source.endswith("\r") and not source.endswith("\r\n"):
        return None  # LibCST keeps no final lone CR: not worth modelling
    lines = 1 + len(_NEWLINE.findall(source)) + (0 if source.endswith("\n") else 1)
    return ((1, 0), (lines, 0))


def _selected(module: cst.Module, source: str, edit_lines: Sequence[int]) -> list[tuple[_Statement, int]] | None:
    """The top-level statements to generate, each with its first line by `ast`; None when the
    two parsers do not agree on the statements."""
    tree = ast.parse(source)
    groups: list[tuple[_Statement, list[ast.stmt]]] = []
    at = 0
    for stmt in module.body:
        count = len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
        group = tree.body[at : at + count]
        if len(group) != count:
            return None
        groups.append((stmt, group))
        at += count
    if at != len(tree.body):
        return None
    if not edit_lines:
        return []
    firsts = [min([group[0].lineno, *(d.lineno for d in getattr(group[0], "decorator_list", ()))])
              for _, group in groups]
    out: list[tuple[_Statement, int]] = []
    previous_end = 0
    for k, (stmt, group) in enumerate(groups):
        low = previous_end + 1
        high = firsts[k + 1] if k + 1 < len(groups) else edit_lines[-1]
        previous_end = max(previous_end, group[-1].end_lineno or group[-1].lineno)
        if bisect.bisect_left(edit_lines, low) < bisect.bisect_right(edit_lines, high):
            out.append((stmt, group[0].lineno))
    return out


def _lines_before_start(stmt: _Statement) -> int:
    """Lines generated before the statement's own first token, when its decorators fit on one
    line each (else `_generate` shifts afterwards)."""
    lines = len(stmt.leading_lines)
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        lines += sum(len(d.leading_lines) + 1 for d in stmt.decorators) + len(stmt.lines_after_decorators)
    return lines


def _shifted(rng: _Range, lines: int) -> _Range:
    (line, col), (end_line, end_col) = rng
    return ((line + lines, col), (end_line + lines, end_col))

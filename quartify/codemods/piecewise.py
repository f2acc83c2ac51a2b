"""Transform a file piece by piece: LibCST parses and generates only the statements that hold
edits (`pieces.find_pieces`), and their new text replaces their lines.

Each piece is parsed at its original columns inside a wrapper that gives LibCST the module's
own settings: `if 1:` with a `pass` indented by the module's indent (LibCST's default indent is
its first indented block's), newlines as the module's first one, then, for an indented piece, a
second `if 1:` holding the piece's lines as they are (never dedented: a triple-quoted string
keeps every byte). Positions are generated for the piece's statements only, starting at their
line in the file, so every node reports the span LibCST's `PositionProvider` gives it in the
whole file; a header piece's statement reports its whole span though its body is a `pass`.

`Unsure` from here means: transform the whole file instead (`apply.apply_plan` does).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import CodePosition, CodeRange

from quartify.analysis.edits import Edit, FilePlan
from quartify.codemods.base import Concern, Context
from quartify.codemods.dispatch import Dispatcher
from quartify.codemods.pieces import Piece, Unsure, _groups, default_indent, default_newline, find_pieces, split_lines
from quartify.codemods.spans import _PositionState, _Range
from quartify.codemods.textual import line_starts, piece_as_text, text_concerns

Kinds = tuple[set[type[Edit]], set[type[Edit]], set[type[Edit]], set[type[Edit]]]
"""Edit kinds: a header piece may carry them; their rewrites read leading lines; rewritten on
the module's head; rewritten on the whole module."""

_STATEMENT_NODES = (cst.SimpleStatementLine, cst.BaseCompoundStatement, cst.Module)


class PieceSpans:
    """Original-file ranges of the nodes of one parsed piece (none for its wrapper)."""

    def __init__(self, ranges: dict[cst.CSTNode, _Range]) -> None:
        self.ranges = ranges

    def get(self, node: cst.CSTNode) -> CodeRange | None:
        found = self.ranges.get(node)
        if found is None:
            return None
        (line, col), (end_line, end_col) = found
        return CodeRange(CodePosition(line, col), CodePosition(end_line, end_col))


def body_safe_kinds(concerns: Sequence[type[Concern]]) -> set[type[Edit]]:
    """Edit kinds a header piece may carry: no rewrite of theirs reads a compound statement's body."""
    unsafe = {kind for c in concerns if c.reads_body and _sees(c, (cst.BaseCompoundStatement,)) for kind in c.handles}
    return {kind for c in concerns for kind in c.handles} - unsafe


def leading_lines_kinds(concerns: Sequence[type[Concern]]) -> set[type[Edit]]:
    """Edit kinds whose rewrites may read a statement's `leading_lines` (blank and comment lines above)."""
    return {kind for c in concerns if c.reads_leading_lines and _sees(c, _STATEMENT_NODES) for kind in c.handles}


def module_kinds(concerns: Sequence[type[Concern]]) -> tuple[set[type[Edit]], set[type[Edit]]]:
    """Edit kinds rewritten on the module node itself (no piece holds them): those whose
    rewrites all read the module's head only, and the others."""
    everything = {kind for c in concerns if _sees(c, (cst.Module,)) for kind in c.handles}
    whole = {kind for c in concerns if _sees(c, (cst.Module,)) and not c.head_only for kind in c.handles}
    return everything - whole, whole


def _sees(concern: type[Concern], bases: tuple[type[object], ...]) -> bool:
    return any(issubclass(t, bases) for t in concern.node_types)


def apply_pieces(source: str, plan: FilePlan, concerns: list[Concern], ctx: Context,
                 kinds: Kinds) -> tuple[str, str, str]:
    """The new text of `source`, as (head, rest, newline) cut after the top-level statement the
    needed imports go before (see `head_lines`), with `concerns` applied to the pieces."""
    body_safe, leading, head_kinds, module_level = kinds
    if any(type(e) in module_level for e in plan.edits):
        raise Unsure("an edit of the module node beyond its head")
    lines = split_lines(source)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        raise Unsure(str(exc)) from exc
    ctx.input_tree = tree
    pieces = find_pieces(tree, lines, [e for e in plan.edits if type(e) not in head_kinds], body_safe)
    for piece in pieces:
        if piece.uncertain and any(type(e) in leading for e in piece.edits):
            raise Unsure("a rewrite reads comments above a statement LibCST may place elsewhere")
    newline, indent = default_newline(source), default_indent(tree, lines)
    dispatcher = Dispatcher(concerns, plan.edit_lines(), PieceSpans({}))
    starts, by_kind = line_starts(lines), text_concerns(concerns)
    texts: list[str] = []
    for piece in pieces:
        text = piece_as_text(piece, source, starts, by_kind)
        texts.append(_transform(piece, lines, newline, indent, dispatcher) if text is None else text)
    head_end = head_lines(tree, lines)
    head = _splice(lines, pieces, texts, 1, head_end)
    rest = _splice(lines, pieces, texts, head_end + 1, len(lines))
    return head, rest, newline


def head_lines(tree: ast.Module, lines: Sequence[str]) -> int:
    """The last line of the module's head: its first statement line, the run of import lines
    after it, and one statement line more (what LibCST's `AddImportsVisitor` reads;
    `apply._add_imports` checks that it was enough)."""
    groups = _groups(tree.body)
    k = 1
    while k < len(groups) and len(groups[k]) == 1 and isinstance(groups[k][0], (ast.Import, ast.ImportFrom)):
        k += 1
    return (groups[k][-1].end_lineno or groups[k][-1].lineno) if k < len(groups) else len(lines)


def _splice(lines: Sequence[str], pieces: Sequence[Piece], texts: Sequence[str], lo: int, hi: int) -> str:
    """Lines `lo`..`hi` of the output: the original lines, each piece's replaced by its new text
    (a piece lies wholly inside or outside the range)."""
    out: list[str] = []
    at = lo
    for piece, text in zip(pieces, texts):
        if piece.start < lo or piece.start > hi:
            continue
        out.append("".join(lines[at - 1 : piece.start - 1]))
        out.append(text)
        at = piece.end + 1
    out.append("".join(lines[at - 1 : hi]))
    return "".join(out)


def _transform(piece: Piece, lines: Sequence[str], newline: str, indent: str, dispatcher: Dispatcher) -> str:
    # The module's indent matters only where a block is (or may be made): simple statements
    # skip that part of the wrapper, but at the top level still follow a `pass`, so that the
    # comments above them are theirs, not the module's header.
    # A rewrite that opens a block in a simple statement needs the module's indent as well.
    compound = piece.compound or any(type(edit).opens_block for edit in piece.edits)
    sets_indent = f"if 1:{newline}{indent}pass{newline}" if compound else ""
    prefix = sets_indent + (f"if 1:{newline}" if piece.indent else "" if compound else f"pass{newline}")
    suffix = f"{piece.body_indent}pass{newline}" if piece.header is not None else ""
    text = prefix + "".join(lines[piece.start - 1 : piece.end]) + suffix
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise Unsure(f"piece at line {piece.start} does not parse alone: {exc.message}") from exc
    if (compound and module.default_indent != indent) or module.default_newline != newline:
        raise Unsure("the piece's wrapper did not set the module's indent and newline")
    first = 1 if compound or not piece.indent else 0  # the first statement not set up by the wrapper
    transparent: frozenset[cst.CSTNode] = frozenset()
    if piece.indent:
        wrapper = module.body[first] if len(module.body) == first + 1 else None
        if not isinstance(wrapper, cst.If) or not isinstance(wrapper.body, cst.IndentedBlock):
            raise Unsure("an indented piece outside its wrapper")
        statements = list(wrapper.body.body)
        transparent = frozenset((wrapper,))
    else:
        statements = list(module.body[first:])
    dispatcher.spans = PieceSpans(_positions(piece, statements, module))
    dispatcher.transparent = transparent
    new = module.visit(dispatcher)
    if piece.indent:
        kept = new.body[first] if len(new.body) == first + 1 else None
        if not isinstance(kept, cst.If) or not isinstance(kept.body, cst.IndentedBlock) or not kept.body.body:
            raise Unsure("a rewrite removed every statement of an indented piece")
    code = new.code
    if text.endswith("\r") and not code.endswith(("\r", "\n")):
        code += "\r"  # LibCST drops a final lone CR
    if not code.startswith(prefix) or not code.endswith(suffix):
        raise Unsure("a rewrite changed the piece's wrapper")
    return code[len(prefix) : len(code) - len(suffix)]


def _positions(piece: Piece, statements: list[cst.BaseStatement], module: cst.Module) -> dict[cst.CSTNode, _Range]:
    """The ranges `PositionProvider` gives the piece's nodes in the whole file (`module`: the
    parsed piece, whose indent and newline are the file's)."""
    if not statements:
        raise Unsure("an empty piece")
    state = _PositionState(module, piece.start)
    if piece.indent:
        state.indent_tokens.append(piece.indent)
    for stmt in statements:
        stmt._codegen(state)
    ranges = state.computed
    first = statements[0]
    if ranges[first][0] != piece.at:
        raise Unsure(f"piece at line {piece.start}: LibCST starts it at {ranges[first][0]}, ast at {piece.at}")
    if piece.header is not None:
        if len(statements) != 1 or not isinstance(first, cst.BaseCompoundStatement):
            raise Unsure("a header piece is not one compound statement")
        block = first.body
        if not isinstance(block, cst.IndentedBlock) or len(block.body) != 1:
            raise Unsure("a header piece's body is not its placeholder")
        del ranges[block.body[0]]  # the placeholder is no statement of the file
        assert piece.span is not None
        span = piece.span
        ranges[first] = ((span.line, span.col), (span.end_line, span.end_col))
    return ranges

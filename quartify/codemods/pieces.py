"""Which lines of a file the transform must hand to LibCST: the statements that hold edits.

Parsing and generating a whole module with LibCST costs far more than the rewrites themselves,
and most lines of an edited file are not edited: a view becomes `async def` but only one line of
its body gets an `await`. A *piece* is a run of whole lines holding the smallest statement (at
any depth) around some edits:

- a simple statement (with the siblings sharing its lines through `;`) is a piece;
- a compound statement whose only own edits sit in its header (decorators to the colon), or are
  edits of the whole node by rewrites that never read the body (`MakeAsync` on a def), is a
  *header piece*: its header lines with a placeholder body, while the statements of its body
  holding edits become pieces of their own;
- anything else (an edit on an `else:`/`except` line, a rewrite that reads the body, a body on
  the header's line) makes the whole statement one piece.

A piece also takes the blank and comment lines above it (LibCST's `leading_lines`), except where
LibCST may give them to another node (the footer of the block before it, the header piece above
it): then the piece is *uncertain*, and a rewrite that reads `leading_lines` makes the caller
fall back to the whole file. `Unsure` says the same for anything else this module cannot vouch for.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.core.types import Span

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_FALLBACK_INDENT = "    "  # LibCST's, for a module with no indented block

_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
             ast.With, ast.AsyncWith, ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


class Unsure(Exception):
    """The pieces cannot be vouched for: transform the whole file."""


@dataclass(frozen=True)
class Piece:
    """Lines `start`..`end` (1-based, inclusive) of the original text, replaced as a whole.

    `header`: for a header piece, the compound statement whose body is left out (its body's
    first line is `end + 1`), with `span`, the statement's whole span in the file, and `body_indent`,
    the indentation of its body. `indent`: the indentation of the piece's statements.
    `at`: where LibCST must put its first statement (checked after parsing).
    `edits`: the edits it holds (a header piece: its own, not its body's)."""

    start: int
    end: int
    indent: str
    at: tuple[int, int]  # where its first statement's own first token sits (line, character column)
    edits: tuple[Edit, ...]
    uncertain: bool = False
    compound: bool = True  # False: simple statements only (no block inside, none made by a rewrite)
    header: ast.stmt | None = None
    span: Span | None = None
    body_indent: str = ""


def split_lines(text: str) -> list[str]:
    """The lines of `text` with their endings, split where LibCST and `ast` split them."""
    return _LINE.findall(text)


def default_newline(text: str) -> str:
    """What LibCST's parser takes as the module's newline: the first one in the text."""
    found = _NEWLINE.search(text)
    return found.group(0) if found else "\n"


def default_indent(tree: ast.Module, lines: Sequence[str]) -> str:
    """What LibCST's parser takes as the module's indent: that of the first indented block (its
    first INDENT token). Top-level statements sit at column 0, so the first block opened on a
    new line, in source order, gives it whole."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Match) and stmt.cases:  # `case` lines open the block
            return _indent_of(lines[stmt.cases[0].pattern.lineno - 1])
        for block in _blocks(stmt, lines):
            if block and _on_new_line(block[0], lines):
                return _indent_of(lines[_first_line(block[0]) - 1])
    return _FALLBACK_INDENT


def find_pieces(tree: ast.Module, lines: Sequence[str], edits: Sequence[Edit], body_safe: set[type[Edit]]) -> list[Piece]:
    """The pieces holding `edits`, in source order. `body_safe`: the edit kinds whose rewrites
    never read the body of a compound statement (a header piece may carry them)."""
    finder = _Finder(lines, body_safe)
    located = sorted(((e.span.line, e.span.end_line, e) for e in edits), key=lambda t: (t[0], t[1]))
    pieces, leftover = finder.block(tree.body, located, top=True)
    if leftover:
        raise Unsure("an edit outside every top-level statement")
    return pieces


_Located = tuple[int, int, Edit]


class _Finder:
    def __init__(self, lines: Sequence[str], body_safe: set[type[Edit]]) -> None:
        self.lines = lines
        self.body_safe = body_safe

    def block(self, stmts: Sequence[ast.stmt], edits: list[_Located], top: bool) -> tuple[list[Piece], list[_Located]]:
        """Pieces for the statements of one block (all on their own lines), and the edits that
        fall in none of its statements."""
        groups = _groups(stmts)
        firsts = [_first_line(g[0]) for g in groups]
        lasts = [_last_line(g[-1]) for g in groups]
        by_group: dict[int, list[_Located]] = {}
        leftover: list[_Located] = []
        for item in edits:
            k = bisect.bisect_right(firsts, item[0]) - 1
            if k >= 0 and item[1] <= lasts[k]:
                by_group.setdefault(k, []).append(item)
            else:
                leftover.append(item)
        indent = _indent_of(self.lines[firsts[0] - 1]) if groups else ""
        pieces: list[Piece] = []
        for k in sorted(by_group):
            prev_end = lasts[k - 1] if k else None
            pieces.extend(self.group(groups[k], by_group[k], indent, prev_end, top))
        return pieces, leftover

    def group(self, group: list[ast.stmt], edits: list[_Located], indent: str, prev_end: int | None,
              top: bool) -> list[Piece]:
        first, last = _first_line(group[0]), _last_line(group[-1])
        start, uncertain = self._gap(first, indent, prev_end, top)
        stmt = group[0]
        at = (stmt.lineno, _char_col(self.lines, stmt.lineno, stmt.col_offset))
        simple = not any(isinstance(s, (*_COMPOUND, ast.Match)) for s in group)
        whole = [Piece(start, last, indent, at, tuple(e for *_, e in edits), uncertain, not simple)]
        if len(group) != 1 or not isinstance(stmt, _COMPOUND):
            return whole
        own: list[_Located] = []
        inner: list[Piece] = []
        placed: set[int] = set()
        for block in _blocks(stmt, self.lines):
            if not block:
                continue
            lo, hi = _first_line(block[0]), _last_line(block[-1])
            mine = [e for e in edits if lo <= e[0] and e[1] <= hi]
            if not mine:
                continue
            if not _on_new_line(block[0], self.lines):
                return whole  # `if x: y = await f()`: the body shares the header's line
            placed.update(id(e) for e in mine)
            found, rest = self.block(block, mine, top=False)
            inner.extend(found)
            own.extend(rest)
        own.extend(e for e in edits if id(e) not in placed)
        if not own:
            return inner  # only its body is edited: the header stays as it is
        if not _on_new_line(stmt.body[0], self.lines):
            return whole  # `def f(): return g()`: no header without the body
        body_first = _first_line(stmt.body[0])
        span = _span(stmt, self.lines)
        for line, end_line, edit in own:
            header_edit = first <= line and end_line < body_first
            if not (header_edit or edit.span == span) or type(edit) not in self.body_safe:
                return whole
        header = Piece(start, body_first - 1, indent, at, tuple(e for *_, e in own), uncertain, compound=True,
                       header=stmt, span=span, body_indent=_indent_of(self.lines[body_first - 1]))
        return [header, *inner]

    def _gap(self, first: int, indent: str, prev_end: int | None, top: bool) -> tuple[int, bool]:
        """Where a piece starting with the statement on line `first` begins: with the blank and
        comment lines above it that LibCST gives it; and whether some may go elsewhere."""
        lines = self.lines
        if prev_end is None:
            if top:
                return first, False  # the module's header holds the comments above its first statement
            # The first statement of a block: the lines above it go to the header piece, if any.
            line = first - 1
            while line >= 1 and _blank_or_comment(lines[line - 1]):
                if lines[line - 1].strip():
                    return first, True
                line -= 1
            return first, False
        start, uncertain = prev_end + 1, False
        for line in range(prev_end + 1, first):
            text = lines[line - 1]
            if not _blank_or_comment(text):
                raise Unsure(f"line {line} between statements is neither blank nor a comment")
            if text.strip() and len(_indent_of(text)) > len(indent):
                # A comment deeper than the statement may end the block above (its footer).
                start, uncertain = line + 1, True
        return start, uncertain


def _span(stmt: ast.stmt, lines: Sequence[str]) -> Span:
    """The statement's span as LibCST's positions give it (character columns)."""
    end_line = stmt.end_lineno or stmt.lineno
    return Span(stmt.lineno, _char_col(lines, stmt.lineno, stmt.col_offset), end_line,
                _char_col(lines, end_line, stmt.end_col_offset or 0))


def _char_col(lines: Sequence[str], line: int, byte_col: int) -> int:
    text = lines[line - 1]
    if text.isascii():
        return byte_col
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def _blocks(stmt: ast.stmt, lines: Sequence[str]) -> list[list[ast.stmt]]:
    """The statement's blocks in source order; an `elif` chain is flattened into its `if`
    (the `elif` line is then a header of the outer statement, not a statement of its own)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith)):
        return [stmt.body]
    if isinstance(stmt, ast.If):
        orelse = stmt.orelse
        if len(orelse) == 1 and isinstance(orelse[0], ast.If) and _is_elif(orelse[0], lines):
            return [stmt.body, *_blocks(orelse[0], lines)]
        return [stmt.body, orelse]
    if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, _COMPOUND):  # try
        handlers: list[ast.ExceptHandler] = getattr(stmt, "handlers", [])
        return [stmt.body, *(h.body for h in handlers), getattr(stmt, "orelse", []), getattr(stmt, "finalbody", [])]
    return []


def _is_elif(stmt: ast.If, lines: Sequence[str]) -> bool:
    text = lines[stmt.lineno - 1]
    return text[len(_indent_of(text)):].startswith("elif")


def _groups(stmts: Sequence[ast.stmt]) -> list[list[ast.stmt]]:
    """Sibling statements grouped by shared lines (`a = 1; b = 2`): LibCST's statement lines."""
    groups: list[list[ast.stmt]] = []
    for stmt in stmts:
        if groups and _first_line(stmt) <= _last_line(groups[-1][-1]):
            groups[-1].append(stmt)
        else:
            groups.append([stmt])
    return groups


def _first_line(stmt: ast.stmt) -> int:
    decorators: list[ast.expr] | None = getattr(stmt, "decorator_list", None)
    if not decorators:  # most statements: called for every statement of every edited block
        return stmt.lineno
    return min(stmt.lineno, *(d.lineno for d in decorators))


def _last_line(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


def _on_new_line(stmt: ast.stmt, lines: Sequence[str]) -> bool:
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", [])
    if decorators:
        return True  # a decorator always starts its own line
    return not lines[stmt.lineno - 1][: stmt.col_offset].strip()


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")

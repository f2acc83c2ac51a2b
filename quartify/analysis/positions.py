"""Source positions for the index: `ast` gives UTF-8 byte columns, quartify's spans count characters.

A line holding non-ASCII text (a comment in French, an emoji in a string) would otherwise put
every later edit on that line in the wrong place.
"""

from __future__ import annotations

import ast
import re

from quartify.core.types import Span

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")


class Positions:
    """Spans and source text of `ast` nodes of one file."""

    def __init__(self, source: str) -> None:
        self.lines = _LINE_SPLIT.split(source)
        self.ascii = source.isascii()  # then every column is its byte offset (most files)

    def col(self, line: int, byte_col: int) -> int:
        if not self.ascii and 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        return byte_col

    def span(self, node: ast.AST) -> Span:
        if self.ascii:  # the common case first: a parsed node has every position attribute
            try:
                line = node.lineno  # type: ignore[attr-defined]
                return Span(line, node.col_offset, node.end_lineno or line, node.end_col_offset or 0)  # type: ignore[attr-defined]
            except AttributeError:
                pass
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        if self.ascii:
            return Span(line, getattr(node, "col_offset", 0), end_line, getattr(node, "end_col_offset", None) or 0)
        return Span(
            line,
            self.col(line, getattr(node, "col_offset", 0)),
            end_line,
            self.col(end_line, getattr(node, "end_col_offset", None) or 0),
        )

    def text(self, node: ast.AST) -> str:
        """The node's source when on one line, else its first line and " ..."."""
        sp = self.span(node)
        if sp.line == sp.end_line and 0 < sp.line <= len(self.lines):
            return self.lines[sp.line - 1][sp.col : sp.end_col]
        first = self.lines[sp.line - 1][sp.col :] if 0 < sp.line <= len(self.lines) else ""
        return first.strip() + " ..."

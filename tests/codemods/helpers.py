"""Codemod tests in django-upgrade's style: a snippet, hand-built edits, the exact output.

Spans are found with the stdlib `ast`, as the index finds them, so a test names the code it
edits (`at(src, "request.form")`) instead of counting columns.
"""

from __future__ import annotations

import ast

from quartify.analysis.edits import Edit, FilePlan
from quartify.codemods.apply import apply_plan
from quartify.core.types import Span


def _span(node: ast.AST) -> Span:
    return Span(node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]


def at(source: str, text: str, nth: int = 0) -> Span:
    """The span of the `nth` expression (in source order) whose text is exactly `text`."""
    found = sorted(
        {_span(n) for n in ast.walk(ast.parse(source))
         if isinstance(n, ast.expr) and ast.get_source_segment(source, n) == text}
    )
    assert len(found) > nth, f"{text!r} not found {nth + 1} time(s)"
    return found[nth]


def def_at(source: str, name: str) -> Span:
    """The span of the def (or class) called `name`, as the index records it."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return _span(node)
    raise AssertionError(f"no def {name!r}")


def stmt_at(source: str, line: int) -> Span:
    """The span of the statement starting on `line` (a `with`, an import, an expression)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt) and node.lineno == line:
            return _span(node)
    raise AssertionError(f"no statement on line {line}")


def apply(source: str, *edits: Edit) -> str:
    return apply_plan(source, FilePlan.build("module.py", edits, ())).source


def check_transformed(source: str, expected: str, *edits: Edit) -> None:
    assert apply(source, *edits) == expected


def check_noop(source: str, *edits: Edit) -> None:
    assert apply(source, *edits) == source

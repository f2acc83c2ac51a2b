"""The per-file stages that run in workers: index one file, transform and verify one file.

Each takes and returns plain data (paths, strings, frozen dataclasses) so it can run in a
process pool; a failure becomes a `FileResult` with a finding, never an exception that would
stop the other files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from quartify.analysis.index import IndexError_, index_source
from quartify.analysis.model import ModuleIndex
from quartify.analysis.plan import FilePlan
from quartify.codemods.apply import apply_plan
from quartify.core.nesting import TOO_DEEP, caused_by_depth, deep_enough
from quartify.core.source import SourceError, decode, read
from quartify.core.syntax_hints import newer_python_hint
from quartify.core.types import Finding, Severity


@dataclass(frozen=True)
class Indexed:
    path: Path
    display: str
    index: ModuleIndex | None
    text: str | None
    encoding: str
    error: Finding | None


def index_file(path: Path, display: str, module: str, is_package: bool, data: bytes | None = None) -> Indexed:
    try:
        src = decode(data) if data is not None else read(path)
        with deep_enough():
            idx = index_source(src.text, display, module, is_package)
    except SourceError as exc:
        return Indexed(path, display, None, None, "utf-8", _failure(display, str(exc), exc.line))
    except IndexError_ as exc:
        if caused_by_depth(exc):
            return Indexed(path, display, None, None, "utf-8", _failure(display, TOO_DEEP, 1))
        message = str(exc)
        if isinstance(exc.__cause__, SyntaxError):
            hint = newer_python_hint(exc.__cause__, src.text)
            message = f"{message}; {hint}" if hint else message
        return Indexed(path, display, None, None, "utf-8", _failure(display, message, exc.line, exc.col))
    except RecursionError:
        return Indexed(path, display, None, None, "utf-8", _failure(display, TOO_DEEP, 1))
    return Indexed(path, display, idx, src.text, src.encoding, None)


def _failure(display: str, message: str, line: int, col: int = 0) -> Finding:
    return Finding("QFY001", Severity.ERROR, f"cannot migrate {display}:{line}: {message}", display, line, col)


@dataclass(frozen=True)
class Transformed:
    display: str
    source: str | None  # None: failed
    findings: tuple[Finding, ...]
    awaits_added: int
    functions_made_async: int


def transform_file(text: str, plan: FilePlan) -> Transformed:
    try:
        with deep_enough():
            applied = apply_plan(text, plan)
    except RecursionError:
        return Transformed(plan.path, None, (_failure(plan.path, TOO_DEEP, 1),), 0, 0)
    except Exception as exc:  # a bug in one codemod must not stop the other files
        return Transformed(
            plan.path,
            None,
            (_failure(plan.path, f"internal error while transforming: {type(exc).__name__}: {exc}", 1),),
            0,
            0,
        )
    source = _keep_final_cr(text, applied.source)
    return Transformed(plan.path, source, applied.findings, applied.awaits_added, applied.functions_made_async)


def _keep_final_cr(before: str, after: str) -> str:
    """LibCST drops the final newline of a file whose line endings are a lone CR: put it back."""
    if before.endswith("\r") and not after.endswith(("\r", "\n")):
        return after + "\r"
    return after


def await_outside_async(text: str) -> int | None:
    """The line of the first `await` outside an `async def` (or in a lambda), if any."""
    tree = ast.parse(text)

    def walk(node: ast.AST, in_async: bool) -> int | None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.AsyncFunctionDef):
                inner = True
            elif isinstance(child, (ast.FunctionDef, ast.Lambda, ast.ClassDef)):
                inner = False
            else:
                inner = in_async
            if isinstance(child, (ast.Await, ast.AsyncWith, ast.AsyncFor)) and not in_async:
                return child.lineno
            found = walk(child, inner)
            if found is not None:
                return found
        return None

    return walk(tree, False)

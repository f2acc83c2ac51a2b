"""The per-file stages that run in workers: index one file, transform and verify one file.

Each takes and returns plain data (paths, strings, frozen dataclasses) so it can run in a
process pool; a failure becomes a `FileResult` with a finding, never an exception that would
stop the other files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from quartify.analysis.index import UnindexableSource, index_source
from quartify.analysis.model import ModuleIndex
from quartify.analysis.plan import FilePlan, RepoPlan, settling_edits
from quartify.core.free_names import newly_unbound
from quartify.core.import_check import added_imports
from quartify.core.nesting import TOO_DEEP, caused_by_depth, deep_enough
from quartify.core.source import SourceError, decode, read
from quartify.core.syntax_hints import newer_python_hint
from quartify.core.types import FileResult, Finding, Severity, Status


@dataclass(frozen=True)
class Indexed:
    """A file read and indexed: its text, encoding and index."""

    path: Path
    display: str
    index: ModuleIndex
    text: str
    encoding: str


@dataclass(frozen=True)
class IndexFailed:
    """A file that could not be read or indexed, and why (a QFY001 finding), or one left alone
    for its size (QFY006, status UNCHANGED)."""

    path: Path
    display: str
    error: Finding
    status: Status = Status.FAILED


def index_file(
    path: Path, display: str, module: str, is_package: bool, data: bytes | None = None, max_size: int = 0
) -> Indexed | IndexFailed:
    too_large = _too_large(path, display, data, max_size)
    if too_large is not None:
        return too_large
    try:
        src = decode(data) if data is not None else read(path)
        with deep_enough():
            idx = index_source(src.text, display, module, is_package)
    except SourceError as exc:
        return IndexFailed(path, display, _failure(display, str(exc), exc.line))
    except UnindexableSource as exc:
        if caused_by_depth(exc):
            return IndexFailed(path, display, _failure(display, TOO_DEEP, 1))
        message = str(exc)
        if isinstance(exc.__cause__, SyntaxError):
            hint = newer_python_hint(exc.__cause__, src.text)
            message = f"{message}; {hint}" if hint else message
        return IndexFailed(path, display, _failure(display, message, exc.line, exc.col))
    except RecursionError:
        return IndexFailed(path, display, _failure(display, TOO_DEEP, 1))
    return Indexed(path, display, idx, src.text, src.encoding)


def _too_large(path: Path, display: str, data: bytes | None, max_size: int) -> IndexFailed | None:
    if max_size <= 0:
        return None
    try:
        size = len(data) if data is not None else path.stat().st_size
    except OSError:
        return None  # reading it will say what is wrong
    if size <= max_size:
        return None
    message = (f"{display} is {size:,} bytes, over the {max_size:,}-byte limit: left unchanged "
               "(raise it with --max-file-size, 0 for no limit)")
    return IndexFailed(path, display, Finding("QFY006", Severity.WARNING, message, display, 1), Status.UNCHANGED)


def _failure(display: str, message: str, line: int, col: int = 0) -> Finding:
    return Finding("QFY001", Severity.ERROR, f"cannot migrate {display}:{line}: {message}", display, line, col)


@dataclass(frozen=True)
class Transformed:
    """A file's new text and what the rewrites noted while making it."""

    display: str
    source: str
    findings: tuple[Finding, ...]
    awaits_added: int
    functions_made_async: int
    input_imports: tuple[tuple[str, int], ...] | None = None  # `Applied.input_imports`


@dataclass(frozen=True)
class TransformFailed:
    """A rewrite raised: the file keeps its text, the finding says why."""

    display: str
    error: Finding


def transform_file(text: str, plan: FilePlan) -> Transformed | TransformFailed:
    # LibCST and the codemods load here, not at import: a run with nothing to rewrite (a
    # pre-commit check of migrated code) never pays for them.
    from quartify.codemods.apply import apply_plan

    try:
        with deep_enough():
            applied = apply_plan(text, plan)
    except RecursionError:
        return TransformFailed(plan.path, _failure(plan.path, TOO_DEEP, 1))
    except Exception as exc:  # a bug in one codemod must not stop the other files
        return TransformFailed(
            plan.path, _failure(plan.path, f"internal error while transforming: {type(exc).__name__}: {exc}", 1)
        )
    source = _keep_final_cr(text, applied.source)
    return Transformed(plan.path, source, applied.findings, applied.awaits_added, applied.functions_made_async,
                       applied.input_imports)


def _keep_final_cr(before: str, after: str) -> str:
    """LibCST drops the final newline of a file whose line endings are a lone CR: put it back."""
    if before.endswith("\r") and not after.endswith(("\r", "\n")):
        return after + "\r"
    return after


_OUTSIDE_ASYNC = ("outside async function", "outside function", "outside of an asynchronous function")


def await_outside_async(text: str, tree: ast.Module | None = None) -> int | None:
    """The line of the first `await` (or `async with`/`async for`/async comprehension) the compiler
    rejects for standing outside an `async def`, if any. Python's own scoping rules decide: a
    lambda's defaults and a def's decorators run in the enclosing scope, a lambda's body does not.
    Other compile errors (`return` with a value in an async generator) raise SyntaxError.
    `tree`: `text` already parsed."""
    tree = ast.parse(text) if tree is None else tree
    try:
        compile(tree, "<quartify output>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        if any(marker in (exc.msg or "") for marker in _OUTSIDE_ASYNC):
            return exc.lineno
        raise
    return None


def verify_file(repo: RepoPlan, item: Indexed, plan: FilePlan, done: Transformed | TransformFailed) -> FileResult:
    """Keep the new source only if it compiles (awaits only inside async defs, by Python's own
    scoping rules) and is a fixed point (planning the output again finds nothing left to do);
    otherwise keep the original."""
    if isinstance(done, TransformFailed):
        return FileResult(item.path, Status.FAILED, item.text, findings=(*plan.findings, done.error))
    findings = (*plan.findings, *done.findings)
    if done.source == item.text:
        return FileResult(item.path, Status.UNCHANGED, item.text, findings=findings)
    problem: str | None = None
    try:
        tree = ast.parse(done.source)  # once: compiled here, indexed below
        line = await_outside_async(done.source, tree)
        unbound = newly_unbound(item.text, done.source) if line is None else []
        if line is not None:
            problem = f"the output would have `await` outside `async def` at line {line}"
        elif unbound:
            problem = f"the output reads names nothing binds ({', '.join(unbound)}), which the input did not"
        else:
            index = index_source(done.source, item.display, item.index.module, item.index.is_package, tree)
            if settling_edits(repo, index):
                problem = "the output is not a fixed point (a second run would change it again)"
    except SyntaxError as exc:
        problem = f"the output does not compile: {exc.msg} (line {exc.lineno})"
    except (UnindexableSource, ValueError, RecursionError) as exc:
        problem = f"the output does not parse: {exc}"
    if problem is not None:
        failure = Finding("QFY002", Severity.ERROR, f"{problem}; the file was left unchanged", item.display, 1)
        return FileResult(item.path, Status.FAILED, item.text, findings=(*findings, failure))
    return FileResult(
        item.path,
        Status.CHANGED,
        item.text,
        done.source,
        findings,
        done.functions_made_async,
        done.awaits_added,
        item.encoding,
        tuple(added_imports(item.text, tree, None if done.input_imports is None else dict(done.input_imports)).items()),
    )


"""From the pipeline's results to LSP values: diagnostics, "would change" hints, text edits.

Positions here are in code points (Python's own string indexing); the server converts them to
the encoding the client negotiated. Nothing here decides what quartify would do: findings and new
sources come from the pipeline, the index only says which function a changed line belongs to.
"""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp

from quartify.analysis.model import FunctionInfo
from quartify.core.types import AsyncFunction, FileResult, Finding, Severity, Status

SOURCE = "quartify"
PENDING = "pending"  # the `code` of a "would change under quartify" hint (not a finding code)
# Findings about the run itself (unreadable, unverifiable, pinned): a comment cannot silence them.
UNSILENCEABLE = ("QFY001", "QFY002", "QFY003", "QFY004", "QFY005")

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
_IGNORE = re.compile(r"#\s*quartify:\s*ignore\[([A-Z0-9, ]+)\]")


@dataclass(frozen=True)
class Pending:
    """A function (or the module level, `function` None) whose text the migration would change."""

    function: FunctionInfo | None
    line: int  # 1-based: the def line, or the first changed line at module level
    becomes_async: bool


def line_range(lines: Sequence[str], line: int, col: int = 0) -> lsp.Range:
    """From `col` to the end of 1-based `line` (clamped to the document)."""
    index = min(max(line - 1, 0), max(len(lines) - 1, 0))
    text = lines[index].rstrip("\r\n") if lines else ""
    start = min(col, len(text))
    if start == len(text):
        start = len(text) - len(text.lstrip())  # a column past the text: the line's first character
    return lsp.Range(lsp.Position(index, start), lsp.Position(index, len(text)))


def finding_diagnostic(lines: Sequence[str], finding: Finding, root: Path) -> lsp.Diagnostic:
    related = [
        lsp.DiagnosticRelatedInformation(
            lsp.Location((root / step.path).as_uri(), line_range_at(step.line)), step.what)
        for step in finding.chain
    ]
    message = finding.message + (f" (fix: {finding.fix})" if finding.fix else "")
    return lsp.Diagnostic(
        range=line_range(lines, finding.line, finding.col),
        message=message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        source=SOURCE,
        related_information=related or None,
    )


def line_range_at(line: int) -> lsp.Range:
    """The start of a 1-based line in a file the server does not hold (a chain step elsewhere)."""
    return lsp.Range(lsp.Position(max(line - 1, 0), 0), lsp.Position(max(line - 1, 0), 0))


def pending(result: FileResult, functions: Sequence[FunctionInfo], made_async: Iterable[AsyncFunction]) -> list[Pending]:
    """One entry per function holding a line the migration changes (innermost function wins)."""
    if result.status is not Status.CHANGED or result.new_source is None:
        return []
    async_lines = {a.line for a in made_async}
    found: dict[str | None, Pending] = {}
    for line in changed_lines(result.old_source, result.new_source):
        owner = innermost(functions, line)
        key = owner.qualname if owner is not None else None
        if key in found:
            continue
        if owner is None:
            found[key] = Pending(None, line, False)
        else:
            found[key] = Pending(owner, owner.span.line, owner.span.line in async_lines and not owner.is_async)
    return sorted(found.values(), key=lambda p: p.line)


def pending_diagnostic(lines: Sequence[str], item: Pending) -> lsp.Diagnostic:
    if item.function is None:
        what = "quartify would change this module-level code"
        span = line_range(lines, item.line)
    else:
        func = item.function
        name = f"{func.class_qualname.rsplit('.', 1)[-1]}.{func.name}" if func.class_qualname else func.name
        what = f"quartify would change `{name}`" + (": it becomes async def" if item.becomes_async else "")
        span = line_range(lines, item.line, item.function.span.col)
    return lsp.Diagnostic(range=span, message=what, severity=lsp.DiagnosticSeverity.Information,
                          code=PENDING, source=SOURCE)


def innermost(functions: Sequence[FunctionInfo], line: int) -> FunctionInfo | None:
    best: FunctionInfo | None = None
    for func in functions:
        if func.span.line <= line <= func.span.end_line and (best is None or func.span.line >= best.span.line):
            best = func
    return best


def changed_lines(old: str, new: str) -> list[int]:
    """The 1-based lines of `old` that the new text replaces or deletes (an insertion counts
    for the line it lands before)."""
    a, b = old.splitlines(), new.splitlines()
    out: list[int] = []
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        out.extend(range(i1 + 1, i2 + 1) if i2 > i1 else [min(i1 + 1, max(len(a), 1))])
    return out


def text_edits(old: str, new: str) -> list[lsp.TextEdit]:
    """Whole-line edits turning `old` into `new` (positions in code points)."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        end = lsp.Position(i2, 0)
        if i2 == len(a) and a and not a[-1].endswith(("\n", "\r")):
            end = lsp.Position(len(a) - 1, len(a[-1]))  # the last line has no newline to stand after
        edits.append(lsp.TextEdit(lsp.Range(lsp.Position(i1, 0), end), "".join(b[j1:j2])))
    return edits


def ignore_edit(text: str, line: int, code: str) -> lsp.TextEdit | None:
    """`# quartify: ignore[CODE]` at the end of 1-based `line` (merged into one already there);
    None when the line ends inside a string, where a comment would change the program."""
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines) or _ends_in_string(text, line):
        return None
    body = lines[line - 1].rstrip("\r\n")
    match = _IGNORE.search(body)
    if match:
        codes = [c.strip() for c in match.group(1).split(",") if c.strip()]
        if code in codes:
            return None
        start, end = match.span(1)
        return lsp.TextEdit(lsp.Range(lsp.Position(line - 1, start), lsp.Position(line - 1, end)),
                            ", ".join([*codes, code]))
    return lsp.TextEdit(lsp.Range(lsp.Position(line - 1, len(body)), lsp.Position(line - 1, len(body))),
                        f"  # quartify: ignore[{code}]")


def _ends_in_string(text: str, line: int) -> bool:
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.start[0] <= line < tok.end[0] and tok.type in (tokenize.STRING, _FSTRING_MIDDLE):
                return True
            if tok.start[0] > line:
                return False
    except (tokenize.TokenError, SyntaxError):
        return True
    return False


_FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", -1)

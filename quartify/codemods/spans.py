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
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import CodePosition, CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState

_NEWLINE = re.compile(r"\r\n?|\n")
# Statements whose range starts at their own first token (`def`, not its decorators), as the
# `lineno` of their first `ast` statement does.
_FROM_FIRST_TOKEN = (
    cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef, cst.If, cst.For, cst.While, cst.With, cst.Try,
    cst.TryStar, cst.Match,
)


@dataclass
class _Recorder:
    """What `PositionProvidingCodegenState` writes into (it expects a provider's `_computed`)."""

    _computed: dict[cst.CSTNode, CodeRange] = field(default_factory=dict)


class Spans:
    """`PositionProvider` ranges for the nodes of the top-level statements whose lines (widened
    to the gaps around them) hold an edit line; `get` is None for the other top-level
    statements, which the transform skips."""

    def __init__(self, module: cst.Module, source: str, edit_lines: Sequence[int]) -> None:
        self.module = module
        self.source = source
        self.ranges: dict[cst.CSTNode, CodeRange] = {}
        self.full = False
        module_range = _module_range(source)
        selected = _selected(module, source, edit_lines)
        if module_range is None or selected is None or not all(self._generate(s, line) for s, line in selected):
            self._generate_all()
        else:
            self.ranges[module] = module_range

    def get(self, node: cst.CSTNode) -> CodeRange | None:
        found = self.ranges.get(node)
        if found is None and not self.full and isinstance(node, cst.Module):
            self._generate_all()
            found = self.ranges.get(node)
        return found

    def _state(self, recorder: _Recorder) -> PositionProvidingCodegenState:
        return PositionProvidingCodegenState(
            default_indent=self.module.default_indent, default_newline=self.module.default_newline,
            provider=recorder,  # type: ignore[arg-type]  # only its `_computed` is used
        )

    def _generate(self, stmt: cst.BaseStatement, line: int) -> bool:
        """Generate `stmt` so that its syntactic start lands on `line` (where `ast` puts it)."""
        if not isinstance(stmt, _FROM_FIRST_TOKEN):
            return False
        recorder = _Recorder()
        state = self._state(recorder)
        state.line = line - _lines_before_start(stmt)
        stmt._codegen(state)
        start = recorder._computed[stmt].start
        if start.column != 0:
            return False
        shift = line - start.line
        if shift:  # a decorator spread over lines: move everything by the difference
            recorder._computed = {node: _shifted(rng, shift) for node, rng in recorder._computed.items()}
        self.ranges.update(recorder._computed)
        return True

    def _generate_all(self) -> None:
        recorder = _Recorder()
        self.module._codegen(self._state(recorder))
        self.ranges = recorder._computed
        self.full = True


def _module_range(source: str) -> CodeRange | None:
    """The module's own range, as code generation would leave it (None: let it generate)."""
    if not source:
        return CodeRange(CodePosition(1, 0), CodePosition(1, 0))
    if source.endswith("\r") and not source.endswith("\r\n"):
        return None  # LibCST keeps no final lone CR: not worth modelling
    lines = 1 + len(_NEWLINE.findall(source)) + (0 if source.endswith("\n") else 1)
    return CodeRange(CodePosition(1, 0), CodePosition(lines, 0))


def _selected(module: cst.Module, source: str, edit_lines: Sequence[int]) -> list[tuple[cst.BaseStatement, int]] | None:
    """The top-level statements to generate, each with its first line by `ast`; None when the
    two parsers do not agree on the statements."""
    tree = ast.parse(source)
    groups: list[tuple[cst.BaseStatement, list[ast.stmt]]] = []
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
    out: list[tuple[cst.BaseStatement, int]] = []
    previous_end = 0
    for k, (stmt, group) in enumerate(groups):
        low = previous_end + 1
        high = firsts[k + 1] if k + 1 < len(groups) else edit_lines[-1]
        previous_end = max(previous_end, group[-1].end_lineno or group[-1].lineno)
        if bisect.bisect_left(edit_lines, low) < bisect.bisect_right(edit_lines, high):
            out.append((stmt, group[0].lineno))
    return out


def _lines_before_start(stmt: cst.BaseStatement) -> int:
    """Lines generated before the statement's own first token, when its decorators fit on one
    line each (else `_generate` shifts afterwards)."""
    lines = len(stmt.leading_lines)
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        lines += sum(len(d.leading_lines) + 1 for d in stmt.decorators) + len(stmt.lines_after_decorators)
    return lines


def _shifted(rng: CodeRange, lines: int) -> CodeRange:
    return CodeRange(CodePosition(rng.start.line + lines, rng.start.column),
                     CodePosition(rng.end.line + lines, rng.end.column))

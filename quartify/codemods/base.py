"""What every codemod shares: the file's plan, positions of the original tree, findings.

Each concern is its own small transformer class; `apply.py` runs them all in one traversal of
one parsed tree, so positions always come from the original source the plan was made from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from quartify.analysis.plan import FilePlan
from quartify.core.types import Finding, Span


@dataclass
class Context:
    plan: FilePlan
    path: str
    findings: list[Finding] = field(default_factory=list)
    needed_imports: set[tuple[str, str | None]] = field(default_factory=set)  # (module, name)
    awaits_added: int = 0
    functions_made_async: int = 0


def to_span(rng: object) -> Span:
    start = rng.start  # type: ignore[attr-defined]
    end = rng.end  # type: ignore[attr-defined]
    return Span(start.line, start.column, end.line, end.column)


class Concern:
    """A per-concern hook: `leave(original, updated, span)` for the node types it names."""

    node_types: tuple[type[cst.CSTNode], ...] = ()

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        return updated

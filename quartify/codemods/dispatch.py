"""The traversal that runs every concern on the nodes it names, for a whole module or a piece.

Only statements holding a planned edit line are visited (LibCST rebuilds every node it visits;
most statements need nothing); positions come from a span source (`spans.Spans` for a whole
module, `piecewise.PieceSpans` for a piece) that knows where each node sat in the original file.
"""

from __future__ import annotations

import bisect
from typing import Protocol

import libcst as cst
from libcst.metadata import CodeRange

from quartify.codemods.base import Concern, to_span


_STATEMENTS = frozenset({cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef, cst.If, cst.For, cst.While, cst.With,
                         cst.Try, cst.TryStar, cst.Match})


class SpanSource(Protocol):
    def get(self, node: cst.CSTNode) -> CodeRange | None: ...


class Dispatcher(cst.CSTTransformer):
    """Runs each concern on the node types it names, and skips whole statements that hold
    no planned edit. `transparent`: statements that only wrap what is transformed (a piece's
    wrapper): visited, never pruned, never shown to a concern."""

    def __init__(self, concerns: list[Concern], edit_lines: list[int], spans: SpanSource,
                 transparent: frozenset[cst.CSTNode] = frozenset()) -> None:
        super().__init__()
        self.spans = spans
        self.transparent = transparent
        self.by_type: dict[type[cst.CSTNode], list[Concern]] = {}
        for concern in concerns:
            for node_type in concern.node_types:
                self.by_type.setdefault(node_type, []).append(concern)
        self.edit_lines = edit_lines

    def on_visit(self, node: cst.CSTNode) -> bool:
        # `type(...) in` a set: LibCST's node classes are ABCs, and `isinstance` against them
        # was a tenth of the traversal.
        if type(node) in _STATEMENTS and node not in self.transparent:
            rng = self.spans.get(node)
            if rng is None:  # a statement far from every edit
                return False
            start = rng.start.line
            # A def's or class's range starts at `def`/`class`: its decorators sit above it, and an
            # edit there (`@click.group(cls=FlaskGroup)`) must still be reached.
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node.decorators:
                first = self.spans.get(node.decorators[0])
                assert first is not None  # generated with its statement
                start = first.start.line
            i = bisect.bisect_left(self.edit_lines, start)
            if i == len(self.edit_lines) or self.edit_lines[i] > rng.end.line:
                return False
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        # (`CSTTransformer.on_leave` calls a `leave_<Node>` method: this class defines none.)
        concerns = self.by_type.get(type(updated_node))  # none for a sentinel (a removed node)
        if not concerns:
            return updated_node
        rng = self.spans.get(original_node)
        if rng is None:  # a skipped statement, or a piece's wrapper: it holds no edit
            return updated_node
        span = to_span(rng)
        node = updated_node
        for concern in concerns:
            # Registered by exact type, so every concern here takes this node; one may
            # return another type, which the next ones must not be given.
            if type(node) is not type(updated_node) and not isinstance(node, concern.node_types):
                continue
            node = concern.leave(original_node, node, span)
        return node

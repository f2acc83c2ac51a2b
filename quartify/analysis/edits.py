"""The edit model: a file's plan is one tuple of typed edits, and everything else derives from it.

An edit kind is a frozen dataclass deriving from `Edit`, declared once, in the planner module
that detects it (`analysis/planners/<concern>.py`); its fields beyond `span` are the payload the
rewrite needs. The rewrite that applies it (`codemods/<concern>.py`) names the kind in its
`handles`. Nothing else lists kinds: `has_edits`, the lines the transform must visit and the
second-run (fixed point) check are all computed here, so a new kind cannot be forgotten in one
of them, and `tests/codemods/test_registry.py` fails when a declared kind has no rewrite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from quartify.core.types import Finding, Span

E = TypeVar("E", bound="Edit")

_KINDS: dict[str, type[Edit]] = {}


@dataclass(frozen=True)
class Edit:
    """One planned change at one source span (positions from the original text)."""

    span: Span

    # True when planning the *output* again must not find this kind at all: a settled edit
    # (`def` -> `async def`, an inserted `await`) that re-appears means the output is not a
    # fixed point. Kinds whose planner also matches already-rewritten code, with a rewrite that
    # is then a no-op (keyword renames, test-client calls), leave it False.
    settles: ClassVar[bool] = False
    # True when the rewrite turns a simple statement into a compound one (a new indented block):
    # the piecewise transform then parses the piece with the module's indent set.
    opens_block: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        _KINDS[cls.__name__] = cls

    def lines(self) -> tuple[int, int]:
        """The lines the transform must visit to reach this edit's node."""
        return (self.span.line, self.span.end_line)

    def sort_key(self) -> tuple[Span, str, str]:
        return (self.span, type(self).__name__, repr(self))


def _in_sort_key_order(edits: Iterable[Edit]) -> tuple[Edit, ...]:
    """`sorted(edits, key=Edit.sort_key)`, without its cost on a large plan: sorted by plain int
    tuples and the kind's name (no `Span` comparisons), the `repr` of an edit computed only where
    two share span and kind."""
    def cheap(edit: Edit) -> tuple[int, int, int, int, str]:
        span = edit.span
        return (span.line, span.col, span.end_line, span.end_col, type(edit).__name__)

    ordered = sorted(edits, key=cheap)
    keys = [cheap(edit) for edit in ordered]
    out: list[Edit] = []
    i = 0
    while i < len(ordered):
        j = i + 1
        while j < len(ordered) and keys[j] == keys[i]:
            j += 1
        out.extend(ordered[i:j] if j == i + 1 else sorted(ordered[i:j], key=repr))
        i = j
    return tuple(out)


def declared_kinds() -> dict[str, type[Edit]]:
    """Every edit kind defined so far (load the planners first: `planners.load_all()`)."""
    return dict(_KINDS)


@dataclass(frozen=True)
class FilePlan:
    """What quartify will do to one file: the edits, and what it could not do (findings)."""

    path: str
    edits: tuple[Edit, ...] = ()
    findings: tuple[Finding, ...] = field(default=())

    @classmethod
    def build(cls, path: str, edits: Iterable[Edit], findings: Iterable[Finding]) -> FilePlan:
        """Deduplicated, deterministically ordered edits and sorted findings."""
        return cls(path, _in_sort_key_order(set(edits)), tuple(sorted(findings, key=Finding.sort_key)))

    @property
    def has_edits(self) -> bool:
        return bool(self.edits)

    def of(self, kind: type[E]) -> tuple[E, ...]:
        """The edits of one kind, in span order."""
        return tuple(e for e in self.edits if type(e) is kind)

    def sites(self, kind: type[E]) -> dict[Span, E]:
        """The edits of one kind by span (a rewrite's lookup table)."""
        return {e.span: e for e in self.edits if type(e) is kind}

    def edit_lines(self) -> list[int]:
        """Every line an edit touches, sorted: statements holding none are not visited."""
        lines: set[int] = set()
        for edit in self.edits:
            lines.update(edit.lines())
        return sorted(lines)

    def unsettled(self) -> tuple[Edit, ...]:
        """Edits of settling kinds: non-empty on a re-plan of the output means no fixed point."""
        return tuple(e for e in self.edits if e.settles)

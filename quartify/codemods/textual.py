"""Pieces whose every edit has a plain-text form are spliced as text, with no LibCST at all.

The commonest edits of a migration are `async ` before a `def` and `await ` before a call. As a
LibCST piece each costs a parse, a traversal and a code generation (milliseconds) for what is a
string insertion; a 1 MB module holds tens of thousands of them. A concern that can say exactly
what its rewrite writes, as text around the edit's span, declares it (`Concern.text_form`); a piece
goes this way only when every edit in it has such a form, else LibCST transforms it as before.

Spans are LibCST positions in the original text (lines 1-based, columns in characters of the
line). Nested edits opening at one offset open outer first (the longer span), and close inner first.
"""

from __future__ import annotations

from collections.abc import Sequence

from quartify.analysis.edits import Edit
from quartify.codemods.base import Concern
from quartify.codemods.pieces import Piece


def line_starts(lines: Sequence[str]) -> list[int]:
    """The offset of each line's first character, then the length of the text."""
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def text_concerns(concerns: Sequence[Concern]) -> dict[type[Edit], Concern]:
    """The one concern handling each edit kind (a kind two concerns handle has none here)."""
    handlers: dict[type[Edit], list[Concern]] = {}
    for concern in concerns:
        for kind in concern.handles:
            handlers.setdefault(kind, []).append(concern)
    return {kind: found[0] for kind, found in handlers.items() if len(found) == 1}


def piece_as_text(piece: Piece, source: str, starts: Sequence[int], by_kind: dict[type[Edit], Concern]) -> str | None:
    """The piece's new text (lines `piece.start`..`piece.end`) with its edits inserted as text,
    or None when some edit has no text form (LibCST must transform the piece)."""
    base, stop = starts[piece.start - 1], starts[piece.end]
    # (offset, 0 for a closing / 1 for an opening, span length for ordering, text)
    inserts: list[tuple[int, int, int, str]] = []
    taken: list[tuple[Concern, Edit]] = []
    for edit in piece.edits:
        concern = by_kind.get(type(edit))
        span = edit.span
        if concern is None or span.end_line > len(starts) - 1:
            return None
        start, end = starts[span.line - 1] + span.col, starts[span.end_line - 1] + span.end_col
        form = concern.text_form(edit, source, start, end)
        if form is None or not base <= start < stop or (form.closing and not base < end <= stop):
            return None
        inserts.append((start, 1, start - end, form.opening))  # the longer span opens first
        if form.closing:
            inserts.append((end, 0, end - start, form.closing))  # the shorter span closes first
        taken.append((concern, edit))
    inserts.sort()
    out: list[str] = []
    at = base
    for offset, _kind, _length, text in inserts:
        out.append(source[at:offset])
        out.append(text)
        at = offset
    out.append(source[at:stop])
    for concern, edit in taken:
        concern.took_text_form(edit)
    return "".join(out)

"""The LSP's text plumbing: whole-line edits that reproduce the pipeline's output exactly, and the
ignore comment placed only where a comment cannot change the program."""

from __future__ import annotations

import pytest

from quartify.lsp.convert import changed_lines, ignore_edit, text_edits
from tests.lsp.editing import apply

PAIRS = [
    ("def f():\n    return 1\n", "async def f():\n    return 1\n"),
    ("a\nb\nc", "a\nB\nc"),  # no final newline
    ("a\nb\n", "a\nb\nc\n"),  # appended line
    ("x = 1\n", ""),
    ("", "import asyncio\n"),
    ("a\r\nb\r\n", "a\r\nc\r\nb\r\n"),
]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_text_edits_turn_the_old_text_into_the_new(old: str, new: str) -> None:
    assert apply(old, text_edits(old, new)) == new


def test_changed_lines_name_replaced_lines_and_where_an_insertion_lands() -> None:
    assert changed_lines("a\nb\nc\n", "a\nB\nc\n") == [2]
    assert changed_lines("a\nc\n", "a\nb\nc\n") == [2]


def test_ignore_comment_is_appended_or_merged() -> None:
    src = "x = slow()\ny = slow()  # quartify: ignore[QFY251]\n"
    assert apply(src, [e for e in [ignore_edit(src, 1, "QFY210")] if e]) == (
        "x = slow()  # quartify: ignore[QFY210]\ny = slow()  # quartify: ignore[QFY251]\n")
    assert apply(src, [e for e in [ignore_edit(src, 2, "QFY210")] if e]) == (
        "x = slow()\ny = slow()  # quartify: ignore[QFY251, QFY210]\n")
    assert ignore_edit(src, 2, "QFY251") is None  # already silenced


def test_no_ignore_comment_inside_a_multiline_string() -> None:
    src = 'doc = """first\nsecond"""\n'
    assert ignore_edit(src, 1, "QFY210") is None
    assert ignore_edit(src, 2, "QFY210") is not None

"""A small Python syntax highlighter for the HTML report, on the stdlib tokenizer.

`highlight(source)` returns one HTML string per line of `source` (the lines
`str.splitlines()` gives), every character escaped, tokens wrapped in
`<span class="t-…">`. When the source does not tokenize (or its lines would not line up)
it returns the lines escaped and uncoloured: a report never fails over colour.
"""

from __future__ import annotations

import builtins
import io
import keyword
import token
import tokenize
from html import escape

_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_STRINGS = frozenset(
    getattr(token, name) for name in ("STRING", "FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if hasattr(token, name)
)
# Line breaks str.splitlines() honours but the tokenizer does not: with any of them the
# tokenizer's rows and the report's lines would disagree.
_ODD_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")

CSS_CLASSES = {
    "k": "keyword",
    "a": "async/await",
    "s": "string",
    "c": "comment",
    "n": "number",
    "b": "builtin",
    "f": "defined name",
    "d": "decorator",
}


def plain(source: str) -> list[str]:
    return [escape(line, quote=False) for line in source.splitlines()]


def highlight(source: str, python: bool = True) -> list[str]:
    if not python or any(ch in source for ch in _ODD_BREAKS) or "\r" in source.replace("\r\n", ""):
        return plain(source)
    rows = io.StringIO(source, newline="").readlines()  # split on \n only (keeping \r\n's \r)
    texts = [r.removesuffix("\n").removesuffix("\r") for r in rows]
    if len(texts) != len(source.splitlines()):
        return plain(source)
    spans: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    try:
        _classify(source, texts, spans)
    except (tokenize.TokenError, SyntaxError, ValueError, IndexError):
        return plain(source)
    return [_render(text, line_spans) for text, line_spans in zip(texts, spans)]


def _classify(source: str, texts: list[str], spans: list[list[tuple[int, int, str]]]) -> None:
    previous: tokenize.TokenInfo | None = None
    decorator = False
    for tok in tokenize.generate_tokens(io.StringIO(source, newline="").readline):
        kind = tok.type
        cls = ""
        if kind == tokenize.COMMENT:
            cls = "c"
        elif kind in _STRINGS:
            cls = "s"
        elif kind == tokenize.NUMBER:
            cls = "n"
        elif kind == tokenize.NAME:
            if decorator:
                cls = "d"
            elif tok.string in ("async", "await"):
                cls = "a"
            elif keyword.iskeyword(tok.string):
                cls = "k"
            elif previous is not None and previous.type == tokenize.NAME and previous.string in ("def", "class"):
                cls = "f"
            elif tok.string in _BUILTINS:
                cls = "b"
        elif kind == tokenize.OP and tok.string == "@" and (previous is None or previous.type in _LINE_STARTS):
            cls = "d"
            decorator = True
        if kind in (tokenize.NEWLINE, tokenize.NL) or (kind == tokenize.OP and tok.string == "("):
            decorator = False
        if kind not in (tokenize.NL, tokenize.COMMENT):
            previous = tok
        if cls:
            _mark(tok, cls, texts, spans)


_LINE_STARTS = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT})


def _mark(tok: tokenize.TokenInfo, cls: str, texts: list[str], spans: list[list[tuple[int, int, str]]]) -> None:
    (start_row, start_col), (end_row, end_col) = tok.start, tok.end
    for row in range(start_row, end_row + 1):
        index = row - 1
        if not 0 <= index < len(texts):
            continue
        begin = start_col if row == start_row else 0
        end = end_col if row == end_row else len(texts[index])
        end = min(end, len(texts[index]))
        if begin < end:
            spans[index].append((begin, end, cls))


def _render(text: str, line_spans: list[tuple[int, int, str]]) -> str:
    out = []
    cursor = 0
    for begin, end, cls in sorted(line_spans):
        begin = max(begin, cursor)
        if begin >= end:
            continue
        out.append(escape(text[cursor:begin], quote=False))
        out.append(f'<span class="t-{cls}">{escape(text[begin:end], quote=False)}</span>')
        cursor = end
    out.append(escape(text[cursor:], quote=False))
    return "".join(out)

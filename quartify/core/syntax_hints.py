"""Say why valid code fails to parse: it needs a newer Python than the one running quartify.

quartify parses with the interpreter it runs on. Python 3.12 (PEP 701) allows f-strings that
reuse their own quote inside a replacement field (`f"{x["k"]}"`), backslashes and comments in
it, and deeper nesting; older parsers reject them with an `f-string` syntax error. Only when
that is the case is the hint given: a broken f-string gets the plain syntax error.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize

NEEDS_312 = "this file needs Python >= 3.12; run quartify with that interpreter"

# Errors of the pre-3.12 f-string parser for what PEP 701 made valid.
_PEP701_MESSAGES = (
    "f-string expression part cannot include a backslash",
    "f-string expression part cannot include '#'",
    "f-string: expressions nested too deeply",
)
_PREFIX = re.compile(r"^[rRbBuUfF]*")


def newer_python_hint(error: SyntaxError, source: str) -> str | None:
    """`NEEDS_312` when `error` is the running (< 3.12) parser refusing a 3.12 f-string."""
    if sys.version_info >= (3, 12) or not (error.msg or "").startswith("f-string"):
        return None
    if error.msg in _PEP701_MESSAGES or _quote_reused(source, error.lineno or 0):
        return NEEDS_312
    return None


def _quote_reused(source: str, line: int) -> bool:
    """An f-string on `line` cut short inside a replacement field by its own quote, the rest of
    the field following as another string (`f"{x["` `k` `"]}"`): not a field left open."""
    cut = False
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                cut = False
            if token.type != tokenize.STRING:
                continue
            if cut and "}" in token.string:
                return True
            prefix = _PREFIX.match(token.string)
            assert prefix is not None
            if token.start[0] <= line <= token.end[0] and "f" in prefix.group().lower():
                cut = cut or _open_fields(token.string[prefix.end():]) > 0
    except (tokenize.TokenError, SyntaxError):
        return False
    return False


def _open_fields(quoted: str) -> int:
    """Replacement fields opened and not closed in a string literal's text (quotes included);
    `{{` and `}}` outside a field are escaped braces, inside one they nest (`{x:{w}}`)."""
    depth = 0
    i = 0
    while i < len(quoted):
        if depth == 0 and quoted.startswith(("{{", "}}"), i):
            i += 2
            continue
        if quoted[i] == "{":
            depth += 1
        elif quoted[i] == "}":
            depth = max(0, depth - 1)
        i += 1
    return depth

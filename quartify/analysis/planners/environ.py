"""`request.environ` reads that Quart spells as request attributes are rewritten to them.

Quart has no WSGI environ (quart-api.md §1.2), but a few keys are exactly attributes Quart's
request has: `HTTP_*` keys (and `CONTENT_TYPE`/`CONTENT_LENGTH`) are request headers,
`wsgi.url_scheme` is `request.scheme`, `REMOTE_ADDR` is `request.remote_addr`, `REQUEST_METHOD`
is `request.method`. Only reads written straight on the request with a literal key are rewritten
(`request.environ.get("HTTP_X_TOKEN", d)`, `request.environ["REMOTE_ADDR"]`); anything else
(`environ` passed around, other keys, computed keys) keeps the QFY150 finding of `missing_api`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.model import Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Span

ENVIRON = "flask.Request().environ"
# Keys whose value a Quart request attribute holds exactly.
ATTRIBUTES = {"wsgi.url_scheme": "scheme", "REMOTE_ADDR": "remote_addr", "REQUEST_METHOD": "method"}
# CGI names of the two headers WSGI does not prefix with HTTP_.
_UNPREFIXED = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}
_HEADER_KEY = re.compile(r"HTTP_[A-Z0-9]+(?:_[A-Z0-9]+)*")


@dataclass(frozen=True)
class EnvironRead(Edit):
    """`<request>.environ.get(key[, default])` (span: the call) or `<request>.environ[key]`
    (span: the subscript) -> `<request>.headers.get("X-Token"[, default])` /
    `<request>.headers["X-Token"]` when `header` is set, else `<request>.<attribute>`
    (`(<request>.<attribute> or default)` when a default was given)."""

    header: str | None
    attribute: str | None
    subscript: bool
    settles = True


def header_name(key: str) -> str | None:
    """The HTTP header a WSGI environ key holds (`HTTP_X_FORWARDED_FOR` -> `X-Forwarded-For`)."""
    if key in _UNPREFIXED:
        return _UNPREFIXED[key]
    if _HEADER_KEY.fullmatch(key):
        return "-".join(part.capitalize() for part in key[len("HTTP_"):].split("_"))
    return None


def environ_read(ctx: FileContext, use: Use) -> EnvironRead | None:
    """The rewrite of one use, when it is a literal-key read written on the request itself."""
    if use.key is None:
        return None
    header = header_name(use.key)
    attribute = ATTRIBUTES.get(use.key)
    if header is None and attribute is None:
        return None
    resolved = ctx.resolve(use.ref)
    if use.kind == "call" and resolved == ENVIRON + ".get" and use.text.endswith(".environ.get"):
        return EnvironRead(use.span, header, attribute, subscript=False)
    if use.kind == "attr" and resolved == ENVIRON and use.key_span is not None and use.text.endswith(".environ"):
        return EnvironRead(use.key_span, header, attribute, subscript=True)
    return None


def rewritten_spans(ctx: FileContext) -> list[Span]:
    """The expressions this planner rewrites (`missing_api` reports nothing inside them)."""
    return [read.span for use in ctx.all_uses if (read := environ_read(ctx, use)) is not None]


@planner
def plan_environ(ctx: FileContext) -> Iterator[Edit]:
    for use in ctx.all_uses:
        read = environ_read(ctx, use)
        if read is not None:
            yield read

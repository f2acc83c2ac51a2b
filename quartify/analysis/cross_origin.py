"""Flask-CORS's `@cross_origin(...)` as Quart-CORS's `@route_cors(...)`, argument by argument,
only where the rewritten decorator sends the same CORS headers (measured against Flask-CORS 6
and Quart-CORS 0.8 by tests/extensions/test_cross_origin_runtime.py).

The defaults differ: Flask-CORS echoes the request's Origin unless `send_wildcard=True`, while
`route_cors` answers `*` for its default `allow_origin="*"` (its `send_origin_wildcard=False` is
overridden by the config default, `send_origin_wildcard or QUART_CORS_SEND_ORIGIN_WILDCARD`).
An echo is written as `allow_origin=re.compile(".*")`, which `route_cors` matches and echoes.
Anything else (regex-looking origins, header lists, `vary_header`, non-literal values) is left
to the caller's finding."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from quartify.analysis.model import Decorator

# What Flask-CORS takes for a regex in an origin string (flask_cors.core.probably_regex).
_REGEX_CHARS = frozenset("*\\]?$^[()")
ECHO = 're.compile(".*")'


@dataclass(frozen=True)
class Mapped:
    """The `route_cors` keywords (name, source) for one `@cross_origin`, or why there are none."""

    keywords: tuple[tuple[str, str], ...] = ()
    reason: str = ""
    needs_re: bool = False


def _literal(source: str) -> object:
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return None


def _strings(value: object) -> list[str] | None:
    """A string or a list/tuple of strings, as a list; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _origins(source: str | None, send_wildcard: bool, credentials: bool) -> tuple[str, ...] | str:
    """`allow_origin` keywords, or a reason ("" when none is needed)."""
    origins = ["*"] if source is None else _strings(_literal(source))
    if origins is None:
        return f"`origins={source}` is not a literal string or list of strings"
    if origins == ["*"]:
        if send_wildcard and credentials:
            return "`supports_credentials=True` with `send_wildcard=True` is refused by both libraries"
        return () if send_wildcard else (f"allow_origin={ECHO}",)  # "*" is route_cors's default
    if any(_REGEX_CHARS & set(o) for o in origins):
        return f"`origins={source}` holds a regular expression, which the two libraries match differently"
    return (f"allow_origin={source}",)


def route_cors_keywords(dec: Decorator) -> Mapped:
    if dec.args:
        return Mapped(reason="it takes positional arguments")
    given = dict(dec.keywords)
    if "" in given:
        return Mapped(reason="it takes `**` keywords")
    unknown = sorted(set(given) - {"origins", "methods", "send_wildcard", "supports_credentials", "max_age",
                                   "automatic_options"})
    if unknown:
        return Mapped(reason=f"`{unknown[0]}=` has no exact `route_cors` equivalent quartify writes")
    flags: dict[str, bool] = {}
    for name in ("send_wildcard", "supports_credentials", "automatic_options"):
        value = _literal(given[name]) if name in given else name == "automatic_options"
        if not isinstance(value, bool):
            return Mapped(reason=f"`{name}={given[name]}` is not True or False")
        flags[name] = value
    origin = _origins(given.get("origins"), flags["send_wildcard"], flags["supports_credentials"])
    if isinstance(origin, str):
        return Mapped(reason=origin)
    out = list(origin)
    if "methods" in given:
        methods = _strings(_literal(given["methods"]))
        if methods is None:
            return Mapped(reason=f"`methods={given['methods']}` is not a literal string or list of strings")
        # Flask-CORS sends them upper-cased and sorted; route_cors in the order given.
        out.append("allow_methods=[" + ", ".join(f'"{m}"' for m in sorted({m.upper() for m in methods})) + "]")
    if flags["supports_credentials"]:
        out.append("allow_credentials=True")
    if "max_age" in given:
        age = _literal(given["max_age"])
        if not isinstance(age, int) or isinstance(age, bool) or age < 0:
            return Mapped(reason=f"`max_age={given['max_age']}` is not a literal whole number of seconds")
        out.append(f"max_age={age}")
    if not flags["automatic_options"]:
        out.append("provide_automatic_options=False")
    pairs = tuple((name, value) for name, _, value in (k.partition("=") for k in out))
    return Mapped(pairs, needs_re=any(ECHO in k for k in origin))

"""What a function is to Flask, from its own decorators and class (`rules/registration.toml`).

`classify` reads one function's index and the linker's answers for its decorators and class: a
function registered as a view or hook by a decorator is forced async; a click command, property,
signal receiver, dunder or app factory is a barrier. Registrations written as calls elsewhere
(`app.add_url_rule(..., view_func=f)`) are the repo-wide part, in `graph.build`.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from quartify.analysis.index import PARAM_PREFIX
from quartify.analysis.link import UNKNOWN, Linker, join, tokens
from quartify.analysis.model import FunctionInfo
from quartify.rules import loader
from quartify.rules.loader import RegisteredKind

# Registration method names distinctive enough to trust on a receiver the index cannot type
# (an `app` parameter without annotation). `get`/`post`/... are too common to guess from.
DISTINCTIVE = frozenset(
    {"route", "add_url_rule", "before_request", "before_app_request", "after_request",
     "after_app_request", "teardown_request", "teardown_app_request", "teardown_appcontext",
     "errorhandler", "app_errorhandler", "register_error_handler", "context_processor",
     "app_context_processor"}
)
PROPERTY = frozenset({"builtins.property", "functools.cached_property"})

# What a function is to Flask: registered (`RegisteredKind`), a barrier (`BARRIER_WHY`), streamed, or plain.
FunctionKind = Literal[RegisteredKind, "property", "dunder", "factory", "value", "signal", "stream", "plain"]


class Classified(NamedTuple):
    """A tuple, so that a run reading an earlier run's classifications (analysis/graph_scan.py)
    makes thousands of them at C speed (`tuple.__new__`), not through an `__init__` each."""

    kind: FunctionKind
    line: int
    detail: str


def registration_kind(linker: Linker, resolved: str) -> RegisteredKind | None:
    reg = loader.registration()
    toks = tokens(resolved)
    if len(toks) < 2:
        return None
    method = toks[-1]
    receiver = resolved[: -len(method) - 1]
    kind = reg.methods.get(method)
    if kind is None:
        return None
    if receiver in reg.receivers:
        return kind
    return None


def decorator_call_registration(
    linker: Linker, arg_of: str | None, receiver: str
) -> tuple[RegisteredKind, str] | None:
    """`app.errorhandler(404)(f)`, `bp.route("/")(f)`: the registering decorator called by hand.
    Returns its kind and method name when the callee is the result of a registration call."""
    if not arg_of or arg_of == "?" or not arg_of.endswith(")"):
        return None
    toks = tokens(receiver)
    if len(toks) >= 3 and toks[-1] == "()":
        kind = registration_kind(linker, join(toks[:-1]))
        if kind is not None:
            return kind, toks[-2]
    if untyped(receiver):
        written = tokens(arg_of)
        if len(written) >= 3 and written[-1] == "()" and written[-2] in DISTINCTIVE:
            return loader.registration().methods[written[-2]], written[-2]
    return None


def untyped(resolved: str) -> bool:
    """A receiver the index could not type: an unannotated parameter, or unresolvable."""
    return resolved == UNKNOWN or resolved.startswith(PARAM_PREFIX)


def is_cli(resolved: str) -> bool:
    reg = loader.registration()
    if resolved in reg.cli_decorators:
        return True
    return resolved.endswith(".cli.command") or resolved.endswith(".cli.group")


def classify(linker: Linker, func: FunctionInfo) -> Classified:
    reg = loader.registration()
    for dec in func.decorators:
        resolved = linker.resolve(dec.ref)
        kind = registration_kind(linker, resolved)
        if kind is None and untyped(resolved) and dec.called and dec.ref:
            method = dec.ref.rsplit(".", 1)[-1]
            if method in DISTINCTIVE:
                kind = reg.methods[method]
        if kind is not None:
            return Classified(kind, dec.span.line, f"@{dec.ref.rsplit('.', 1)[-1]}")
        if is_cli(resolved):
            return Classified("cli", dec.span.line, "click command")
        if resolved in PROPERTY or resolved.endswith(".setter"):
            return Classified("property", dec.span.line, "property")
        if resolved.startswith(("flask.", "blinker.")) and resolved.rsplit(".", 1)[-1] in ("connect", "connect_via"):
            return Classified("signal", dec.span.line, "signal receiver")
    if func.class_qualname:
        mro = linker.mro(func.class_qualname)
        if func.name in reg.view_methods and any(c in reg.view_classes for c in mro):
            return Classified("view", func.span.line, "class-based view method")
    if func.name.startswith("__") and func.name.endswith("__"):
        return Classified("dunder", func.span.line, func.name)
    if func.makes_app:
        return Classified("factory", func.span.line, "app factory")
    return Classified("plain", func.span.line, "")

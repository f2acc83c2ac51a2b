"""QFY104/QFY134: a call quartify cannot resolve that may need `await` — said only when it is plausible.

`x.name()` on a value quartify cannot type may be a call of a repo method of that name that
became async. Linking it to *any* method of that name drowns the reviewer (every `client.post()`
in a test suite linked to an API resource's `post`), so a candidate must fit the receiver:

- production code is never linked to a test helper (a class or function in a test module);
- methods a framework dispatches (class-based views, Flask-RESTX/RESTful resources) are not
  called by user code;
- a receiver known to be a test client (`<x>.test_client()`) only fits test-client classes; its
  request methods are coroutines under Quart whatever the app, so when quartify cannot resolve
  the app the call is reported for what it is (QFY134): a test-client call that needs `await`.

Each finding carries its receiver as `Finding.group`, so three hundred calls on the client one
helper returns are one group in the report.
"""

from __future__ import annotations

from collections.abc import Iterator

from quartify.analysis.graph import is_test_module
from quartify.analysis.index import PARAM_PREFIX
from quartify.analysis.planners.context import FileContext, FunctionFacts
from quartify.analysis.model import Use
from quartify.analysis.repo import short
from quartify.core.types import ChainStep, Finding, Severity
from quartify.rules import loader

_CONTAINER_METHODS = frozenset(
    name for t in (dict, list, str, bytes, set) for name in dir(t) if not name.startswith("_")
)
_RESOURCE_BASES = frozenset({"flask_restx.Resource", "flask_restful.Resource"})
_TEST_CLIENT_CALL = "test_client()"
_TEST_CLIENT_BASES = frozenset({"flask.testing.FlaskClient"})
# Quart's test client: these request methods are coroutines.
_TEST_CLIENT_COROUTINES = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace", "open"})


def unresolved_call(ctx: FileContext, facts: FunctionFacts, use: Use) -> Iterator[Finding]:
    """The QFY104 finding for `use`, a call `need_await` could not decide, if one is plausible."""
    repo, func = ctx.repo, facts.func
    receiver = _unresolved_receiver(ctx, use)
    if receiver is None:
        return
    name = use.ref.rsplit(".", 1)[-1]
    site = ChainStep(ctx.path, use.span.line, f"{short(func.qualname)} calls {use.text}()")
    group = origin(receiver)
    test_client = receiver.endswith(_TEST_CLIENT_CALL)
    candidate = _candidate(ctx, use, name, test_client)
    if candidate is not None:
        if _renamed(ctx, facts, use):
            return
        yield ctx.finding(
            "QFY104", Severity.WARNING,
            f"`{use.text}()` calls something quartify cannot resolve; `{short(candidate)}` has that "
            "name and became async: if this is it, add `await` (and make the caller async)",
            use.span.line, use.span.col, chain=(site, *repo.chain_steps(candidate)), group=group)
    elif test_client and name in _TEST_CLIENT_COROUTINES:
        yield ctx.finding(
            "QFY134", Severity.ERROR,
            f"`{use.text}()` is a call on a test client (`{group}`) whose app quartify cannot resolve; "
            f"Quart's test client `{name}()` is a coroutine: add `await` (and make the caller async)",
            use.span.line, use.span.col, chain=(site,), group=group)


def _renamed(ctx: FileContext, facts: FunctionFacts, use: Use) -> bool:
    from quartify.analysis.planners.unittest_cases import renamed_target  # it imports the asyncify planner

    return renamed_target(ctx, facts, use) is not None  # awaited as asyncSetUp


def _unresolved_receiver(ctx: FileContext, use: Use) -> str | None:
    """The receiver of `x.name()` when the call resolves to nothing quartify knows, inside
    the repo or unknown; None for a library call or a name that is not a method call."""
    linker = ctx.linker
    resolved = linker.resolve(use.ref)
    if resolved in linker.functions:
        return None
    root = resolved.split(".", 1)[0]
    if not (root == "?" or resolved.startswith(PARAM_PREFIX) or root in linker.top_packages):
        return None  # resolved outside the repo (a library call): not ours to guess
    receiver, _, name = use.ref.rpartition(".")
    if not receiver or not name.isidentifier() or name in _CONTAINER_METHODS:
        return None  # `payload.get(...)` on an unknown value is far likelier a dict than our method
    if resolved.startswith(PARAM_PREFIX) and resolved.rpartition(".")[0].endswith(_TEST_CLIENT_CALL):
        return resolved.rpartition(".")[0]
    return receiver


def _candidate(ctx: FileContext, use: Use, name: str, test_client: bool) -> str | None:
    """The async repo method named `name` that plausibly is the callee, if any."""
    repo, linker = ctx.repo, ctx.linker
    dispatched = loader.registration().view_classes | _RESOURCE_BASES
    production = not is_test_module(ctx.path)
    for qualname in sorted(repo.methods_named(name)):
        kind = repo.graph.kinds.get(qualname)
        if kind is not None and kind.kind in ("view", "hook"):
            continue  # Flask calls view and hook methods; user code does not
        method = linker.functions[qualname]
        if not repo.is_async(qualname) or method.is_generator or method.is_async:
            continue
        if production and is_test_module(linker.module_of[qualname].path):
            continue  # production code does not call a test helper
        mro = set(linker.mro(method.class_qualname)) if method.class_qualname else set()
        if mro & dispatched:
            continue  # the framework dispatches a resource's methods; user code does not
        if test_client and not mro & _TEST_CLIENT_BASES:
            continue  # a test client's method is a test-client class's
        return qualname
    return None


def origin(receiver: str) -> str:
    """The receiver as a reviewer reads it: `tests.helpers.login_as_user()`, or
    `app.test_client() in tests.helpers.setup` for a parameter's value."""
    if receiver.startswith(PARAM_PREFIX):
        owner, _, rest = receiver[len(PARAM_PREFIX):].partition(":")
        return f"{rest} in {short(owner)}" if rest else short(owner)
    return short(receiver)

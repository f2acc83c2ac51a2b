"""Completes quart-flask-patch 0.3.0 for Quart >= 0.19 (measured on Quart 0.22, Flask 3.1).

quart-flask-patch swaps `flask`, `flask.app`, `flask.globals`, `flask.helpers`, `flask.cli` and
`flask.testing` for Quart-backed modules. Since Quart 0.19 imports the real Flask, the other
Flask modules stay real, and so do some names the patched `flask` re-exports from them:
`has_request_context()`/`has_app_context()` are always False (Flask-Login's `current_user` is
None, `@login_required` fails), `flash` and `render_template*` raise "Working outside of
application context", `flask.Blueprint` is not Quart's (Flask-WTF's `csrf.exempt(bp)`),
`flask.views` is missing and the `flask.signals` signals never fire (upstream issue
pgjones/quart-flask-patch#6). This module points those names at Quart's, running Quart's
coroutine functions to completion for the synchronous extension code that calls them, the way
quart-flask-patch does for `request.form`.

`flask.cli.with_appcontext` is Quart's, which pushes a fresh app context in `asyncio.run` for
each command: a group's `g` is gone in its subcommand (Flask-Migrate's `db` group sets
`g.directory`, `db upgrade` reads it: AttributeError) and a command invoked from an async test fails ("asyncio.run()
cannot be called from a running event loop"). Here it keeps Flask's contract: one app context,
pushed by the outermost command that needs it and popped when its click context closes, shared
by the subcommands, on the running loop when there is one.

Import it right after `import quart_flask_patch` and before any Flask extension.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import importlib
import inspect
import sys
import types
from collections.abc import Callable, Coroutine
from typing import Any

import quart_flask_patch  # noqa: F401  (first: it installs the patched `flask`)
import click
import quart
import quart.blueprints
import quart.cli
import quart.ctx
import quart.helpers
import quart.json
import quart.signals
import quart.templating
import quart.views
from quart_flask_patch._synchronise import sync_with_context

COMPAT_VERSION = "2"
_CLI_CONTEXT = "quart_flask_compat.app_context"


def _blocking(func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` (a coroutine function) as a plain function that runs it to completion."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return sync_with_context(func(*args, **kwargs))

    wrapper.__name__ = func.__name__
    wrapper.__qualname__ = func.__qualname__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _overlay(name: str, real: types.ModuleType, quart_module: types.ModuleType) -> types.ModuleType:
    """A module named `name`: the real Flask module's members, then every public member of
    Quart's module (its coroutine functions made blocking)."""
    module = types.ModuleType(name, real.__doc__)
    module.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
    for key, member in vars(quart_module).items():
        if key.startswith("__"):
            continue
        if isinstance(member, types.FunctionType) and inspect.iscoroutinefunction(member):
            member = _blocking(member)
        module.__dict__[key] = member
    module.__dict__["_QUART_PATCHED"] = True
    return module


def _run_in(context: contextvars.Context, coro: Coroutine[Any, Any, Any]) -> Any:
    """Run `coro` to completion as a task in `context` (so the context variables it sets stay
    there): on this thread's running loop (quart-flask-patch's re-entrant `sync_wait`), else on
    a loop of its own."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(loop.create_task(coro, context=context))
        finally:
            loop.close()

    async def in_context() -> Any:  # the task is made inside sync_wait, which sets aside the ready queue
        return await loop.create_task(coro, context=context)

    return loop.sync_wait(in_context())  # type: ignore[attr-defined]


def with_appcontext(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Flask's `with_appcontext` on Quart's app context: one context for the whole command line."""

    @click.pass_context
    def decorator(command: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        if quart.ctx.has_app_context():
            return command.invoke(fn, *args, **kwargs)
        context = command.meta.get(_CLI_CONTEXT)
        if context is None:
            context = contextvars.copy_context()
            app_context = command.ensure_object(quart.cli.ScriptInfo).load_app().app_context()
            _run_in(context, app_context.push())
            command.meta[_CLI_CONTEXT] = context

            def pop() -> None:
                del command.meta[_CLI_CONTEXT]
                _run_in(context, app_context.pop(None))

            command.call_on_close(pop)
        return context.run(command.invoke, fn, *args, **kwargs)

    return functools.update_wrapper(decorator, fn)


def _install() -> None:
    flask = sys.modules["flask"]
    if getattr(flask, "_QUART_FLASK_COMPAT", False):
        return
    # Quart imported these real Flask modules before the patch ran (`import flask.x` would
    # look the name up on the patched package, which lacks it).
    real_blueprints = importlib.import_module("flask.blueprints")
    real_ctx = importlib.import_module("flask.ctx")
    real_signals = importlib.import_module("flask.signals")
    real_templating = importlib.import_module("flask.templating")

    modules = {
        "flask.ctx": _overlay("flask.ctx", real_ctx, quart.ctx),
        "flask.templating": _overlay("flask.templating", real_templating, quart.templating),
        "flask.signals": _overlay("flask.signals", real_signals, quart.signals),
        "flask.blueprints": _overlay("flask.blueprints", real_blueprints, quart.blueprints),
        "flask.views": quart.views,
    }
    sys.modules.update(modules)
    helpers = sys.modules["flask.helpers"]
    names: dict[str, Any] = {
        "flash": _blocking(quart.helpers.flash),
        "get_flashed_messages": quart.helpers.get_flashed_messages,
        "jsonify": quart.json.jsonify,
    }
    for key in ("has_app_context", "has_request_context", "after_this_request"):
        names[key] = getattr(quart.ctx, key)
    for key in ("render_template", "render_template_string"):
        names[key] = getattr(modules["flask.templating"], key)
    names["Blueprint"] = quart.blueprints.Blueprint
    for key in dir(quart.signals):
        if not key.startswith("_") and hasattr(real_signals, key):
            names[key] = getattr(quart.signals, key)
    for key, value in names.items():
        if hasattr(flask, key):
            setattr(flask, key, value)
    for key in ("flash", "get_flashed_messages"):
        setattr(helpers, key, names[key])
    for key, module in modules.items():
        setattr(flask, key.rpartition(".")[2], module)
    sys.modules["flask.cli"].with_appcontext = with_appcontext  # type: ignore[attr-defined]
    flask._QUART_FLASK_COMPAT = True  # type: ignore[attr-defined]


_install()

"""The rule tables against the installed Quart: each awaitable really is a coroutine (or an
async property), each mapped module and name exists, each "missing" name really is missing."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

from quartify.rules import loader


def _lookup(dotted: str) -> Any:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = inspect.getattr_static(obj, attr) if isinstance(obj, type) else getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def _is_async_context(obj: Any) -> bool:
    """An `asynccontextmanager` function, or a class with `__aenter__`."""
    wrapped = getattr(obj, "__wrapped__", None)
    return inspect.isasyncgenfunction(wrapped) or hasattr(obj, "__aenter__")


def _is_async(obj: Any) -> bool:
    if isinstance(obj, property):
        return obj.fget is not None and inspect.iscoroutinefunction(obj.fget)
    func = getattr(obj, "__func__", obj)
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__wrapped__", None))


def _made_by(dotted: str) -> Any:
    """What a factory in the table hands back, for entries whose awaitable is the result of a
    call (`flask.View.as_view()`: calling `View.as_view(name)` gives the view function)."""
    owner, _, name = dotted.rpartition(".")
    return getattr(_lookup(owner), name)("drift_probe")


def _returns_the_awaitable(entry: loader.Awaitable) -> bool:
    return entry.kind == "call" and entry.flask.endswith("()")


AWAITABLES = sorted(loader.quart_api().awaitables.values(), key=lambda a: a.flask)
# Entries for Quart itself; ports of extensions (quart_wtf) are checked where installable below.
QUART_AWAITABLES = [a for a in AWAITABLES if a.quart.startswith(("quart.", "aiofiles.", "jinja2."))]


@pytest.mark.parametrize("entry", QUART_AWAITABLES, ids=lambda a: a.flask)
def test_awaitable_is_async_in_installed_quart(entry: loader.Awaitable) -> None:
    obj = _lookup(entry.quart)
    if entry.kind == "property":
        assert isinstance(obj, property) and _is_async(obj), f"{entry.quart} is not an async property"
    elif entry.kind == "context" and not _is_async(obj):
        assert _is_async_context(obj), f"{entry.quart} is not an async context manager"
    elif entry.kind == "offload":
        assert callable(obj) and not _is_async(obj), f"{entry.quart} should be a sync call run in a thread"
    elif _returns_the_awaitable(entry):
        assert _is_async(_made_by(entry.quart)), f"what {entry.quart} returns is not a coroutine function"
    else:
        assert _is_async(obj), f"{entry.quart} is not a coroutine function"


FLASK_SIDE = [a for a in AWAITABLES if a.flask.startswith("flask.") and a.kind != "as_text"]


def test_text_is_a_plain_attribute_of_flask_test_responses_and_absent_in_quart() -> None:
    from quart.wrappers import Response
    from werkzeug.test import TestResponse

    assert not hasattr(Response, "text")
    assert "text" in dir(TestResponse)


@pytest.mark.parametrize("entry", FLASK_SIDE, ids=lambda a: a.flask)
def test_flask_side_is_sync(entry: loader.Awaitable) -> None:
    """The table lists what changes: the same API in Flask must exist and not be async."""
    if _returns_the_awaitable(entry):
        owner, _, name = entry.flask.removesuffix("()").rpartition(".")
        # the table names Flask's classes canonically (`flask.View`); they live in `flask.views`
        real = {v: k for k, v in loader.quart_api().canonical.items()}.get(owner, owner)
        made = _made_by(f"{real}.{name}")
        assert callable(made) and not _is_async(made)
        return
    obj = _lookup(entry.flask.replace("()", ""))
    assert callable(obj) or isinstance(obj, property)
    assert not _is_async(obj)


@pytest.mark.parametrize("flask_mod,quart_mod", sorted(loader.names().modules.items()))
def test_module_mapping_exists(flask_mod: str, quart_mod: str) -> None:
    importlib.import_module(quart_mod)


@pytest.mark.parametrize("flask_name,new", sorted(loader.names().renames.items()))
def test_renamed_names_exist(flask_name: str, new: str) -> None:
    module, _ = flask_name.rsplit(".", 1)
    assert hasattr(importlib.import_module(loader.names().modules[module]), new)


@pytest.mark.parametrize("flask_name", sorted(loader.names().missing))
def test_missing_names_are_missing(flask_name: str) -> None:
    module, name = flask_name.rsplit(".", 1)
    assert hasattr(importlib.import_module(module), name), "not a Flask name"
    assert not hasattr(importlib.import_module(loader.names().modules[module]), name), "Quart has it now"


def test_every_public_flask_name_has_a_quart_home() -> None:
    import flask
    import quart

    names = loader.names()
    unmapped = []
    for name in dir(flask):
        if name.startswith("_"):
            continue
        full = f"flask.{name}"
        if full in names.renames or full in names.missing or full in names.modules:
            continue
        if inspect.ismodule(getattr(flask, name)):
            continue
        if not hasattr(quart, name):
            unmapped.append(name)
    assert unmapped == [], f"flask names with no Quart mapping: {unmapped}"


@pytest.mark.parametrize(("owner", "port"), [("Flask", "Quart"), ("Blueprint", "Blueprint")])
def test_every_method_quart_made_a_coroutine_is_an_awaitable(owner: str, port: str) -> None:
    """The whole family, not the methods an app happened to call: a hand-made test client that
    drives `app.dispatch_request()` or `app.handle_user_exception(e)` must get its `await` too."""
    import flask
    import quart

    listed = set(loader.quart_api().awaitables)
    missing = []
    for name in dir(getattr(flask, owner)):
        if name.startswith("__"):
            continue
        ours, theirs = getattr(getattr(flask, owner), name), getattr(getattr(quart, port), name, None)
        if callable(ours) and theirs is not None and _is_async(theirs) and not _is_async(ours):
            if f"flask.{owner}().{name}" not in listed:
                missing.append(name)
    assert missing == [], f"flask.{owner} methods that are coroutines in Quart but not in quart_api.toml: {missing}"


def test_keyword_renames_target_real_parameters() -> None:
    import quart

    for flask_name, renames in loader.quart_api().keyword_renames.items():
        params = inspect.signature(getattr(quart, flask_name.split(".")[-1])).parameters
        for new in renames.values():
            assert new in params, f"{flask_name}: Quart has no parameter {new}"


def test_every_awaitable_entry_is_checked_or_a_known_extension_port() -> None:
    others = {a.quart.split(".")[0] for a in AWAITABLES if a not in QUART_AWAITABLES}
    assert others <= {"quart_wtf"}, f"unchecked awaitable sources: {others}"


def test_extension_ports_quartify_rewrites_to_have_the_api_it_writes() -> None:
    import quart_bcrypt
    import quart_cors

    first = next(iter(inspect.signature(quart_cors.cors).parameters.values()))
    assert first.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD  # `app = cors(app)`: the app goes first
    assert hasattr(quart_bcrypt, "Bcrypt")
    for name in ("generate_password_hash", "check_password_hash"):
        assert not inspect.iscoroutinefunction(getattr(quart_bcrypt.Bcrypt, name))  # the import swap keeps sync calls


def test_the_jinja_kinds_are_async_in_quart_and_sync_in_flask() -> None:
    """`[returns]` types `app.jinja_env` and its overlays as Quart's async environment
    (planners/jinja_render.py awaits their templates' render_async): true of Quart, not of Flask."""
    import flask
    import quart

    quart_env = quart.Quart("drift_probe").jinja_env
    assert quart_env.is_async and quart_env.overlay().is_async
    assert quart_env.from_string("x").environment.is_async
    assert not flask.Flask("drift_probe").jinja_env.is_async

"""Typed access to the rule tables; the tables are TOML so that adding a Quart API is a data edit.

Each table is read once, through a schema (`rules.schema`): an unknown key, a missing key or a
value outside its vocabulary (`kind = "propery"`) is an error naming the file, key and line,
never a silently skipped rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Literal, get_args

from quartify.core import bundled
from quartify.rules import memo
from quartify.rules.schema import (
    Check,
    Document,
    array_of,
    map_of,
    member_of,
    one_of,
    strings,
    table,
    text,
    text_map,
)


def _load(name: str, schema: Check[dict[str, Any]]) -> dict[str, Any]:
    source = bundled.read_text("quartify.rules", name)
    doc = Document.parse(f"quartify/rules/{name}", source, bundled=True)
    return schema(doc, (), doc.data)


class AwaitKind(StrEnum):
    """How a Flask API that Quart made async is rewritten (`kind` in `quart_api.toml`)."""

    CALL = "call"
    """`f(...)` becomes `await f(...)`."""
    PROPERTY = "property"
    """An attribute read becomes an awaited one: `request.form` -> `await request.form`."""
    AS_TEXT = "as_text"
    """An attribute Quart lacks, read as text: `resp.text` -> `await resp.get_data(as_text=True)`."""
    CONTEXT = "context"
    """The call gives a context manager: `with app.app_context():` -> `async with app.app_context():`."""
    CONTEXT_VALUE = "context_value"
    """The value itself is the context manager: `with client:` -> `async with client:`."""
    AIOFILE = "aiofile"
    """The call is awaited and gives an async file: `with app.open_resource(p) as f:` ->
    `async with await app.open_resource(p) as f:` (its `read()` is then awaited too)."""
    OFFLOAD = "offload"
    """A sync call that cannot run inside a running loop: in async code it moves to a worker
    thread, `runner.invoke(...)` -> `await asyncio.to_thread(runner.invoke, ...)`."""


# How a function registered through a `[methods]` entry of `registration.toml` must look.
RegisteredKind = Literal["view", "hook", "sync", "template", "cli"]


@dataclass(frozen=True)
class Awaitable:
    flask: str
    kind: AwaitKind
    quart: str


@dataclass(frozen=True)
class TestClient:
    request_methods: frozenset[str]
    cookie_methods: frozenset[str]
    missing: dict[str, str]
    default_path: frozenset[str]


@dataclass(frozen=True)
class Serving:
    hypercorn: str
    run_drop: frozenset[str]
    monkey_patches: frozenset[str]
    green_workers: frozenset[str]
    socket_handlers: frozenset[str]
    socket_runs: frozenset[str]


@dataclass(frozen=True)
class QuartApi:
    canonical: dict[str, str]
    returns: dict[str, str]
    awaitables: dict[str, Awaitable]
    keyword_renames: dict[str, dict[str, str]]
    test_client: TestClient
    missing: dict[str, str]
    serving: Serving


@dataclass(frozen=True)
class Names:
    modules: dict[str, str]
    renames: dict[str, str]
    missing: dict[str, str]
    explicit_submodules: frozenset[str]
    extension_modules: dict[str, str]
    extension_renames: dict[str, str]


@dataclass(frozen=True)
class Registration:
    receivers: frozenset[str]
    view_classes: frozenset[str]
    view_methods: frozenset[str]
    cli_decorators: frozenset[str]
    methods: dict[str, RegisteredKind]


QUART_API = table({
    "canonical": text_map,
    "returns": text_map,
    "awaitable": array_of(table({"flask": text, "kind": member_of(AwaitKind), "quart": text})),
    "keyword_renames": array_of(table({"flask": text, "renames": text_map})),
    "test_client": table({"request_methods": strings, "cookie_methods": strings, "missing": text_map,
                          "default_path": strings}),
    "missing": text_map,
    "serving": table({"hypercorn": text, "run_drop": strings, "monkey_patches": strings, "green_workers": strings,
                      "socket_handlers": strings, "socket_runs": strings}),
})
NAMES = table({
    "modules": text_map,
    "renames": text_map,
    "missing": text_map,
    "explicit_submodules": table({"names": strings}),
    "extension_modules": text_map,
    "extension_renames": text_map,
})
REGISTRATION = table({
    "receivers": strings,
    "view_classes": strings,
    "view_methods": strings,
    "cli_decorators": strings,
    "methods": map_of(one_of(get_args(RegisteredKind))),
})


@cache
def quart_api() -> QuartApi:
    return memo.built("quart_api", QuartApi, _quart_api)  # kept beside the bytecode (rules/memo.py)


def _quart_api() -> QuartApi:
    data = _load("quart_api.toml", QUART_API)
    tc, sv = data["test_client"], data["serving"]
    return QuartApi(
        canonical=data["canonical"],
        returns=data["returns"],
        awaitables={entry["flask"]: Awaitable(**entry) for entry in data["awaitable"]},
        keyword_renames={entry["flask"]: entry["renames"] for entry in data["keyword_renames"]},
        test_client=TestClient(
            frozenset(tc["request_methods"]), frozenset(tc["cookie_methods"]), tc["missing"],
            frozenset(tc["default_path"]),
        ),
        missing=data["missing"],
        serving=Serving(
            sv["hypercorn"], frozenset(sv["run_drop"]), frozenset(sv["monkey_patches"]),
            frozenset(sv["green_workers"]), frozenset(sv["socket_handlers"]), frozenset(sv["socket_runs"]),
        ),
    )


@cache
def names() -> Names:
    return memo.built("names", Names, _names)


def _names() -> Names:
    data = _load("names.toml", NAMES)
    return Names(
        data["modules"],
        data["renames"],
        data["missing"],
        frozenset(data["explicit_submodules"]["names"]),
        data["extension_modules"],
        data["extension_renames"],
    )


@cache
def registration() -> Registration:
    return memo.built("registration", Registration, _registration)


def _registration() -> Registration:
    data = _load("registration.toml", REGISTRATION)
    return Registration(
        frozenset(data["receivers"]),
        frozenset(data["view_classes"]),
        frozenset(data["view_methods"]),
        frozenset(data["cli_decorators"]),
        data["methods"],
    )

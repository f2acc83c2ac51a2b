"""Typed access to the rule tables; the tables are TOML so that adding a Quart API is a data edit."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


def _load(name: str) -> dict[str, Any]:
    text = resources.files("quartify.rules").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Awaitable:
    flask: str
    kind: str  # call | property | context | aiofile
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
    methods: dict[str, str]


@cache
def quart_api() -> QuartApi:
    data = _load("quart_api.toml")
    awaitables = {
        entry["flask"]: Awaitable(entry["flask"], entry["kind"], entry["quart"])
        for entry in data["awaitable"]
    }
    renames = {entry["flask"]: dict(entry["renames"]) for entry in data["keyword_renames"]}
    tc = data["test_client"]
    test_client = TestClient(
        frozenset(tc["request_methods"]), frozenset(tc["cookie_methods"]), dict(tc["missing"]),
        frozenset(tc["default_path"]),
    )
    sv = data["serving"]
    serving = Serving(
        sv["hypercorn"], frozenset(sv["run_drop"]), frozenset(sv["monkey_patches"]), frozenset(sv["green_workers"]),
        frozenset(sv["socket_handlers"]), frozenset(sv["socket_runs"]),
    )
    return QuartApi(
        dict(data["canonical"]), dict(data["returns"]), awaitables, renames, test_client, dict(data["missing"]),
        serving,
    )


@cache
def names() -> Names:
    data = _load("names.toml")
    return Names(
        dict(data["modules"]),
        dict(data["renames"]),
        dict(data["missing"]),
        frozenset(data["explicit_submodules"]["names"]),
        dict(data["extension_modules"]),
        dict(data["extension_renames"]),
    )


@cache
def registration() -> Registration:
    data = _load("registration.toml")
    return Registration(
        frozenset(data["receivers"]),
        frozenset(data["view_classes"]),
        frozenset(data["view_methods"]),
        frozenset(data["cli_decorators"]),
        dict(data["methods"]),
    )

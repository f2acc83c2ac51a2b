"""The type-check pass (`--typecheck`): mypy on the code before and after migration.

Quartify adds an `await` wherever it can see that a call returns an awaitable. Where it cannot
(a function called through a dict, a variable, or a generic third-party wrapper), the
migrated code uses a coroutine as a value, which runs without complaint until the line that
uses it. mypy can see those: it knows that `make_response` returns `Coroutine[...]` under
Quart. `typecheck` runs mypy (through `mypy.api`) twice, on a temporary copy of the tree with
the original sources and on one with the migrated sources overlaid, and reports only the
errors that are new after migration, each classified as `missed-await`, `quart-api` or
`other` (see `classification`).

The user's files are never touched: mypy only ever sees the two copies (`.py`/`.pyi` files and
the mypy config files), runs with its working directory inside the copy and with its cache
in a temporary directory, so `--diff` and `--check` runs leave the tree byte-for-byte as it
was. Call `typecheck` before writing the migrated files (or pass `old_sources`): the
"before" copy is read from disk.

The modules, in the order the pass uses them:

* `environment`: which interpreter's site-packages mypy sees (`--python-executable`, the
  project's `.venv`/`venv`, else quartify's own), lending it quart/flask/werkzeug if needed;
* `config`: the project's own mypy config, found the way mypy finds it;
* `copies`: the two temporary copies of the tree;
* `runner`: the two mypy runs (at once, in child interpreters) and reading their output;
* `diff`: which errors after migration match none before it, despite the lines quartify
  inserts and edits;
* `classification`: missed await, Quart API, or other (`classify`; not named after the
  function, which the package re-exports and which would shadow the module);
* `check`: `typecheck` itself, the steps above in order; `results`: what it returns;
* `pyright_engine`: basedpyright instead of mypy (`engine="basedpyright"`): its config,
  runs, output and classification; the copies and the matching are shared.

This module only re-exports the names the rest of quartify and its tests use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from quartify.typecheck.check import typecheck
    from quartify.typecheck.classification import (
        MISSED_AWAIT,
        OTHER,
        QUART_API,
        ErrorClass,
        classify,
    )
    from quartify.typecheck.config import find_mypy_config
    from quartify.typecheck.environment import find_python_executable
    from quartify.typecheck.results import TypecheckResult, TypeDiagnostic

# Defined here (not in `check`) so the CLI's options need none of the pass's modules:
# a run without --typecheck imports none of them (they load on first use, `__getattr__` below).
Engine = Literal["mypy", "basedpyright"]
ENGINES: tuple[Engine, ...] = ("mypy", "basedpyright")

_LAZY = {
    "typecheck": "check",
    "MISSED_AWAIT": "classification",
    "OTHER": "classification",
    "QUART_API": "classification",
    "ErrorClass": "classification",
    "classify": "classification",
    "find_mypy_config": "config",
    "find_python_executable": "environment",
    "TypeDiagnostic": "results",
    "TypecheckResult": "results",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

__all__ = [
    "ENGINES",
    "MISSED_AWAIT",
    "OTHER",
    "QUART_API",
    "Engine",
    "ErrorClass",
    "TypeDiagnostic",
    "TypecheckResult",
    "classify",
    "find_mypy_config",
    "find_python_executable",
    "typecheck",
]

"""Planners: one module per concern, each detecting its edits (and the findings where it cannot).

A planner is a function `(FileContext) -> Iterable[Edit | Finding]` registered with `@planner`.
Every module in this package is imported by `load_all()`, so a new concern is one new module
here (its edit kinds, its detection) and one rewrite in `quartify/codemods/` that `handles` those
kinds (django-upgrade's fixer registry is the model). `plan_file` only dispatches to them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from quartify.analysis.edits import Edit
from quartify.core.types import Finding

if TYPE_CHECKING:
    from quartify.analysis.planners.context import FileContext

Planner = Callable[["FileContext"], Iterable[Edit | Finding]]

_PLANNERS: dict[str, Planner] = {}
_loaded = False


def planner(fn: Planner) -> Planner:
    """Register a planner under its module and name (registering twice is harmless)."""
    _PLANNERS[f"{fn.__module__}.{fn.__name__}"] = fn
    return fn


def load_all() -> None:
    """Import every planner module of this package once (registration is the import)."""
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True


def all_planners() -> tuple[Planner, ...]:
    """Every registered planner, in a stable order (module then name)."""
    load_all()
    return tuple(_PLANNERS[k] for k in sorted(_PLANNERS))

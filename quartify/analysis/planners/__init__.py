"""Planners: one module per concern, each detecting its edits (and the findings where it cannot).

A planner is a function `(FileContext) -> Iterable[Edit | Finding]` registered with `@planner`.
Every module in this package is imported by `load_all()`, so a new concern is one new module
here (its edit kinds, its detection) and one rewrite in `quartify/codemods/` that `handles` those
kinds (django-upgrade's fixer registry is the model). `plan_file` only dispatches to them.
"""

from __future__ import annotations

import importlib
import pkgutil
import types
import typing
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from quartify.analysis.edits import Edit, declared_kinds
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


_SETTLING: tuple[Planner, ...] | None = None


def settling_planners() -> tuple[Planner, ...]:
    """The planners that may yield a settling edit (by their return annotation), in
    `all_planners` order: all that verification's re-plan of the output must run."""
    global _SETTLING
    if _SETTLING is None:
        _SETTLING = tuple(p for p in all_planners() if may_settle(p))
    return _SETTLING


def may_settle(fn: Planner) -> bool:
    """False only when `fn`'s return annotation is `Iterator[...]`/`Iterable[...]` of findings and
    edit kinds none of which (nor any declared subclass) settles."""
    load_all()
    yielded = _yielded_types(fn)
    if yielded is None:
        return True
    kinds = declared_kinds().values()
    for item in yielded:
        if item is Finding:
            continue
        if not (isinstance(item, type) and issubclass(item, Edit)) or item is Edit:
            return True
        if any(issubclass(kind, item) and kind.settles for kind in kinds):
            return True
    return False


def _yielded_types(fn: Planner) -> tuple[object, ...] | None:
    """The types a planner's annotation says it yields, or None when it cannot be read."""
    annotation = getattr(fn, "__annotations__", {}).get("return")
    if isinstance(annotation, str):
        try:
            annotation = eval(annotation, getattr(fn, "__globals__", {}))  # the module's own annotation
        except (NameError, AttributeError, SyntaxError, TypeError):
            return None
    if typing.get_origin(annotation) not in (Iterable, typing.get_origin(typing.Iterator[int])):
        return None
    (item,) = typing.get_args(annotation)
    if typing.get_origin(item) in (typing.Union, types.UnionType):
        return typing.get_args(item)
    return (item,)

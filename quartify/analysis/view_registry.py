"""Views called through the app's registry: `app.view_functions["index"](...)`.

Flask keeps each view function in `app.view_functions` under its endpoint; tests (and some apps)
call a view from there directly. Quartify makes every view async, so after the migration that
call gives a coroutine and must be awaited; Quart's own endpoints there (`static`, and each
`View.as_view(...)` function) are coroutine functions too. But a view that was already `async def`
under Flask gave a coroutine before the migration, and quartify never adds `await` to that.

So the call is awaited only when every endpoint the function reads from the registry is a
literal naming views that become async here (by function name, a literal `endpoint=`, or an
`as_view("name")`) and none of them was async before; a key quartify cannot pin is reported.
The graph reads the same answer to make the caller async (a seed), the planner to await it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from quartify.analysis.link import Linker
from quartify.analysis.model import FunctionInfo, Use

REGISTRY = "flask.Flask().view_functions"
CALLS = frozenset({f"{REGISTRY}[]", f"{REGISTRY}.get()"})
_QUART_ENDPOINTS = frozenset({"static"})  # Quart.send_static_file: a coroutine function
_AS_VIEW = ".as_view"


@dataclass(frozen=True)
class RegistryCall:
    """A call of a view taken from `app.view_functions`: the endpoints the function reads there,
    and why it cannot be awaited ("" when it can)."""

    endpoints: tuple[str, ...]
    reason: str


def registry_call(linker: Linker, func: FunctionInfo, use: Use, is_view: Callable[[str], bool]) -> RegistryCall | None:
    """`use` calls a view out of the registry: which endpoints, and whether quartify can await
    it. `is_view(qualname)` says whether a repo function is a view (the graph's classification)."""
    if use.kind != "call" or use.awaited or linker.resolve(use.ref) not in CALLS:
        return None
    keys = list(_keys(linker, func.uses))
    if not keys or None in keys:
        return RegistryCall((), "the endpoint it looks up is not a string literal quartify can follow")
    endpoints = tuple(sorted({k for k in keys if k is not None}))
    for endpoint in endpoints:
        views = _views_for(linker, endpoint, is_view)
        if not views and endpoint not in _QUART_ENDPOINTS and endpoint not in _as_view_names(linker):
            return RegistryCall(endpoints, f"no view of this repo has the endpoint {endpoint!r}")
        old = [v for v in views if linker.functions[v].is_async]
        if old:
            return RegistryCall(endpoints, f"the view {old[0]} was already async under Flask")
    return RegistryCall(endpoints, "")


def _keys(linker: Linker, uses: Iterable[Use]) -> Iterable[str | None]:
    """The endpoint of each registry read in one function: `view_functions["x"]` (an attribute
    read keyed by its subscript) or `view_functions.get("x")`; None for a key that is no literal."""
    for use in uses:
        resolved = linker.resolve(use.ref)
        if use.kind == "attr" and resolved == REGISTRY and use.key_span is not None:
            yield use.key
        elif use.kind == "call" and resolved == f"{REGISTRY}.get":
            yield use.key


def _views_for(linker: Linker, endpoint: str, is_view: Callable[[str], bool]) -> list[str]:
    """Repo views registered under `endpoint` (a blueprint's `bp.name` is matched by `name`)."""
    name = endpoint.rsplit(".", 1)[-1]
    found = []
    for qualname, func in linker.functions.items():
        if not is_view(qualname) or func.class_qualname is not None:
            continue
        spelled = {source.strip("'\"") for dec in func.decorators for key, source in dec.keywords if key == "endpoint"}
        if (spelled and name in spelled) or (not spelled and func.name == name):
            found.append(qualname)
    return sorted(found)


def _as_view_names(linker: Linker) -> frozenset[str]:
    """Endpoints given to `View.as_view("name")` anywhere in the repo (Quart's are async)."""
    names: set[str] = set()
    for module in linker.modules.values():
        for uses in (module.module_uses, *(f.uses for f in module.functions)):
            for use in uses:
                if use.kind == "call" and use.key and use.ref.endswith(_AS_VIEW):
                    names.add(use.key)
    return frozenset(names)

"""`getattr(obj, name)` whose `name` quartify cannot pin to string literals (a parameter, a list
that may change, a computed string): the scope resolver cannot say which attribute is read, so
nothing is awaited there. The index records each such site with the reason, and
`planners/dynamic_attrs.py` reports the ones read off an object with Quart awaitables (a test
client, a test response, the request) instead of leaving them a silent miss. A pinned
`getattr(response, "data")` whose value is read (not called) is recorded too: the rewrites await
attribute reads and calls, not a property read through `getattr`."""

from __future__ import annotations

import ast
from collections.abc import Callable

from quartify.analysis.model import UnpinnedGetattr
from quartify.analysis.scopes import PARAM_PREFIX, NameResolver
from quartify.core.types import Span


def unpinned_getattr(
    resolver: NameResolver, node: ast.Call, span: Span, text: Callable[[ast.AST], str], called: bool
) -> UnpinnedGetattr | None:
    """The site when `node` is a builtin `getattr` call whose attribute name is not pinned, or
    is pinned but the value is not called (`called`: the call is the callee of another call)."""
    if not (isinstance(node.func, ast.Name) and len(node.args) in (2, 3) and not node.keywords):
        return None
    if resolver.name_ref(node.func.id, node.func) != "builtins.getattr":
        return None
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        return None
    name = node.args[1]
    if isinstance(name, ast.Constant):
        pinned: set[str] | None = {name.value} if isinstance(name.value, str) else set()
    else:
        pinned = resolver.pinned_strings(name)
    if pinned is not None:
        return None if called or not pinned else UnpinnedGetattr(span, text(name), "", tuple(sorted(pinned)))
    name_text = text(name)
    return UnpinnedGetattr(span, name_text, _reason(resolver, name, name_text, text))


def _reason(resolver: NameResolver, name: ast.expr, shown: str, text: Callable[[ast.AST], str]) -> str:
    if not isinstance(name, ast.Name):
        return f"the name is computed: `{shown}`"
    ref = resolver.name_ref(name.id, name)
    if ref is not None and ref.startswith(PARAM_PREFIX) or resolver.is_param(name.id):
        return f"`{shown}` is a parameter"
    if not resolver.is_local(name.id):
        return f"`{shown}` is a module-level name that may be rebound"
    loops = [it for it in resolver.loop_iterables(name) if isinstance(it, ast.Name)]
    if loops:
        return f"`{shown}` runs over `{text(loops[0])}`, a list that is changed or passed on elsewhere"
    return f"`{shown}` is a local not bound only to string literals"

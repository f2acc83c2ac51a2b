"""Test helpers that build a Flask upload: `def payload(name): return {"k": "v", "file": (stream, name)}`.

Flask's test client takes form fields and file tuples in one `data=` dict; Quart's takes them
apart (`form=`, `files=`; quart-api.md §3.1). When the dict comes from a helper function the call
site cannot be split, but the helper can: it returns Quart's keyword arguments,

    return {"form": {"k": "v"}, "files": {"file": FileStorage(stream, filename=name)}}

and each call site passes them on, `client.put(url, **payload(""))`. That changes what the helper
returns, so it is sound only when every use of the helper is known. This module proves it from the
syntax tree alone:

- the helper (a plain `def`, nested in a function or at the top of a test module) returns a dict
  literal on every path, string keys only, each value text (a string, f-string, `str(...)`, or a
  name bound only to strings) or a 2/3-item file tuple, and some value a file;
- every reference to its name is a call whose result is either the value of a `data=` keyword
  (the planner checks that call is a test-client request), or assigned to a local that is bound
  only that way and read only as `data=local`, or as `local[key]` with `key` a form field (a literal,
  or a `for` variable over a literal tuple of form fields): those reads become `local["form"][key]`.

Anything else is not proof: the call sites keep `data=` and carry a finding naming the helper.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from quartify.analysis.file_fields import file_tuple_size
from quartify.analysis.walk import children, walk

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_Func = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class Helper:
    """One helper and what the proof found: `reason` is empty when every reference was followed."""

    node: ast.FunctionDef
    returns: list[ast.Dict] = field(default_factory=list)
    sites: list[tuple[ast.expr, ast.Call]] = field(default_factory=list)  # (`data=` value, the call)
    form_reads: list[ast.Name] = field(default_factory=list)  # `local` in `local[key]`: becomes `local["form"]`
    reason: str = ""


_HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def find(tree: ast.Module, test_module: bool) -> list[Helper]:
    """Every upload helper in the module that reaches a `data=` keyword, proven or not."""
    parents: dict[int, ast.AST] = {}
    str_rebound: list[bool] = []  # both computed on the first need: most modules have no helper

    def rebinds_str() -> bool:
        if not str_rebound:
            str_rebound.append(any(isinstance(n, ast.Name) and n.id == "str" and not isinstance(n.ctx, ast.Load)
                                   for n in walk(tree)))
        return str_rebound[0]

    out: list[Helper] = []
    scopes: list[tuple[ast.Module | _Func, list[_Func]]] = [(tree, [])] if test_module else []
    stack: list[tuple[ast.AST, list[_Func]]] = [(tree, [])]
    while stack:  # every function, with the functions enclosing it
        node, chain = stack.pop()
        for child in children(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                scopes.append((child, [*chain, child]))
                stack.append((child, [*chain, child]))
            elif isinstance(child, _HOLDS_STATEMENTS):  # no expression holds a def: not entered
                stack.append((child, chain))
    for scope, chain in scopes:
        for stmt in scope.body:
            if isinstance(stmt, ast.FunctionDef):
                helper = _candidate(stmt, chain, tree, rebinds_str)
                if helper is not None:
                    if not parents:
                        parents = {id(c): p for p in walk(tree) for c in children(p)}
                    _follow(helper, scope, parents)
                    if helper.sites or helper.reason:
                        out.append(helper)
    return out


# -- the helper's returns -----------------------------------------------------------------------
def _candidate(
    func: ast.FunctionDef, chain: list[_Func], tree: ast.Module, rebinds_str: Callable[[], bool]
) -> Helper | None:
    """`func` as an upload helper: every return a dict of text and file tuples, one file at least."""
    if func.decorator_list or not func.body or not isinstance(func.body[-1], ast.Return):
        return None
    returns = [n for n in _own(func.body) if isinstance(n, ast.Return)]
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own(func.body)):
        return None
    dicts: list[ast.Dict] = []
    for ret in returns:
        if not isinstance(ret.value, ast.Dict):
            return None
        dicts.append(ret.value)
    kinds: dict[str, set[bool]] = {}
    for literal in dicts:
        for key, value in zip(literal.keys, literal.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            is_file = bool(file_tuple_size(value))
            if not is_file and not _is_text(value, func, chain, tree, rebinds_str):
                return None
            kinds.setdefault(key.value, set()).add(is_file)
    if not any(True in k for k in kinds.values()) or any(len(k) > 1 for k in kinds.values()):
        return None  # no file (a plain dict becomes `form=` elsewhere), or a key both file and text
    return Helper(func, dicts)


def form_keys(helper: Helper) -> set[str]:
    return {k.value for d in helper.returns for k, v in zip(d.keys, d.values)
            if isinstance(k, ast.Constant) and isinstance(k.value, str) and not file_tuple_size(v)}


def _is_text(
    node: ast.expr, func: _Func, chain: Sequence[_Func], tree: ast.Module, rebinds_str: Callable[[], bool]
) -> bool:
    """A value Quart's multipart `form=` sends as Flask did (Quart encodes it; anything but a str fails)."""
    if isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str"
            and len(node.args) == 1 and not node.keywords and not rebinds_str()):
        return True
    if isinstance(node, ast.Name):
        if _binds(func, node.id) is not None:
            return False  # a parameter or local of the helper: whatever its callers pass
        for scope in [*reversed(chain), tree]:
            values = _binds(scope, node.id)
            if values is not None:
                return bool(values) and all(
                    isinstance(v, ast.JoinedStr) or isinstance(v, ast.Constant) and isinstance(v.value, str)
                    for v in values)
    return False


def _binds(scope: _Func | ast.Module, name: str) -> list[ast.expr | None] | None:
    """The values `name` is bound to in `scope` (None in the list: a binding that is no `name = value`;
    None: not bound there)."""
    if not isinstance(scope, ast.Module):
        params = scope.args
        if name in {a.arg for a in [*params.posonlyargs, *params.args, *params.kwonlyargs,
                                    *([params.vararg] if params.vararg else []),
                                    *([params.kwarg] if params.kwarg else [])]}:
            return [None]
    found: list[ast.expr | None] = []
    for node in _own(scope.body):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return [None]
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found.append(node.value if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) else None)
        elif isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            if not any(node in (t for t in a.targets) for a in _assigns_of(scope, node)):
                found.append(None)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            found.append(None)
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                (a.asname or a.name.split(".")[0]) == name for a in node.names):
            found.append(None)
    return found or None


def _assigns_of(scope: _Func | ast.Module, target: ast.Name) -> Iterator[ast.Assign]:
    return (n for n in _own(scope.body) if isinstance(n, ast.Assign) and target in n.targets)


def _own(body: Sequence[ast.AST]) -> Iterator[ast.AST]:
    """The nodes of a body, not those inside nested functions, lambdas or classes (their headers aside)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _SCOPES):
            continue
        stack.extend(children(node))


# -- the helper's uses --------------------------------------------------------------------------
def _follow(helper: Helper, scope: ast.Module | _Func, parents: dict[int, ast.AST]) -> None:
    name = helper.node.name
    keys = form_keys(helper)
    locals_seen: set[tuple[int, str]] = set()
    for node in walk(scope):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        call = parents.get(id(node))
        if not isinstance(node.ctx, ast.Load) or not (isinstance(call, ast.Call) and call.func is node):
            helper.reason = f"`{name}` is used other than called"
            return
        holder = parents.get(id(call))
        if isinstance(holder, ast.keyword) and holder.arg == "data":
            request = parents.get(id(holder))
            assert isinstance(request, ast.Call)
            helper.sites.append((call, request))
            continue
        if (isinstance(holder, ast.Assign) and len(holder.targets) == 1
                and isinstance(holder.targets[0], ast.Name)):
            func = _enclosing_function(holder, parents)
            local = holder.targets[0].id
            if func is None:
                helper.reason = f"`{name}(...)` is stored at module level"
                return
            if (id(func), local) not in locals_seen:
                locals_seen.add((id(func), local))
                why = _follow_local(helper, func, local, keys, parents)
                if why:
                    helper.reason = why
                    return
            continue
        helper.reason = f"the result of `{name}(...)` is used other than as a test client's `data=`"
        return


def _enclosing_function(node: ast.AST, parents: dict[int, ast.AST]) -> _Func | None:
    current = parents.get(id(node))
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(current, (ast.Lambda, ast.ClassDef)):
            return None
        current = parents.get(id(current))
    return current if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _follow_local(helper: Helper, func: _Func, local: str, keys: set[str], parents: dict[int, ast.AST]) -> str:
    """Why `local` (bound to the helper's result in `func`) is not proven, or "" with its reads recorded."""
    name = helper.node.name
    values = _binds(func, local)
    if not values or not all(isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == name
                             and _enclosing_function(v, parents) is func for v in values):
        return f"`{local}` holds `{name}(...)` and other values"
    inner = [n for n in walk(func) if n is not func and isinstance(n, (*_SCOPES, *_COMPREHENSIONS))]
    nested = {id(n) for scope in inner for n in walk(scope)}
    sites: list[tuple[ast.expr, ast.Call]] = []
    reads: list[ast.Name] = []
    for node in walk(func):
        if not (isinstance(node, ast.Name) and node.id == local) or not isinstance(node.ctx, ast.Load):
            continue
        if id(node) in nested:
            return f"`{local}` (holding `{name}(...)`) is seen by a nested scope"
        holder = parents.get(id(node))
        if isinstance(holder, ast.keyword) and holder.arg == "data":
            request = parents.get(id(holder))
            assert isinstance(request, ast.Call)
            sites.append((node, request))
        elif isinstance(holder, ast.Subscript) and holder.value is node and _form_key(holder, func, keys, parents):
            reads.append(node)
        else:
            return f"`{local}` (holding `{name}(...)`) is used other than as `data=` or by a form field's key"
    helper.sites.extend(sites)
    helper.form_reads.extend(reads)
    return ""


def _form_key(sub: ast.Subscript, func: _Func, keys: set[str], parents: dict[int, ast.AST]) -> bool:
    """`local[key]` with `key` surely a form field, and a store of text into it."""
    if isinstance(sub.ctx, ast.Store):
        stmt = parents.get(id(sub))
        if not (isinstance(stmt, ast.Assign) and stmt.targets == [sub]
                and (isinstance(stmt.value, ast.JoinedStr)
                     or isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str))):
            return False
    key = sub.slice
    if isinstance(key, ast.Constant):
        return key.value in keys
    if not isinstance(key, ast.Name):
        return False
    loops = [n for n in _own(func.body) if isinstance(n, (ast.For, ast.AsyncFor))
             and isinstance(n.target, ast.Name) and n.target.id == key.id]
    values = _binds(func, key.id)
    if len(loops) != 1 or values != [None] or not any(n is sub for n in walk(loops[0])):
        return False  # bound only by one loop, the subscript inside it
    items = loops[0].iter
    return isinstance(items, (ast.Tuple, ast.List)) and bool(items.elts) and all(
        isinstance(e, ast.Constant) and e.value in keys for e in items.elts)

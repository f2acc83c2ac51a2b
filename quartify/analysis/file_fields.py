"""What a test client's `data=payload` carries when `payload` is a local dict: form fields, files, or both.

Flask's test client takes form fields and file tuples (`(stream, filename[, content_type])`) in one
`data=` dict; Quart's takes them apart, `form={...}` and `files={name: FileStorage(...)}`, and a
tuple left in `form=` is sent as its text (quart-api.md §3.1). With a dict literal at the call the
codemod can split it in place. With a local built earlier in the test,

    data = {"name": "x", "file": (io.BytesIO(b"..."), "a.txt")}
    data["kind"] = "text"
    client.post("/upload", data=data)

it can split it at the call only when every key and every file tuple is known there. This module
proves that from the function's statements: exactly one binding reaches the read (value flow,
`analysis.flow`), a dict literal with string keys; between it and the call the local is only
read by literal key or assigned by literal key (`data["k"] = ...`) in statements that surely run
(the function's own straight line, through `with` bodies, never under a branch or loop); it
escapes nowhere (no other read, no nested function that sees it). Anything else is not proof,
and the codemod keeps its finding.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from quartify.analysis.walk import children

if TYPE_CHECKING:
    from mimetypes import MimeTypes

_DEFERRED = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

# (key, 0, "") for a form field; (key, n, type) for an n-item file tuple, `type` the content type
# Flask's test client would send for a 2-item tuple with a literal filename ("" otherwise)
Fields = tuple[tuple[str, int, str], ...]


@dataclass(frozen=True)
class Payload:
    """What reaches one `data=name` read: whether files may be in it, and its proven fields
    (None when not proven)."""

    has_files: bool
    fields: Fields | None = None


def guess_type(filename: str) -> str:
    """The content type Flask's test client sends for a `(stream, filename)` tuple: werkzeug guesses
    it from the filename, else "application/octet-stream". Quart's `FileStorage` sends none, so
    the rewrite writes it out. Python's own table only (not the system's mime.types), so the
    migration's output does not depend on the machine it runs on."""
    return _types().guess_type(filename)[0] or "application/octet-stream"


@cache
def _types() -> MimeTypes:
    """Made on first use: making one reads the system's tables as well (`mimetypes.init`, ~2 ms),
    which every run importing the indexer paid, and only a test file with an upload needs."""
    import mimetypes

    return mimetypes.MimeTypes(filenames=())


def file_tuple_size(node: ast.AST) -> int:
    """2 or 3 for a tuple written like a file, `(stream, filename[, content_type])`; 0 otherwise."""
    return len(node.elts) if isinstance(node, ast.Tuple) and 2 <= len(node.elts) <= 3 else 0


@dataclass(frozen=True)
class FunctionNames:
    """One walk of a function's body, shared by every `data=` read in it (each read walked the
    whole function three times, once more per other use of the name): every `Name` by identifier,
    with its parent and whether a nested def, lambda or class holds it; and every
    `name["key"] = value` statement outside nested scopes, by the name stored into."""

    names: dict[str, list[tuple[ast.Name, ast.AST, bool]]]
    key_stores: dict[str, list[tuple[ast.Name, str, ast.AST]]]


def function_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionNames:
    names: dict[str, list[tuple[ast.Name, ast.AST, bool]]] = {}
    stores: dict[str, list[tuple[ast.Name, str, ast.AST]]] = {}
    # (node, parent, inside a nested scope, reached without entering one below the body)
    stack: list[tuple[ast.AST, ast.AST, bool, bool]] = [(s, func, False, True) for s in func.body]
    while stack:
        node, parent, deferred, own = stack.pop()
        if type(node) is ast.Name:
            names.setdefault(node.id, []).append((node, parent, deferred))
        elif own and isinstance(node, ast.stmt):
            store = _key_store(node, None)
            if store is not None:
                stores.setdefault(store[0].id, []).append(store)
        inner = deferred or isinstance(node, _DEFERRED)
        stack.extend((c, node, inner, own and not isinstance(c, _DEFERRED)) for c in children(node))
    return FunctionNames(names, stores)


def data_payload(
    func: ast.FunctionDef | ast.AsyncFunctionDef | None, read: ast.Name, bound: Sequence[ast.AST] | None,
    scan: FunctionNames | None = None,
) -> Payload:
    """What `data=read` carries: `bound` are the values that may reach the read (None: unknown);
    `scan`: `function_names(func)`, when the caller keeps it for the function's other reads."""
    if not bound or func is None:
        return Payload(False)
    literals = [v for v in bound if isinstance(v, ast.Dict)]
    if scan is None:
        scan = function_names(func)
    stores = scan.key_stores.get(read.id, ())
    has_files = any(file_tuple_size(v) for d in literals for v in d.values) or any(
        file_tuple_size(value) for _, _, value in stores)
    if not literals:
        return Payload(False)
    fields = _proven(func, read, bound, scan)
    return Payload(has_files or bool(fields and any(size for _, size, _ in fields)), fields)


def _proven(
    func: ast.FunctionDef | ast.AsyncFunctionDef, read: ast.Name, bound: Sequence[ast.AST], scan: FunctionNames
) -> Fields | None:
    if len(bound) != 1 or not isinstance(bound[0], ast.Dict):
        return None
    literal = bound[0]
    line = list(_straight(func.body))
    definition = next((i for i, s in enumerate(line) if _binds(s, read.id, literal)), None)
    call = next((i for i, s in enumerate(line) if any(n is read for n in _own_nodes(_header(s)))), None)
    if definition is None or call is None or call <= definition:
        return None
    contents: dict[str, ast.AST] = {}
    for key_node, value in zip(literal.keys, literal.values):
        if not (isinstance(key_node, ast.Constant) and isinstance(key_node.value, str)):
            return None  # `**other` or a computed key
        contents[key_node.value] = value
    allowed: set[int] = {id(read), *(id(t) for t in _targets(line[definition]))}
    for stmt in line[definition + 1:call]:
        store = _key_store(stmt, read.id)
        if store is not None:
            target, stored_key, stored = store
            contents[stored_key] = stored
            allowed.add(id(target))
    start, end = _start(line[definition]), _end(_header(line[call]))
    for node, parent, deferred in scan.names.get(read.id, ()):
        if id(node) in allowed or _is_key_read(node, parent):
            continue
        if deferred:
            return None  # a nested function sees the dict: it may change it at any time
        if start <= _start(node) <= end:
            return None  # passed on, rebound or changed in a way this module does not follow
    fields: list[tuple[str, int, str]] = []
    for key, item in contents.items():
        size = file_tuple_size(item)
        if not size and not _is_text(item):
            return None  # a value that may be a file tuple (or not text) at run time
        filename = item.elts[1] if size == 2 and isinstance(item, ast.Tuple) else None
        name = filename.value if isinstance(filename, ast.Constant) and isinstance(filename.value, str) else None
        fields.append((key, size, guess_type(name) if name is not None else ""))
    return tuple(fields)


def _straight(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that surely run in order: the body, and `with` bodies, not branches or loops."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            yield from _straight(stmt.body)


def _header(stmt: ast.stmt) -> list[ast.AST]:
    """What runs at the statement itself (a `with` runs its items; its body comes later in line)."""
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return list(stmt.items)
    return [stmt]


def _own_nodes(nodes: Sequence[ast.AST]) -> Iterator[ast.AST]:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in children(node) if not isinstance(c, _DEFERRED))


def _binds(stmt: ast.stmt, name: str, value: ast.AST) -> bool:
    return (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is value
            and all(isinstance(t, ast.Name) and t.id == name for t in _targets(stmt)))


def _targets(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, ast.Assign):
        return list(stmt.targets)
    if isinstance(stmt, ast.AnnAssign):
        return [stmt.target]
    return []


def _key_store(stmt: ast.stmt, name: str | None) -> tuple[ast.Name, str, ast.AST] | None:
    """`name["key"] = value` as a statement of its own (`name` None: any name)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and name in (None, target.value.id)
            and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str)):
        return target.value, target.slice.value, stmt.value
    return None


def _is_key_read(node: ast.Name, parent: ast.AST) -> bool:
    """`name["key"]` read (not stored or deleted): it cannot change the dict."""
    return (isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load)
            and isinstance(parent.slice, ast.Constant))


def _is_text(node: ast.AST) -> bool:
    """A value Quart's multipart `form=` sends as Flask did: a string, literal or formatted."""
    return isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str)


def _start(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _end(nodes: Sequence[ast.AST]) -> tuple[int, int]:
    last = nodes[-1]
    if isinstance(last, ast.withitem):
        last = last.optional_vars or last.context_expr
    return (getattr(last, "end_lineno", 0) or 0, getattr(last, "end_col_offset", 0) or 0)

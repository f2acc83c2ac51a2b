"""`ast.iter_child_nodes` and `ast.walk`, computed once per tree while a file is indexed.

The index looks at a function's nodes several times (its scope, its flow, the upload helpers,
the file fields), and each look walked the tree again through `ast.iter_child_nodes`, a
generator over a generator: profiling CTFd put a third of the index there. Inside
`children_cached(tree)` every node's children are listed once, up front, and the two functions
below read that list; outside it (or for a node built after the tree was parsed) they are
exactly the `ast` functions. The order is the same either way, so what the index finds does
not depend on the cache.

Listing a node's children reads only the fields its ASDL signature types as nodes (a `Name`'s
`ctx`, not its `id`) and copies a list field whole unless it holds an empty slot: for any tree the
parser builds, the same children as `ast.iter_child_nodes` (a test walks every quartify module).

The tree must not be changed while the cache is active (the index only reads it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager

_AST = ast.AST
_cache: dict[int, list[ast.AST]] | None = None


# ASDL types whose values are never nodes (a name, a string, a constant, a number), alone or as
# `T?` / `T*`: those fields need no look.
_SCALAR_TYPES = frozenset({"identifier", "string", "constant", "int"})
_node_fields: dict[type, tuple[str, ...]] = {}


def _fields_holding_nodes(kind: type) -> tuple[str, ...]:
    """`kind._fields` without the fields its ASDL signature (the class docstring, e.g.
    `Name(identifier id, expr_context ctx)`) types as scalars; all of them when the signature
    does not name exactly those fields."""
    fields: tuple[str, ...] = getattr(kind, "_fields", ())
    doc = kind.__doc__ or ""
    start, end = doc.find("("), doc.rfind(")")
    if not fields or start < 0 or end < start or "\n" in doc:
        return fields
    declared = [part.split() for part in doc[start + 1 : end].split(",")]
    if [p[-1] for p in declared if len(p) == 2] != list(fields) or any(len(p) != 2 for p in declared):
        return fields
    return tuple(name for asdl, name in declared if asdl.rstrip("?*") not in _SCALAR_TYPES)


def _list_children(node: ast.AST) -> list[ast.AST]:
    out: list[ast.AST] = []
    kind = type(node)
    fields = _node_fields.get(kind)
    if fields is None:
        fields = _node_fields[kind] = _fields_holding_nodes(kind)
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, _AST):
            out.append(value)
        elif type(value) is list:
            # A list field holds nodes, and None only where a slot is empty (`{**d}`'s key,
            # a keyword-only argument without a default): copied whole otherwise.
            if None in value:
                out.extend(item for item in value if isinstance(item, _AST))
            else:
                out.extend(value)
    return out


@contextmanager
def children_cached(tree: ast.AST) -> Iterator[None]:
    """List every node's children once; `children` and `walk` read the lists until the end."""
    global _cache
    before = _cache
    cache: dict[int, list[ast.AST]] = {}
    todo = [tree]
    while todo:
        node = todo.pop()
        kids = _list_children(node)
        cache[id(node)] = kids
        todo.extend(kids)
    _cache = cache
    try:
        yield
    finally:
        _cache = before


def children(node: ast.AST) -> list[ast.AST]:
    """The direct child nodes, in `ast.iter_child_nodes` order."""
    cache = _cache
    if cache is not None:
        kids = cache.get(id(node))
        if kids is not None:
            return kids
    return _list_children(node)


def walk(node: ast.AST) -> list[ast.AST]:
    """`node` and everything under it, in `ast.walk` order (breadth first). A list, not a
    generator: the index walks whole subtrees, and a list grows in C where a generator
    resumes in Python once per node."""
    cache = _cache
    if cache is None:
        return list(ast.walk(node))
    get = cache.get
    out = [node]
    for current in out:  # breadth first: the list is the queue, read while it grows
        kids = get(id(current))
        out.extend(kids if kids is not None else _list_children(current))
    return out

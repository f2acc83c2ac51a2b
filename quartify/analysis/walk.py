"""`ast.iter_child_nodes` and `ast.walk`, computed once per tree while a file is indexed.

The index looks at a function's nodes several times (its scope, its flow, the upload helpers,
the file fields), and each look walked the tree again through `ast.iter_child_nodes`, a
generator over a generator: profiling CTFd put a third of the index there. Inside
`children_cached(tree)` every node's children are listed once, up front, and the two functions
below read that list; outside it (or for a node built after the tree was parsed) they are
exactly the `ast` functions. The order is the same either way, so what the index finds does
not depend on the cache.

The tree must not be changed while the cache is active (the index only reads it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager

_AST = ast.AST
_cache: dict[int, list[ast.AST]] | None = None


def _list_children(node: ast.AST) -> list[ast.AST]:
    out: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, _AST):
            out.append(value)
        elif isinstance(value, list):
            out.extend(item for item in value if isinstance(item, _AST))
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

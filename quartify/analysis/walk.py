"""`ast.iter_child_nodes` and `ast.walk`, each node's children listed once while a file is indexed.

The index looks at a function's nodes several times (its scope, its flow, the upload helpers,
the file fields), and each look walked the tree again through `ast.iter_child_nodes`, a
generator over a generator: profiling CTFd put a third of the index there. Inside
`children_cached(tree)` a node's children are listed on the first request and that list is
read after; outside it they are exactly the `ast` functions. The order is the same either way,
so what the index finds does not depend on the cache. Listing on request, not the whole tree up
front, skips the nodes nothing asks about (most leaves under module-level code) and the
up-front loop's own cost (about a tenth of the index's instructions on CTFd). The lists are
kept by node (a node hashes by identity), and `children` is the store's own look-up: a node
already listed costs a dict look-up in C, no Python call.

Listing a node's children reads only the fields its ASDL signature types as nodes (a `Name`'s
`ctx`, not its `id`) and copies a list field whole unless it holds an empty slot: for any tree the
parser builds, the same children as `ast.iter_child_nodes` (a test walks every quartify module).

The tree must not be changed while the cache is active (the index only reads it).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_AST = ast.AST


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


class _Children(dict[ast.AST, list[ast.AST]]):
    """Children by node (a node hashes by identity, and a key keeps its node alive, so no
    address is reused by a node built later). A miss lists them, and keeps the list while a
    `children_cached` block is open."""

    open_blocks = 0

    def __missing__(self, node: ast.AST) -> list[ast.AST]:
        kids = _list_children(node)
        if self.open_blocks:
            self[node] = kids
        return kids


_store = _Children()

# The direct child nodes of a node, in `ast.iter_child_nodes` order: the store's own lookup, so
# a listed node's children cost one dict look-up in C, no Python call (the index's analyses ask
# about two million times on indico).
children: Callable[[ast.AST], list[ast.AST]] = _store.__getitem__


@contextmanager
def children_cached(tree: ast.AST) -> Iterator[None]:
    """Inside: `children` and `walk` list each node's children once, on the first request, and
    read that list after (`tree`: the tree they are for; any node asked about is kept)."""
    _store.open_blocks += 1
    try:
        yield
    finally:
        _store.open_blocks -= 1
        if not _store.open_blocks:
            _store.clear()


def walk(node: ast.AST) -> list[ast.AST]:
    """`node` and everything under it, in `ast.walk` order (breadth first). A list, not a
    generator: the index walks whole subtrees, and a list grows in C where a generator
    resumes in Python once per node."""
    if not _store.open_blocks:
        return list(ast.walk(node))
    get = _store.__getitem__
    out = [node]
    for current in out:  # breadth first: the list is the queue, read while it grows
        out.extend(get(current))
    return out

"""The cached walk gives exactly `ast.walk` / `ast.iter_child_nodes`, inside and outside the cache."""

from __future__ import annotations

import ast
from pathlib import Path

from quartify.analysis.walk import children, children_cached, walk

SOURCE = '''
import os

class Box(Base, metaclass=Meta):
    """Doc."""
    size: int = 3

    @property
    def area(self, *args, key=None, **kw):
        with open(p) as f, lock:
            data = [x for x in f if x async for y in z]
        match data:
            case [1, *rest] | {"k": v, **others}:
                return lambda q=1: q + (yield)
        try:
            pass
        except* ValueError as exc:
            raise
        return f"{data!r:>{width}}"
'''


def _shape(nodes: list[ast.AST]) -> list[tuple[str, int, int]]:
    return [(type(n).__name__, getattr(n, "lineno", 0), getattr(n, "col_offset", 0)) for n in nodes]


def test_walk_and_children_match_ast_inside_and_outside_the_cache() -> None:
    tree = ast.parse(SOURCE)
    expected_walk = list(ast.walk(tree))
    expected_children = {id(n): list(ast.iter_child_nodes(n)) for n in expected_walk}
    assert list(walk(tree)) == expected_walk
    with children_cached(tree):
        assert list(walk(tree)) == expected_walk
        for node in expected_walk:
            assert children(node) == expected_children[id(node)]
            assert list(walk(node)) == list(ast.walk(node))
    assert all(children(n) == expected_children[id(n)] for n in expected_walk)


def test_a_node_built_after_parsing_is_walked_like_ast_does() -> None:
    tree = ast.parse("x = 1")
    with children_cached(tree):
        built = ast.BinOp(left=ast.Name("a", ast.Load()), op=ast.Add(), right=ast.Constant(2))
        assert _shape(list(walk(built))) == _shape(list(ast.walk(built)))
        assert children(built) == list(ast.iter_child_nodes(built))


def test_a_dropped_node_does_not_lend_its_children_to_a_later_one() -> None:
    # Children are listed on request and kept by id: a node built, listed and dropped inside the
    # cache (the resolver's marker nodes) must not leave its list to the next node at its address.
    tree = ast.parse("x = 1")
    with children_cached(tree):
        for number in range(200):
            built = ast.BinOp(left=ast.Name(f"a{number}", ast.Load()), op=ast.Add(), right=ast.Constant(number))
            assert children(built) == list(ast.iter_child_nodes(built))
            assert walk(built) == list(ast.walk(built))
            del built


def test_every_module_of_quartify_is_walked_like_ast_does() -> None:
    # The walk skips fields whose ASDL type is a name, string or number: none may hold a node.
    import quartify

    root = Path(quartify.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        expected = list(ast.walk(tree))
        with children_cached(tree):
            assert walk(tree) == expected, path
            assert all(children(n) == list(ast.iter_child_nodes(n)) for n in expected), path

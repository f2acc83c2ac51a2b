"""Whether a `with` statement could move, unchanged, into a nested function of its own.

An app factory must stay sync, yet Quart's `app.app_context()` is only an async context manager.
`planners/factory_with.py` moves such a block into a nested `async def` run to completion in a
worker thread. That is only a move when the block talks to the rest of the function through
reads: a name it binds becomes the nested function's local, so the function must not read (or
bind) that name anywhere else; a `return`, `yield`, `await`, or a `break`/`continue` aimed at a
loop outside the block would change meaning or stop compiling. This module answers on the `ast`
of the statement and its function, conservatively: anything unusual says no.
"""

from __future__ import annotations

import ast

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Never moved: they leave the function, declare scope, or define something in it.
_REFUSED = (ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal,
            ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.NamedExpr, ast.Match,
            ast.AsyncWith, ast.AsyncFor)


def movable_into_closure(stmt: ast.With, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True when no item binds a name (`as`), the body returns, yields, awaits nothing and
    breaks out of / continues no loop around the `with`, and every name the body binds (a
    loop variable, an assignment, an import) appears nowhere else in `function`. (The index
    asks only for app factories' statements: the check walks the body.)"""
    if any(item.optional_vars is not None for item in stmt.items):
        return False
    bound: set[str] = set()
    if not all(_movable(child, False, bound) for child in stmt.body):
        return False
    return not bound or not (bound & _names_outside(function, stmt))


def _movable(node: ast.AST, in_loop: bool, bound: set[str]) -> bool:
    if isinstance(node, _REFUSED):
        return False
    if isinstance(node, (ast.Break, ast.Continue)):
        return in_loop
    if isinstance(node, ast.Name):
        if not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        return True
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            if alias.name == "*":
                return False
            bound.add(alias.asname or alias.name.partition(".")[0])
        return True
    if isinstance(node, ast.ExceptHandler) and node.name is not None:
        bound.add(node.name)
    if isinstance(node, _COMPREHENSIONS):
        # its loop targets are its own (a walrus inside is refused above); the rest is read here
        parts = [child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.comprehension)]
        parts += [part for gen in node.generators for part in (gen.iter, *gen.ifs)]
        return all(_movable(part, in_loop, bound) for part in parts)
    if isinstance(node, ast.Lambda):
        return all(_movable(d, in_loop, bound) for d in (*node.args.defaults, *node.args.kw_defaults) if d)
    if isinstance(node, (ast.For, ast.While)):
        head = [node.test] if isinstance(node, ast.While) else [node.target, node.iter]
        return (all(_movable(child, True, bound) for child in node.body)
                and all(_movable(child, in_loop, bound) for child in (*head, *node.orelse)))
    return all(_movable(child, in_loop, bound) for child in ast.iter_child_nodes(node))


def _names_outside(function: ast.FunctionDef | ast.AsyncFunctionDef, stmt: ast.With) -> set[str]:
    """Every name `function` reads or binds outside `stmt` (nested scopes included: a closure
    reading a name counts), and its parameters."""
    names: set[str] = set()
    pending: list[ast.AST] = [function.args, *function.body]
    while pending:
        node = pending.pop()
        if node is stmt:
            continue
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name is not None:
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(a.asname or a.name.partition(".")[0] for a in node.names)
        pending.extend(ast.iter_child_nodes(node))
    return names

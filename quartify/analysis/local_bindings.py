"""What the statements of one function or class body bind, and to what.

`analysis.scopes` resolves a local name through the values bound to it, and `analysis.flow`
follows which of those values reach each read. Both take them from here, collected once per
binding statement: the scope's list of a name's values is the concatenation of its statements'
lists, and the flow is handed each statement's own (the same value objects, which it compares
by identity). Values that are not expressions of the tree are markers: a nested def or a local
import (`RefMarker`, `ImportMarker`: the reference is known outright) and a `for` target
(`IterMarker`: an item of what the loop iterates).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator

from quartify.analysis.walk import children


class RefMarker(ast.AST):
    """Stands for a value whose reference is known outright (a nested def, a local import)."""

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref


class ImportMarker(RefMarker):
    """A value bound by an `import` inside a function or class body."""


class IterMarker(ast.AST):
    """Stands for "an item of `iter`" as the value a `for` target is bound to."""

    def __init__(self, iter_node: ast.expr) -> None:
        super().__init__()
        self.iter = iter_node


def target_names(target: ast.AST) -> Iterator[str]:
    """The names an assignment target binds (`a, (b, *c)`: a, b, c)."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)


_NAMED_HERE = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
# Nodes with names of their own: the walk does not enter them.
_NESTED = frozenset({*_NAMED_HERE, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp})
# The node types `node_bindings` reads (and `global`); every other node binds nothing.
_BINDERS = frozenset({
    ast.Global, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.With,
    ast.AsyncWith, ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
    ast.ExceptHandler,
})


# What may hold a binding statement of the same scope: a statement, an `except` clause, a `case`.
_STATEMENT_LIKE = (ast.stmt, ast.excepthandler, ast.match_case)
# ... and of those, the kinds with statements inside (a block, handlers, cases).
_HOLDS_STATEMENTS = frozenset(
    kind for kind in vars(ast).values()
    if isinstance(kind, type) and issubclass(kind, _STATEMENT_LIKE)
    and {"body", "orelse", "handlers", "finalbody", "cases"} & set(kind._fields)
)


def scope_statements(body: Iterable[ast.stmt], rare_binders: bool = True) -> Iterator[ast.AST]:
    """Every node of a function body that belongs to its own scope (not nested scopes) and may
    bind a name there (`_BINDERS`), in the order of a depth-first walk, last child first.
    `rare_binders` False (the module holds no `:=`): no expression binds a name here (a lambda's
    or comprehension's names are its own), so only statements are looked into; the binders come
    out in the same order as from the whole walk."""
    stack: list[ast.AST] = list(body)
    nested, named, binders = _NESTED, _NAMED_HERE, _BINDERS
    statement_like, holding = _STATEMENT_LIKE, _HOLDS_STATEMENTS
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind in binders:
            yield node
        if kind in named:
            continue  # a def or class of the body itself: its name is bound here, its body is its own
        if not rare_binders and kind not in holding:
            continue  # a simple statement: expressions only
        for child in children(node):
            kind = type(child)
            if kind in nested:
                if kind in named:
                    yield child  # its name is bound here
                continue
            if rare_binders or isinstance(child, statement_like):
                stack.append(child)


def collect(
    body: list[ast.stmt], qualname: str, values: dict[str, list[ast.AST]], declared_global: set[str],
    rare_binders: bool, import_base: Callable[[ast.ImportFrom], str], imported: set[str],
) -> dict[int, dict[str, list[ast.AST]]]:
    """Fill `values` with the names the body of the scope `qualname` binds (in walk order),
    `declared_global` with its `global` names and `imported` with the names an `import` binds;
    gives each binding node's own names, by id of the node (for `analysis.flow`)."""
    by_node: dict[int, dict[str, list[ast.AST]]] = {}
    for node in scope_statements(body, rare_binders):
        if isinstance(node, ast.Global):
            declared_global.update(node.names)
            continue
        own = node_bindings(node, qualname, import_base)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported.update(own)
        by_node[id(node)] = own
        for name, bound in own.items():
            known = values.get(name)
            if known is None:
                values[name] = list(bound)
            else:
                known.extend(bound)
    return by_node


def node_bindings(
    node: ast.AST, qualname: str, import_base: Callable[[ast.ImportFrom], str]
) -> dict[str, list[ast.AST]]:
    """The names one binding node (`_BINDERS`, not `global`) of the scope `qualname` binds, and to what."""
    values: dict[str, list[ast.AST]] = {}
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                values.setdefault(target.id, []).append(node.value)
            else:
                for name in target_names(target):
                    values.setdefault(name, []).extend([node, node])  # unknown: two values
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        values.setdefault(node.target.id, []).append(node.value if node.value else node)
    elif isinstance(node, (ast.AugAssign, ast.NamedExpr)):
        for name in target_names(node.target):
            values.setdefault(name, []).extend([node, node])
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        if isinstance(node.target, ast.Name):
            values.setdefault(node.target.id, []).append(IterMarker(node.iter))
        else:
            for name in target_names(node.target):
                values.setdefault(name, []).extend([node, node])
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if isinstance(item.optional_vars, ast.Name):
                values.setdefault(item.optional_vars.id, []).append(item.context_expr)
            elif item.optional_vars is not None:
                for name in target_names(item.optional_vars):
                    values.setdefault(name, []).extend([node, node])
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        _collect_local_imports(node, values, import_base)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        values.setdefault(node.name, []).append(RefMarker(f"{qualname}.<locals>.{node.name}"))
    elif isinstance(node, ast.ExceptHandler) and node.name:
        values.setdefault(node.name, []).extend([node, node])
    return values


def _collect_local_imports(
    node: ast.Import | ast.ImportFrom,
    values: dict[str, list[ast.AST]],
    import_base: Callable[[ast.ImportFrom], str],
) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                values.setdefault(alias.asname, []).append(ImportMarker(alias.name))
            else:
                top = alias.name.split(".")[0]
                values.setdefault(top, []).append(ImportMarker(top))
        return
    base = import_base(node)
    for alias in node.names:
        if alias.name != "*":
            ref = f"{base}.{alias.name}" if base else alias.name
            values.setdefault(alias.asname or alias.name, []).append(ImportMarker(ref))

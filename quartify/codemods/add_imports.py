"""Add the imports a rewrite needs, as LibCST's `AddImportsVisitor` adds them, without its visitor.

`AddImportsVisitor` is a matcher-decorated transformer: building one (and the import gatherer it
builds in turn) scans every attribute of the class for matchers, and its traversal runs every
node through them. On CTFd that set-up was ~0.06 CPU seconds per file, whatever the file's size:
all of `_rewrite_head`'s time. What the visitor decides reads only the module's first statements
(a docstring or `__strict__` flag, the run of import lines after it, and the leading lines of
the statement after them), so this module makes the same decisions on those statements directly
and builds the same nodes (`parse_statement` with the module's config, `ImportAlias` prepended to
an existing from-import), which generate the same text.

Only what quartify asks for is handled: `(module, name or None)` pairs, absolute, never
`__future__`, no aliases, no package (relative imports in the file are not understood, as with
the visitor's default context). `tests/codemods/test_add_imports.py` holds it to the visitor's
output.
"""

from __future__ import annotations

import libcst as cst


def add_imports(module: cst.Module, needed: set[tuple[str, str | None]]) -> cst.Module:
    """`module` with `needed` imported, as `AddImportsVisitor` would write it."""
    if any(mod == "__future__" for mod, _name in needed):
        raise ValueError("__future__ imports are not supported here")
    start = 1 if _skip_first(module) else 0
    end = leading_imports_end(module)
    leading = [_only(stmt) for stmt in module.body[start:end]]

    modules = {mod for mod, name in needed if name is None}
    names: dict[str, set[str]] = {}
    for mod, name in sorted(needed, key=lambda t: (t[0], t[1] or "")):
        if name is not None:
            names.setdefault(mod, set()).add(name)
    names = {mod: names[mod] for mod in sorted(names)}
    _drop_present(leading, modules, names)

    body = list(module.body)
    for i, stmt in enumerate(leading, start):
        if isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
            source = _from_module(stmt)
            if source is not None and source in names:
                added = [cst.ImportAlias(name=cst.Name(n)) for n in sorted(names.pop(source))]
                line = body[i]
                assert isinstance(line, cst.SimpleStatementLine)
                body[i] = line.with_changes(body=[stmt.with_changes(names=[*added, *stmt.names])])
    if not modules and not names:
        return module.with_changes(body=body) if body != list(module.body) else module

    config = module.config_for_parsing
    new = [cst.parse_statement(f"import {mod}", config=config) for mod in sorted(modules)]
    new += [cst.parse_statement(f"from {mod} import " + ", ".join(sorted(objs)), config=config)
            for mod, objs in names.items()]
    return module.with_changes(body=[*body[:end], *new, *_with_blank_line_above(body[end:])])


def leading_imports_end(module: cst.Module) -> int:
    """The index in `module.body` after the leading import lines (past a docstring or
    `__strict__` flag): where the visitor puts new imports."""
    end = 1 if _skip_first(module) else 0
    while end < len(module.body) and _is_import_line(module.body[end]):
        end += 1
    return end


def _drop_present(leading: list[cst.Import | cst.ImportFrom], modules: set[str], names: dict[str, set[str]]) -> None:
    """Forget what the leading imports already import (the visitor's gather pass)."""
    imported: set[str] = set()
    objects: dict[str, set[str]] = {}
    for stmt in leading:
        if isinstance(stmt, cst.Import):
            imported.update(alias.evaluated_name for alias in stmt.names if alias.evaluated_alias is None)
            continue
        mod = _from_module(stmt)
        if mod is None:
            continue
        if isinstance(stmt.names, cst.ImportStar):
            objects[mod] = {"*"}
            continue
        plain = {alias.evaluated_name for alias in stmt.names if alias.asname is None}
        if plain:
            have = objects.setdefault(mod, set())
            if "*" not in have:
                have.update(plain)
    modules.difference_update(imported)
    for mod, objs in objects.items():
        if mod not in names:
            continue
        remaining = set() if "*" in objs else names[mod] - objs
        if remaining:
            names[mod] = remaining
        else:
            del names[mod]


Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


def _with_blank_line_above(after: list[Statement]) -> list[Statement]:
    """The visitor's `_insert_empty_line`: the first statement after the new imports gets an
    empty line above it unless its leading lines start with one."""
    if not after:
        return after
    first = after[0]
    if not first.leading_lines:
        return [first.with_changes(leading_lines=(cst.EmptyLine(),)), *after[1:]]
    if first.leading_lines[0].comment is None:
        return after
    return [first.with_changes(leading_lines=(cst.EmptyLine(), *first.leading_lines)), *after[1:]]


def _from_module(stmt: cst.ImportFrom) -> str | None:
    """The module a from-import names; None when relative (no package is known)."""
    if stmt.relative or stmt.module is None:
        return None
    return _dotted(stmt.module)


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _skip_first(module: cst.Module) -> bool:
    """The visitor's `_skip_first`: a first line that is only a string, or only `__strict__ = ...`."""
    if not module.body:
        return False
    first = module.body[0]
    if not isinstance(first, cst.SimpleStatementLine) or len(first.body) != 1:
        return False
    stmt = first.body[0]
    if isinstance(stmt, cst.Expr):
        return isinstance(stmt.value, cst.SimpleString)
    return (isinstance(stmt, cst.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0].target, cst.Name) and stmt.targets[0].target.value == "__strict__")


def _is_import_line(stmt: cst.BaseStatement) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], (cst.Import, cst.ImportFrom)))


def _only(stmt: cst.BaseStatement) -> cst.Import | cst.ImportFrom:
    assert isinstance(stmt, cst.SimpleStatementLine)
    node = stmt.body[0]
    assert isinstance(node, (cst.Import, cst.ImportFrom))
    return node

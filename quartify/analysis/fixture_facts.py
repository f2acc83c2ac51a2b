"""Where pytest finds fixtures besides the test module and its conftest.py files.

A test asks for a fixture by name, and pytest looks in the test's class, its module, the
conftest.py files above it, and the plugin modules a conftest names in `pytest_plugins` (and
whatever a conftest imports, by name or with `*`). The linker types a test's parameter by that
fixture's value; a fixture it cannot find leaves the test's client calls unawaited (issue 10,
shape 21), so it follows each of these places. This module reads the one fact the index needs
from a module's own text: the plugin modules it names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable


def plugin_modules(body: Iterable[ast.stmt]) -> tuple[str, ...]:
    """The modules named by a module-level `pytest_plugins = "a"` / `["a", "b"]` / `("a",)`."""
    found: list[str] = []
    for stmt in body:
        if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if not any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in targets):
            continue
        value = stmt.value
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        found.extend(i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str))
    return tuple(found)

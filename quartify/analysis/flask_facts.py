"""What the index records about Flask itself, apart from calls and uses.

The walker in `analysis.index` finds the nodes; this module decides what they mean for a
Flask-to-Quart migration: which imports are Flask's or a Flask extension's, which names Quart
spells differently (`Flask` -> `Quart`), what `g.x = ...` stores, which monkeypatched fakes
stand in for which functions, which calls build an app, which names are the app globals, and
where the user silenced a finding with `# quartify: ignore[CODE]`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from quartify.analysis.model import Rename
from quartify.analysis.positions import Positions
from quartify.analysis.scopes import NameResolver, module_statements
from quartify.core.types import Span
from quartify.rules import extensions as matrix
from quartify.rules import loader

_APP_CLASSES = frozenset({"flask.Flask", "flask.app.Flask", "quart.Quart", "quart.app.Quart"})
_APP_GLOBALS = ("flask.g", "flask.current_app", "flask.globals.g", "flask.globals.current_app",
                "quart.g", "quart.current_app", "quart.globals.g", "quart.globals.current_app",
                # Flask-Login keeps the signed-in user on `g`: reading it needs the app context.
                "flask_login.current_user", "flask_login.utils.current_user")
_G_NAMES = frozenset({"flask.g", "flask.globals.g", "quart.g", "quart.globals.g"})
_SUPPRESS = re.compile(r"#\s*quartify:\s*ignore\[([A-Z0-9, ]+)\]")


def is_flask_module(module: str) -> bool:
    """`flask` or one of its submodules (extensions are not: they have their own table)."""
    return module.split(".")[0] == "flask"


def is_app_class(ref: str) -> bool:
    """Calling it builds an application (a function doing so is an app factory)."""
    return ref in _APP_CLASSES


_APP_GLOBAL_SET = frozenset(_APP_GLOBALS)
_APP_GLOBAL_PREFIXES = tuple(name + "." for name in _APP_GLOBALS)


def is_app_global(ref: str) -> bool:
    """`g` or `current_app` (or a proxy stored on them), or anything reached through them."""
    return ref in _APP_GLOBAL_SET or ref.startswith(_APP_GLOBAL_PREFIXES)


def suppressions(lines: list[str]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """`# quartify: ignore[QFY251]` comments, by line (comments are text: ast drops them)."""
    found = []
    for number, text in enumerate(lines, start=1):
        if "quartify:" in text:
            match = _SUPPRESS.search(text)
            if match:
                found.append((number, tuple(c.strip() for c in match.group(1).split(",") if c.strip())))
    return tuple(found)


def worker_class(body: Iterable[ast.stmt]) -> tuple[int, str] | None:
    """The last module-level `worker_class = "gevent"` (a gunicorn config file): (line, value)."""
    found: tuple[int, str] | None = None
    for stmt in module_statements(body):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value
            if (
                any(isinstance(t, ast.Name) and t.id == "worker_class" for t in targets)
                and isinstance(value, ast.Constant) and isinstance(value.value, str)
            ):
                found = (stmt.lineno, value.value)
    return found


class FlaskFacts:
    """Collects one module's Flask facts while the indexer walks it."""

    def __init__(self, positions: Positions, resolver: NameResolver) -> None:
        self.positions = positions
        self.resolver = resolver
        self.names = loader.names()
        # The identifiers `note_name` can rename: a read of any other name records nothing.
        self.renamable = frozenset({
            "flask", *(ref.rsplit(".", 1)[-1] for ref in (*self.names.renames, *self.names.extension_renames))})
        self.imports_flask = False
        self.flask_import_lines: list[int] = []
        self.extension_imports: list[tuple[int, int, str, bool]] = []
        self.renames: list[Rename] = []
        self.g_attrs: dict[str, list[str]] = {}

    def g_attributes(self) -> tuple[tuple[str, str], ...]:
        """Each `g` attribute with what it holds ("" when assigned different things)."""
        return tuple(sorted((name, refs[0] if len(set(refs)) == 1 else "") for name, refs in self.g_attrs.items()))

    def note_import(self, stmt: ast.Import | ast.ImportFrom) -> None:
        """An import anywhere in the file: Flask's, or a Flask extension's."""
        if isinstance(stmt, ast.Import):
            modules = [alias.name for alias in stmt.names]
        else:
            base = self.resolver.bindings.import_base(stmt)
            # `from playhouse import flask_utils`: the extension is a submodule the statement names.
            subs = [f"{base}.{alias.name}" for alias in stmt.names] if matrix.by_module(base) is None else []
            modules = [base, *(m for m in subs if matrix.by_module(m) is not None)]
        if any(is_flask_module(m) for m in modules):
            self.imports_flask = True
            self.flask_import_lines.append(stmt.lineno)
        for m in modules:
            if matrix.by_module(m) is not None:
                col = self.positions.col(stmt.lineno, stmt.col_offset)
                self.extension_imports.append((stmt.lineno, col, m, isinstance(stmt, ast.ImportFrom)))
                self.flask_import_lines.append(stmt.lineno)

    def note_g_attributes(self, stmt: ast.Assign) -> None:
        """`g.db = sqlite3.connect(...)`: what `g.db` holds wherever it is read."""
        ref = self.resolver.ref
        for target in stmt.targets:
            if isinstance(target, ast.Attribute) and ref(target.value) in _G_NAMES:
                self.g_attrs.setdefault(target.attr, []).append(ref(stmt.value) or "")

    def patch(self, node: ast.Call) -> tuple[str, str, int] | None:
        """`monkeypatch.setattr("pkg.mod.func", fake)` or `(module, "func", fake)`: the fake must
        share the colour of what it replaces. Gives (target, fake, line)."""
        if not isinstance(node.func, ast.Attribute) or node.func.attr != "setattr":
            return None
        ref = self.resolver.ref
        args = node.args
        target: str | None = None
        fake: ast.expr | None = None
        if len(args) >= 2 and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            target, fake = args[0].value, args[1]
        elif len(args) >= 3 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
            base = ref(args[0])
            target, fake = (f"{base}.{args[1].value}" if base else None), args[2]
        fake_ref = ref(fake) if fake is not None else None
        if target and fake_ref:
            return (target, fake_ref, node.lineno)
        return None

    def note_name(self, node: ast.Name) -> None:
        """A read of an imported Flask name Quart spells differently (`Flask`, `flask`)."""
        if node.id not in self.renamable:
            return
        bindings = self.resolver.bindings
        ref = self.resolver.local_import_ref(node.id)  # `from flask import Flask` inside a def
        if ref is None:
            if node.id not in bindings.import_bound or self.resolver.is_local(node.id):
                return
            ref = bindings.refs.get(node.id, "")
        if ref == "flask" and node.id == "flask":
            self.renames.append(Rename(self.positions.span(node), "quart"))
        elif ref in self.names.renames and ref.rsplit(".", 1)[-1] == node.id:
            self.renames.append(Rename(self.positions.span(node), self.names.renames[ref]))
        elif ref in self.names.extension_renames and ref.rsplit(".", 1)[-1] == node.id:
            self.renames.append(Rename(self.positions.span(node), self.names.extension_renames[ref], ref.split(".")[0]))

    def note_attribute(self, node: ast.Attribute, ref: str | None) -> None:
        """`flask.Flask`: only the attribute name is renamed (`ref`: what `node` refers to)."""
        if ref and ref in self.names.renames:
            end = self.positions.span(node)
            self.renames.append(
                Rename(Span(end.end_line, end.end_col - len(node.attr), end.end_line, end.end_col),
                       self.names.renames[ref])
            )

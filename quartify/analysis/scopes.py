"""Scopes and name resolution for the indexer: what a name stands for where it is read.

The index never trusts a name's spelling: `request` is Flask's only when the module's imports
and the enclosing scopes say so. This module turns the stdlib `ast` of one file into reference
strings (see `analysis.model`) by following module bindings (imports, aliases, relative imports,
assignments) and the local scopes of functions, lambdas and comprehensions. It knows nothing
about Flask; `analysis.flask_facts` holds that.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from quartify.analysis import flow, local_bindings
from quartify.analysis.local_bindings import (
    ImportMarker,
    IterMarker,
    RefMarker,
    target_names,
)
from quartify.analysis.walk import walk

# Reference-string prefixes (the linker reads them back).
PARAM_PREFIX = "@param:"  # `@param:<function qualname>:<name>`: an untyped parameter
SUPER_PREFIX = "@super:"  # `@super:<class qualname>()`: `super()` inside a method of that class
UNRESOLVED = "?"
CAST = "typing.cast"  # `typing.cast(T, value)` refers to what `value` refers to
UNION_PREFIX = "@any"  # `@any{a|b}`: a local bound several ways

_FUNC = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# A parameter annotated with Werkzeug's response classes holds what Flask's test client returns
# (a `TestResponse` wrapping `flask.Response`) or what a hook receives: under Quart, a Quart
# response. Only annotations are mapped: a `werkzeug.Response(...)` the code builds stays Werkzeug's.
_RESPONSE_ANNOTATIONS = frozenset({
    "werkzeug.test.TestResponse", "werkzeug.Response", "werkzeug.wrappers.Response",
    "werkzeug.wrappers.response.Response", "werkzeug.sansio.response.Response",
})
# Annotations that say nothing about which function a parameter holds: a decorator's
# `f: Callable[..., Any]` or `f: F` (a TypeVar) is still "whatever was passed", so in a def with
# a nested def (a decorator and its wrapper) it stays a parameter: graph.py finds decorator
# families by the wrapper's calls of a parameter.
_OPAQUE_ANNOTATIONS = frozenset({
    "typing.Callable", "typing.Callable[]", "collections.abc.Callable", "collections.abc.Callable[]",
    "typing.TypeVar()", "builtins.str()",  # the last: a string annotation, not a str value
})
Comprehension: TypeAlias = ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """`from ..x import y` inside `module` -> the absolute module `x` names."""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if name:
        return f"{base}.{name}" if base else name
    return base


def literal_ref(node: ast.AST) -> str | None:
    """The builtin type of a literal, as a reference (`{...}` is `builtins.dict()`)."""
    if isinstance(node, (ast.Dict, ast.DictComp)):
        return "builtins.dict()"
    if isinstance(node, (ast.List, ast.ListComp)):
        return "builtins.list()"
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return f"builtins.{type(node.value).__name__}()"
    if isinstance(node, ast.JoinedStr):
        return "builtins.str()"
    return None


_G_REFS = frozenset({"flask.g", "flask.globals.g", "quart.g", "quart.globals.g"})  # the app-context namespace


@dataclass
class Scope:
    """One scope's local names; `local_values` holds every expression bound to each name."""

    qualname: str
    kind: str  # "module" | "class" | "function"
    params: dict[str, str | None] = field(default_factory=dict)
    local_values: dict[str, list[ast.AST]] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    resolving: set[object] = field(default_factory=set)  # names (or read nodes) being resolved
    method_class: str | None = None  # a def directly in a class body: that class
    # Flow-sensitive view (analysis.flow): the bound values that reach each read of a local.
    reaching: flow.Reaching = field(default_factory=dict)
    # A function's body, for `only_iterated` (computed on the first question: few functions ask).
    body: list[ast.stmt] = field(default_factory=list)
    _only_iterated: frozenset[str] | None = None
    # What each expression answered while this scope was the innermost (`NameResolver.ref`).
    answered: dict[ast.AST, str | None] = field(default_factory=dict)
    # ... and each set of local values, by (id of their scope, ids of the values): the answer, and
    # the cycle guard's keys asked about while it was worked out (`NameResolver._local_ref`).
    values_answered: dict[tuple[int, ...], tuple[str | None, frozenset[object]]] = field(default_factory=dict)

    def only_iterated(self) -> frozenset[str]:
        """Locals read only as the iterable of a `for` (a list bound to them is never changed in place)."""
        if self._only_iterated is None:
            self._only_iterated = _only_iterated(self.body)
        return self._only_iterated


class _InstanceMarker(ast.AST):
    """Stands for "an instance of `cls`" where `isinstance(name, cls)` holds (an `if` branch)."""

    def __init__(self, test: ast.Call) -> None:
        super().__init__()
        self.test = test


@dataclass
class ModuleBindings:
    """Module-level names, collected before the walk (a function may use a name bound below it).

    A name bound twice to different things maps to "" (ambiguous); `counts` tells a name bound
    to something unknown from a name never bound (a builtin).
    """

    module: str
    is_package: bool
    refs: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    import_bound: set[str] = field(default_factory=set)
    star_imports: list[str] = field(default_factory=list)
    rare_binders: bool = True  # False: the text holds no `:=`, `global`, `nonlocal` or `match` (analysis.flow)

    def import_base(self, stmt: ast.ImportFrom) -> str:
        if stmt.level:
            return resolve_relative(self.module, self.is_package, stmt.level, stmt.module)
        return stmt.module or ""

    def bind(self, name: str, ref: str) -> None:
        count = self.counts.get(name, 0)
        if count and self.refs.get(name) != ref:
            ref = ""
        self.counts[name] = count + 1
        self.refs[name] = ref

    def collect(self, body: Iterable[ast.stmt]) -> None:
        """Module-level names in statement order, looking into if/try/with blocks."""
        for stmt in module_statements(body):
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    self.bind(bound, alias.name if alias.asname else bound)
                    self.import_bound.add(bound)
            elif isinstance(stmt, ast.ImportFrom):
                base = self.import_base(stmt)
                for alias in stmt.names:
                    if alias.name == "*":
                        self.star_imports.append(base)
                        continue
                    bound = alias.asname or alias.name
                    self.bind(bound, f"{base}.{alias.name}" if base else alias.name)
                    self.import_bound.add(bound)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.bind(stmt.name, f"{self.module}.{stmt.name}")
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        ref = self.module_ref(stmt.value) if stmt.value is not None else None
                        self.bind(target.id, ref or "")
                    else:
                        for name in target_names(target):
                            self.bind(name, "")
            elif isinstance(stmt, (ast.For, ast.AugAssign)):
                for name in target_names(stmt.target):
                    self.bind(name, "")

    def module_ref(self, node: ast.AST) -> str | None:
        """A module-level expression's reference, from the bindings collected so far."""
        if isinstance(node, ast.Name):
            if node.id not in self.counts:
                return f"builtins.{node.id}"  # `AUDIT = open(...)` at module level
            return self.refs.get(node.id) or None
        if isinstance(node, ast.Attribute):
            base = self.module_ref(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = self.module_ref(node.func)
            if base == CAST and len(node.args) == 2:  # `typing.cast(T, value)` is `value`
                return self.module_ref(node.args[1])
            return f"{base}()" if base else None
        if isinstance(node, ast.Subscript):
            base = self.module_ref(node.value)
            return f"{base}[]" if base else None
        return None


class NameResolver:
    """The stack of scopes being walked, and what an expression refers to from inside it."""

    keep_answers = True  # False: every question worked out afresh (tests compare the two)

    def __init__(self, bindings: ModuleBindings) -> None:
        self.bindings = bindings
        self.scopes: list[Scope] = []
        self._resolving = 0  # local values being resolved (the cycle guard is up: no answer is kept)
        self._guard_hits = 0  # how often the cycle guard has answered None
        self._checked: set[object] | None = None  # the guard's keys asked about, while recording
        self._imported_locally: set[str] = set()  # names an `import` binds in a function or class body

    def push(self, scope: Scope) -> None:
        self.scopes.append(scope)

    def pop(self) -> None:
        self.scopes.pop()

    def is_local(self, name: str) -> bool:
        """`name` is bound in an enclosing function scope (so it is not the module's import)."""
        for scope in reversed(self.scopes):
            if scope.kind == "class":
                continue
            if scope.kind == "module":
                return False
            if name in scope.declared_global:
                return False
            if name in scope.params or name in scope.local_values:
                return True
        return False

    def is_param(self, name: str) -> bool:
        """`name` is a parameter of the innermost function scope binding it."""
        for scope in reversed(self.scopes):
            if scope.kind == "class":
                continue
            if scope.kind == "module" or name in scope.declared_global:
                return False
            if name in scope.params:
                return True
            if name in scope.local_values:
                return False
        return False

    def pinned_strings(self, node: ast.AST) -> set[str] | None:
        """The identifier strings `node` can be (`getattr(client, verb)`), or None when unknown."""
        return self._strings(node)

    def loop_iterables(self, read: ast.Name) -> list[ast.expr]:
        """What the `for` loops binding the local `read` reads iterate over (empty: none)."""
        return [v.iter for v in self._bound_values(read) or () if isinstance(v, IterMarker)]

    def method_class(self) -> str | None:
        """The class whose method (or a def nested in it) is being walked."""
        for scope in reversed(self.scopes):
            if scope.method_class is not None:
                return scope.method_class
        return None

    def ref(self, node: ast.AST) -> str | None:
        """The reference string an expression stands for, or None when it cannot be told.
        An expression's answer depends only on the scopes around it, which do not change while
        they are on the stack: it is kept per innermost scope (the index asks again for `a.b`
        after `a.b.c`), unless the cycle guard is up (an expression met while resolving a local's
        values may answer None only because of the guard)."""
        if self._resolving or not self.scopes or not self.keep_answers:
            return self._ref(node)
        answered = self.scopes[-1].answered
        if node in answered:
            return answered[node]
        ref = answered[node] = self._ref(node)
        return ref

    def _ref(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.name_ref(node.id, node)
        if isinstance(node, ast.Attribute):
            base = self.ref(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "super" and not node.args:
                owner = self.method_class()
                if owner is not None and self.name_ref("super") == "builtins.super":
                    return f"{SUPER_PREFIX}{owner}()"
            dynamic = self._getattr_ref(node) or self._g_value_ref(node)
            if dynamic is not None:
                return dynamic
            base = self.ref(node.func)
            if base == CAST and len(node.args) == 2:  # `typing.cast(T, value)` is `value`
                return self.ref(node.args[1])
            fixture = _fixture_value(base, node)  # `request.getfixturevalue("client")` (analysis.fixture_facts)
            if fixture is not None:
                return fixture
            return f"{base}()" if base else None
        if isinstance(node, ast.Subscript):
            base = self.ref(node.value)
            return f"{base}[]" if base else None
        if isinstance(node, ast.Await):
            return self.ref(node.value)
        return literal_ref(node)

    def name_ref(self, name: str, read: ast.Name | None = None) -> str | None:
        """What `name` stands for; given the `read` node, only the bindings that reach it count
        (the answer is kept as `ref` keeps it: `ref(read)` is this)."""
        if read is None or self._resolving or not self.scopes or read.id != name or not self.keep_answers:
            return self._name_ref(name, read)
        answered = self.scopes[-1].answered
        if read in answered:
            return answered[read]
        ref = answered[read] = self._name_ref(name, read)
        return ref

    def _name_ref(self, name: str, read: ast.Name | None) -> str | None:
        innermost = True
        for scope in reversed(self.scopes):
            if scope.kind == "class" and not innermost:
                continue
            innermost = False
            if scope.kind == "module":
                break
            if name in scope.declared_global:
                break
            if name in scope.params:
                return scope.params[name]
            if name in scope.local_values:
                return self._local_ref(scope, name, read)
        ref = self.bindings.refs.get(name)
        if ref:
            return ref
        if ref is None and name not in self.bindings.counts:
            return f"builtins.{name}"
        return None

    def local_import_ref(self, name: str) -> str | None:
        """What `name` imports, when the scope that binds it (a function or class body, not the
        module) binds it only by `import` statements naming one thing; else None."""
        if name not in self._imported_locally:
            return None  # most names: no function or class body imports them
        innermost = True
        for scope in reversed(self.scopes):
            if scope.kind == "class" and not innermost:
                continue
            innermost = False
            if scope.kind == "module" or name in scope.declared_global:
                return None
            if name in scope.params:
                return None
            if name in scope.local_values:
                values = scope.local_values[name]
                if all(isinstance(v, ImportMarker) for v in values) and len({v.ref for v in values}) == 1:  # type: ignore[attr-defined]
                    return values[0].ref  # type: ignore[attr-defined, no-any-return]
                return None
        return None

    def _local_ref(self, scope: Scope, name: str, read: ast.Name | None = None) -> str | None:
        reaching = scope.reaching.get(read) if read is not None else None
        if reaching is not None:
            # Flow-sensitive: only the bindings that reach this read (no cap on how often the
            # name is rebound elsewhere in the function).
            values: list[ast.AST] | tuple[ast.AST, ...] = reaching
            key: object = read
        else:
            values = scope.local_values[name]
            key = name
            if len(values) > 8:
                return None
        if self._checked is not None:
            self._checked.add(key)
        if key in scope.resolving:
            self._guard_hits += 1
            return None
        if self._resolving or not self.scopes or not self.keep_answers:
            return self._values_ref(scope, key, values)
        # A top-level question: another read the same values reach may take this answer, when
        # the guard never stopped the resolution and was never asked about that read.
        answers = self.scopes[-1].values_answered
        values_key = (id(scope), *map(id, values))
        kept = answers.get(values_key)
        if kept is not None and key not in kept[1]:
            return kept[0]
        hits, self._checked = self._guard_hits, set()
        try:
            ref = self._values_ref(scope, key, values)
        finally:
            checked, self._checked = self._checked, None
        if self._guard_hits == hits:
            answers[values_key] = (ref, frozenset(checked))
        return ref

    def _values_ref(self, scope: Scope, key: object, values: list[ast.AST] | tuple[ast.AST, ...]) -> str | None:
        """One reference for all the values a local may hold (None when they disagree on something unknown)."""
        scope.resolving.add(key)
        self._resolving += 1
        try:
            # Several assignments are fine when they all bind the same kind of value
            # (`response = client.get(...)` twice in a test).
            refs = {self._value_ref(v) for v in values}
        finally:
            self._resolving -= 1
            scope.resolving.discard(key)
        if len(refs) == 1:
            return refs.pop()
        if None in refs:
            return None
        return union(r for r in refs if r)

    def _value_ref(self, value: ast.AST) -> str | None:
        if isinstance(value, RefMarker):
            return value.ref
        if isinstance(value, _InstanceMarker):
            func, cls = value.test.func, value.test.args[1]
            if not isinstance(func, ast.Name) or self.name_ref(func.id, func) != "builtins.isinstance":
                return None
            base = self.ref(cls)
            return f"{base}()" if base and not base.startswith(("builtins.", UNION_PREFIX, PARAM_PREFIX)) else None
        if isinstance(value, IterMarker):
            elts = self._iterated_items(value.iter)
            if elts:
                # `for method in (client.get, client.post):`, or a local list bound only to such a
                # literal and read only by `for` loops: each item is one of the elements.
                items = {self.ref(e) for e in elts}
                return None if None in items else union(r for r in items if r)
            base = self.ref(value.iter)
            return f"{base}[]" if base else None
        return self.ref(value)

    def _getattr_ref(self, node: ast.Call) -> str | None:
        """`getattr(client, "get")`, or `getattr(client, verb)` with `verb` bound only to known
        strings (`for verb in ("get", "post")`): the attribute(s) it reads."""
        if not (isinstance(node.func, ast.Name) and len(node.args) == 2 and not node.keywords):
            return None
        if self.name_ref(node.func.id, node.func) != "builtins.getattr":
            return None
        base = self.ref(node.args[0])
        names = self._strings(node.args[1])
        if not base or not names or base.startswith(UNION_PREFIX) and len(names) > 1:
            return None
        return union(f"{base}.{name}" for name in names)

    def _g_value_ref(self, node: ast.Call) -> str | None:
        """What `g.pop("db", None)`, `g.get("db")` or `getattr(g, "db", None)` reads: `flask.g.db`,
        so the value `get_db()` stored in `g.db` keeps its type where a teardown hook takes it
        back (the default, usually None, has no methods to call)."""
        if node.keywords or not 1 <= len(node.args) <= 3:
            return None
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("pop", "get") and len(node.args) <= 2:
            holder, key = node.func.value, node.args[0]
        elif (isinstance(node.func, ast.Name) and len(node.args) == 3
              and self.name_ref(node.func.id, node.func) == "builtins.getattr"):
            holder, key = node.args[0], node.args[1]
        else:
            return None
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isidentifier()):
            return None
        base = self.ref(holder)
        return f"{base}.{key.value}" if base in _G_REFS else None

    def _strings(self, node: ast.AST) -> set[str] | None:
        """The literal strings an expression can be (a constant, or a local bound to them)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if not isinstance(node, ast.Name):
            return None
        values = self._bound_values(node)
        if not values:
            return None
        found: set[str] = set()
        for value in values:
            elts = self._iterated_items(value.iter) if isinstance(value, IterMarker) else [value]
            if elts is None:
                return None
            for elt in elts:
                if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str) and elt.value.isidentifier()):
                    return None
                found.add(elt.value)
        return found

    def _iterated_items(self, iterable: ast.expr) -> list[ast.expr] | None:
        """The items a `for` over `iterable` can bind: a literal tuple, list or set, or a local
        bound only to such literals (`verbs = ["get", "post"]; for verb in verbs:`) when the local
        is read nowhere but as a `for` iterable, so nothing can append to it in between."""
        if isinstance(iterable, (ast.Tuple, ast.List, ast.Set)):
            return list(iterable.elts)
        if not isinstance(iterable, ast.Name):
            return None
        scope = self._binding_scope(iterable)
        values = self._bound_values(iterable)
        if scope is None or not values:
            return None
        items: list[ast.expr] = []
        for value in values:
            if not isinstance(value, (ast.Tuple, ast.List, ast.Set)):
                return None
            if not isinstance(value, ast.Tuple) and iterable.id not in scope.only_iterated():
                return None
            items.extend(value.elts)
        return items

    def bound_values(self, read: ast.Name) -> list[ast.AST] | tuple[ast.AST, ...] | None:
        """The values bound to a local that may reach `read` (for `analysis.file_fields`)."""
        return self._bound_values(read)

    def _bound_values(self, read: ast.Name) -> list[ast.AST] | tuple[ast.AST, ...] | None:
        """The values bound to a local that may reach `read` (None: not a local, or unknown)."""
        scope = self._binding_scope(read)
        if scope is None:
            return None
        return scope.reaching.get(read) or scope.local_values[read.id]

    def _binding_scope(self, read: ast.Name) -> Scope | None:
        """The function scope whose local `read` reads (None: not a local)."""
        innermost = True
        for scope in reversed(self.scopes):
            if scope.kind == "class" and not innermost:
                continue
            innermost = False
            if scope.kind == "module" or read.id in scope.declared_global or read.id in scope.params:
                return None
            if read.id in scope.local_values:
                return scope
        return None

    # -- building scopes ---------------------------------------------------------------------
    def function_scope(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str, class_qualname: str | None
    ) -> Scope:
        """A def's parameters (typed by `self`, annotations or pytest parametrize) and locals."""
        scope = Scope(qualname, "function", method_class=class_qualname)
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        parametrized = self._parametrized(node)
        decorator_names = {
            d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute) else ""
            for d in node.decorator_list
        }
        for i, arg in enumerate([*positional, *args.kwonlyargs]):
            ref: str | None = None
            if i == 0 and class_qualname and arg in positional and "staticmethod" not in decorator_names:
                ref = class_qualname if "classmethod" in decorator_names else f"{class_qualname}()"
            elif arg.annotation is not None:
                ann = self.ref(arg.annotation)
                ann = "flask.Response" if ann in _RESPONSE_ANNOTATIONS else ann
                opaque = ann in _OPAQUE_ANNOTATIONS and _has_nested_def(node)  # a decorator's `fn`
                ref = f"{ann}()" if ann and not opaque else None
            elif arg.arg in parametrized:
                ref = parametrized[arg.arg]
            scope.params[arg.arg] = ref if ref is not None else f"{PARAM_PREFIX}{qualname}:{arg.arg}"
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                scope.params[extra.arg] = None
        # Each binding statement's names are collected once: the scope's `local_values` are their
        # concatenation in walk order, and the flow reads the same lists (the same value objects)
        # per statement. One bindings object per statement matters: a loop is walked until its
        # state stops changing, and values compare by identity, so a fresh marker on every pass
        # (a `for` target's IterMarker) would never settle and the function would lose its flow.
        bound = self._collect(scope, node.body)
        empty: dict[str, list[ast.AST]] = {}

        def bind(stmt: ast.AST) -> dict[str, list[ast.AST]]:
            return bound.get(id(stmt), empty)

        scope.reaching = flow.reaching_values(
            node.body, bind, _isinstance_tests, self.bindings.rare_binders, scope.local_values.keys())
        scope.body = node.body
        return scope

    def class_scope(self, node: ast.ClassDef, qualname: str) -> Scope:
        """A class body's own names (its imports and assignments), seen only from the body itself."""
        scope = Scope(qualname, "class")
        self._collect(scope, node.body)
        return scope

    def _collect(self, scope: Scope, body: list[ast.stmt]) -> dict[int, dict[str, list[ast.AST]]]:
        """`scope`'s names from its body (`analysis.local_bindings`), and each statement's own."""
        return local_bindings.collect(
            body, scope.qualname, scope.local_values, scope.declared_global, self.bindings.rare_binders,
            self.bindings.import_base, self._imported_locally)

    def _parametrized(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
        """`@pytest.mark.parametrize(("form", "msg"), [({...}, "..."), ...])`: a parameter whose
        values are all literals of one kind gets that kind (`form` is a dict)."""
        kinds: dict[str, str] = {}
        for dec in node.decorator_list:
            if not isinstance(dec, ast.Call) or len(dec.args) < 2 or self.ref(dec.func) != "pytest.mark.parametrize":
                continue
            names_node, values_node = dec.args[0], dec.args[1]
            if isinstance(names_node, ast.Constant) and isinstance(names_node.value, str):
                names = [n.strip() for n in names_node.value.split(",") if n.strip()]
            elif isinstance(names_node, (ast.Tuple, ast.List)):
                names = [e.value for e in names_node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            else:
                continue
            if not isinstance(values_node, (ast.List, ast.Tuple)) or not values_node.elts:
                continue
            for i, name in enumerate(names):
                refs = set()
                for row in values_node.elts:
                    value = row if len(names) == 1 else (row.elts[i] if isinstance(row, (ast.Tuple, ast.List)) and i < len(row.elts) else None)
                    refs.add(literal_ref(value) if value is not None else None)
                if len(refs) == 1 and None not in refs:
                    kinds[name] = refs.pop()  # type: ignore[assignment]
        return kinds


def union(refs: Iterable[str]) -> str | None:
    """One reference for several alternatives: itself when they agree, else `@any{a|b}` (unions
    inside are flattened; more than eight ways is unknown). Different spellings may mean one
    type (client.get() / client.post()): the linker decides once it can see every module."""
    flat: set[str] = set()
    for ref in refs:
        if ref.startswith(UNION_PREFIX) and ref.endswith("}") and ref.find("}") == len(ref) - 1:
            flat.update(ref[len(UNION_PREFIX) + 1 : -1].split("|"))
        else:
            flat.add(ref)
    if len(flat) == 1:
        return flat.pop()
    if not flat or len(flat) > 8 or any(UNION_PREFIX in r for r in flat):
        return None
    return UNION_PREFIX + "{" + "|".join(sorted(flat)) + "}"


def lambda_scope(node: ast.Lambda) -> Scope:
    scope = Scope("<lambda>", "function")
    args = node.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        scope.params[arg.arg] = None
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            scope.params[extra.arg] = None
    return scope


def comprehension_scope(node: Comprehension) -> Scope:
    scope = Scope("<comprehension>", "function")
    for gen in node.generators:
        for name in target_names(gen.target):
            scope.params[name] = None
    return scope


def module_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements in order, with if/try/with blocks opened (not loops or defs)."""
    for stmt in body:
        if isinstance(stmt, (ast.If, ast.Try, ast.With)):
            for block in _blocks(stmt):
                yield from module_statements(block)
        else:
            yield stmt


def _blocks(stmt: ast.If | ast.Try | ast.With) -> Iterator[list[ast.stmt]]:
    if isinstance(stmt, ast.If):
        yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, ast.Try):
        yield stmt.body
        for handler in stmt.handlers:
            yield handler.body
        yield stmt.orelse
        yield stmt.finalbody
    else:
        yield stmt.body


def _isinstance_tests(test: ast.expr) -> dict[str, list[ast.AST]]:
    """What an `if` test proves about local names: `isinstance(name, Cls)` (alone, or one operand
    of an `and`) makes `name` a `Cls` in the branch. A tuple of classes proves nothing here."""
    tests = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    proved: dict[str, list[ast.AST]] = {}
    for node in tests:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
                and len(node.args) == 2 and not node.keywords and isinstance(node.args[0], ast.Name)
                and isinstance(node.args[1], (ast.Name, ast.Attribute))):
            proved[node.args[0].id] = [_InstanceMarker(node)]
    return proved


def _only_iterated(body: list[ast.stmt]) -> frozenset[str]:
    """Names whose every read in `body` (nested scopes included) is the iterable of a `for` or a
    comprehension: no method call, subscript or argument passing can change their value."""
    iterables: set[int] = set()
    iterated: set[str] = set()
    other: set[str] = set()
    for stmt in body:
        # One breadth-first walk: a loop is met before the name it iterates (its child).
        for node in walk(stmt):
            if isinstance(node, ast.Name):
                if not isinstance(node.ctx, ast.Store):
                    (iterated if id(node) in iterables else other).add(node.id)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.iter, ast.Name):
                iterables.add(id(node.iter))
    return frozenset(iterated - other)


def _has_nested_def(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(child, _FUNC) for stmt in node.body for child in walk(stmt))


_GETFIXTUREVALUE = ":request.getfixturevalue"


def _fixture_value(base: str | None, node: ast.Call) -> str | None:
    """`request.getfixturevalue("name")` in a test or fixture (`request` its pytest parameter):
    the same reference as a parameter `name` of that function, so the linker types it by the
    fixture (`@param:owner:name`)."""
    if not (base and base.startswith(PARAM_PREFIX) and base.endswith(_GETFIXTUREVALUE) and len(node.args) == 1):
        return None
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.isidentifier():
        return f"{base[: -len(_GETFIXTUREVALUE)]}:{arg.value}"
    return None

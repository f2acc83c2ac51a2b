"""Build a `ModuleIndex` from source with the stdlib `ast` parser.

Every file of the repo is indexed (a helper anywhere can turn async), so this stage has to be
cheap: `ast.parse` costs a seventh of a LibCST parse and no metadata is computed. Names are
resolved through the module's own bindings and scopes (imports, aliases, relative imports,
assignments, parameters), never by their spelling: a local called `request` is not Flask's.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from quartify.analysis.model import (
    CTX_CLASS,
    CTX_GENEXP,
    CTX_LAMBDA,
    CTX_MODULE,
    CTX_OK,
    ClassInfo,
    Decorator,
    FunctionInfo,
    ModuleIndex,
    Rename,
    Use,
    WithSite,
)
from quartify.core.types import Span
from quartify.deps._common import extension_modules
from quartify.rules import loader

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_FUNC = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
PARAM_PREFIX = "@param:"
SUPER_PREFIX = "@super:"
UNRESOLVED = "?"
UNION_PREFIX = "@any"
MAYBE_AWAIT_NAME = "_quartify_rv"
_APP_CLASSES = frozenset({"flask.Flask", "flask.app.Flask", "quart.Quart", "quart.app.Quart"})


class IndexError_(Exception):
    """The file cannot be indexed (it does not parse); carries a line for the message."""

    def __init__(self, message: str, line: int, col: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


def index_source(source: str, path: str, module: str, is_package: bool) -> ModuleIndex:
    try:
        tree = ast.parse(source, filename=path, type_comments=False)
    except SyntaxError as exc:
        raise IndexError_(f"syntax error: {exc.msg}", exc.lineno or 1, (exc.offset or 1) - 1) from exc
    except (ValueError, MemoryError, RecursionError) as exc:
        raise IndexError_(f"cannot parse: {exc}", 1) from exc
    digest = hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return _ModuleIndexer(source, path, module, is_package, digest).run(tree)


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


@dataclass
class _Scope:
    """One function's local names; `values` holds the expression bound when bound once."""

    qualname: str
    kind: str  # "module" | "class" | "function"
    params: dict[str, str | None] = field(default_factory=dict)
    local_values: dict[str, list[ast.AST]] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    resolving: set[str] = field(default_factory=set)


@dataclass
class _FuncBuilder:
    qualname: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    class_qualname: str | None
    parent: str | None
    uses: list[Use] = field(default_factory=list)
    withs: list[WithSite] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    return_refs: list[str] = field(default_factory=list)
    yield_refs: list[str] = field(default_factory=list)
    patches: list[tuple[str, str, int]] = field(default_factory=list)
    is_generator: bool = False
    makes_app: bool = False
    decorators: tuple[Decorator, ...] = ()


class _ModuleIndexer:
    def __init__(self, source: str, path: str, module: str, is_package: bool, digest: str) -> None:
        self.path = path
        self.module = module
        self.is_package = is_package
        self.digest = digest
        self.lines = _LINE_SPLIT.split(source)
        self.bindings: dict[str, str] = {}
        self.binding_counts: dict[str, int] = {}
        self.import_bound: set[str] = set()
        self.functions: list[FunctionInfo] = []
        self.classes: list[ClassInfo] = []
        self.module_uses: list[Use] = []
        self.renames: list[Rename] = []
        self.imports_flask = False
        self.flask_import_lines: list[int] = []
        self.extension_imports: list[tuple[int, int, str]] = []
        self.star_imports: list[str] = []
        self.worker_class: tuple[int, str] | None = None
        self.names = loader.names()
        self.scopes: list[_Scope] = []
        self.func_stack: list[_FuncBuilder] = []
        self.ctx_stack: list[str] = []
        self.seen_qualnames: dict[str, int] = {}
        self.instance_attrs: dict[str, dict[str, list[str]]] = {}
        self.g_attrs: dict[str, list[str]] = {}

    # -- positions ---------------------------------------------------------------------------
    def _col(self, line: int, byte_col: int) -> int:
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if not text.isascii():
                return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        return byte_col

    def span(self, node: ast.AST) -> Span:
        line = getattr(node, "lineno", 1)
        end_line = getattr(node, "end_lineno", None) or line
        return Span(
            line,
            self._col(line, getattr(node, "col_offset", 0)),
            end_line,
            self._col(end_line, getattr(node, "end_col_offset", None) or 0),
        )

    def text(self, node: ast.AST) -> str:
        sp = self.span(node)
        if sp.line == sp.end_line and 0 < sp.line <= len(self.lines):
            return self.lines[sp.line - 1][sp.col : sp.end_col]
        first = self.lines[sp.line - 1][sp.col :] if 0 < sp.line <= len(self.lines) else ""
        return first.strip() + " ..."

    # -- module ------------------------------------------------------------------------------
    def run(self, tree: ast.Module) -> ModuleIndex:
        self._collect_module_bindings(tree.body)
        self.scopes.append(_Scope(self.module, "module"))
        self.ctx_stack.append(CTX_MODULE)
        self._visit_stmts(tree.body, prefix=self.module, class_qualname=None)
        return ModuleIndex(
            path=self.path,
            module=self.module,
            is_package=self.is_package,
            source_hash=self.digest,
            bindings=tuple(sorted(self.bindings.items())),
            functions=tuple(self.functions),
            classes=tuple(self.classes),
            module_uses=tuple(self.module_uses),
            renames=tuple(sorted(set(self.renames), key=lambda r: r.span)),
            imports_flask=self.imports_flask,
            flask_import_lines=tuple(sorted(set(self.flask_import_lines))),
            extension_imports=tuple(self.extension_imports),
            star_imports=tuple(self.star_imports),
            worker_class=self.worker_class,
            g_attributes=tuple(
                sorted((name, refs[0] if len(set(refs)) == 1 else "") for name, refs in self.g_attrs.items())
            ),
            suppressions=_suppressions(self.lines),
        )

    def _bind(self, name: str, ref: str) -> None:
        count = self.binding_counts.get(name, 0)
        if count and self.bindings.get(name) != ref:
            ref = ""
        self.binding_counts[name] = count + 1
        self.bindings[name] = ref

    def _collect_module_bindings(self, body: Iterable[ast.stmt]) -> None:
        """Module-level names in statement order, looking into if/try/with blocks."""
        for stmt in body:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.name.split(".")[0] == "flask":
                        self.imports_flask = True
                    if alias.asname:
                        self._bind(alias.asname, alias.name)
                        self.import_bound.add(alias.asname)
                    else:
                        top = alias.name.split(".")[0]
                        self._bind(top, top)
                        self.import_bound.add(top)
            elif isinstance(stmt, ast.ImportFrom):
                base = self._import_base(stmt)
                if base.split(".")[0] == "flask":
                    self.imports_flask = True
                for alias in stmt.names:
                    if alias.name == "*":
                        self.star_imports.append(base)
                        continue
                    bound = alias.asname or alias.name
                    self._bind(bound, f"{base}.{alias.name}" if base else alias.name)
                    self.import_bound.add(bound)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind(stmt.name, f"{self.module}.{stmt.name}")
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                value = stmt.value
                if (
                    any(isinstance(t, ast.Name) and t.id == "worker_class" for t in targets)
                    and isinstance(value, ast.Constant) and isinstance(value.value, str)
                ):
                    self.worker_class = (stmt.lineno, value.value)
                for target in targets:
                    if isinstance(target, ast.Name):
                        ref = self._module_ref(value) if value is not None else None
                        self._bind(target.id, ref or "")
                    else:
                        for name in _target_names(target):
                            self._bind(name, "")
            elif isinstance(stmt, (ast.If, ast.Try, ast.With)):
                for block in _blocks(stmt):
                    self._collect_module_bindings(block)
            elif isinstance(stmt, (ast.For, ast.AugAssign)):
                target = stmt.target
                for name in _target_names(target):
                    self._bind(name, "")

    def _import_base(self, stmt: ast.ImportFrom) -> str:
        if stmt.level:
            return resolve_relative(self.module, self.is_package, stmt.level, stmt.module)
        return stmt.module or ""

    def _module_ref(self, node: ast.AST) -> str | None:
        """A module-level expression's reference, from the bindings collected so far."""
        if isinstance(node, ast.Name):
            if node.id not in self.binding_counts:
                return f"builtins.{node.id}"  # `AUDIT = open(...)` at module level
            return self.bindings.get(node.id) or None
        if isinstance(node, ast.Attribute):
            base = self._module_ref(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = self._module_ref(node.func)
            return f"{base}()" if base else None
        if isinstance(node, ast.Subscript):
            base = self._module_ref(node.value)
            return f"{base}[]" if base else None
        return None

    # -- statements ----------------------------------------------------------------------------
    def _visit_stmts(self, body: Iterable[ast.stmt], prefix: str, class_qualname: str | None) -> None:
        for stmt in body:
            self._visit_stmt(stmt, prefix, class_qualname)

    def _visit_stmt(self, stmt: ast.stmt, prefix: str, class_qualname: str | None) -> None:
        if isinstance(stmt, _FUNC):
            self._visit_function(stmt, prefix, class_qualname)
        elif isinstance(stmt, ast.ClassDef):
            self._visit_class(stmt, prefix)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            if isinstance(stmt, ast.Import):
                modules = [alias.name for alias in stmt.names]
            else:
                modules = [self._import_base(stmt)]
            if any(m.split(".")[0] == "flask" for m in modules):
                self.imports_flask = True
                self.flask_import_lines.append(stmt.lineno)
            extensions = extension_modules()
            for m in modules:
                if m in extensions or m.split(".")[0] in extensions:
                    self.extension_imports.append((stmt.lineno, self._col(stmt.lineno, stmt.col_offset), m))
                    self.flask_import_lines.append(stmt.lineno)
            return
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self._visit_with(stmt, prefix, class_qualname)
        else:
            if isinstance(stmt, ast.Assign):
                if self.func_stack:
                    self._note_instance_attributes(stmt)
                self._note_g_attributes(stmt)
            for child in ast.iter_child_nodes(stmt):
                if isinstance(child, ast.stmt):
                    self._visit_stmt(child, prefix, class_qualname)
                elif isinstance(child, ast.expr):
                    self._visit_expr(child, parent=stmt)
                else:
                    # excepthandler, match_case, ... : walk their statements and expressions
                    self._visit_misc(child, prefix, class_qualname)
            if isinstance(stmt, ast.Return) and self.func_stack:
                if isinstance(stmt.value, ast.Name):
                    self.func_stack[-1].returned.append(stmt.value.id)
                self.func_stack[-1].return_refs.append(self.ref(stmt.value) or "" if stmt.value else "builtins.None")
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield) and self.func_stack:
                value = stmt.value.value
                self.func_stack[-1].yield_refs.append((self.ref(value) or "") if value is not None else "")

    def _visit_misc(self, node: ast.AST, prefix: str, class_qualname: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self._visit_stmt(child, prefix, class_qualname)
            elif isinstance(child, ast.expr):
                self._visit_expr(child, parent=node)
            else:
                self._visit_misc(child, prefix, class_qualname)

    def _visit_with(self, stmt: ast.With | ast.AsyncWith, prefix: str, class_qualname: str | None) -> None:
        items = []
        for item in stmt.items:
            items.append(self.span(item.context_expr))
            self._visit_expr(item.context_expr, parent=stmt, with_item=True)
            if item.optional_vars is not None:
                self._visit_expr(item.optional_vars, parent=item)
        before = len(self.func_stack[-1].uses) if self.func_stack else 0
        self._visit_stmts(stmt.body, prefix, class_qualname)
        touches = False
        if self.func_stack:
            touches = any(_is_app_global(u.ref) for u in self.func_stack[-1].uses[before:])
        site = WithSite(self.span(stmt), tuple(items), isinstance(stmt, ast.AsyncWith), touches)
        if self.func_stack:
            self.func_stack[-1].withs.append(site)

    def _note_g_attributes(self, stmt: ast.Assign) -> None:
        """`g.db = sqlite3.connect(...)`: what `g.db` holds wherever it is read."""
        for target in stmt.targets:
            if isinstance(target, ast.Attribute) and self.ref(target.value) in _G_NAMES:
                self.g_attrs.setdefault(target.attr, []).append(self.ref(stmt.value) or "")

    def _note_patch(self, node: ast.Call) -> None:
        """`monkeypatch.setattr("pkg.mod.func", fake)` or `(module, "func", fake)`: the fake must
        share the colour of what it replaces."""
        if not self.func_stack or not isinstance(node.func, ast.Attribute) or node.func.attr != "setattr":
            return
        args = node.args
        target: str | None = None
        fake: ast.expr | None = None
        if len(args) >= 2 and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            target, fake = args[0].value, args[1]
        elif len(args) >= 3 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
            base = self.ref(args[0])
            target, fake = (f"{base}.{args[1].value}" if base else None), args[2]
        fake_ref = self.ref(fake) if fake is not None else None
        if target and fake_ref:
            self.func_stack[-1].patches.append((target, fake_ref, node.lineno))

    def _note_instance_attributes(self, stmt: ast.Assign) -> None:
        """`self.cart = CartService(store)` in a method: the class's `cart` attribute."""
        owner = self._method_class()
        if owner is None:
            return
        for target in stmt.targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and self._name_ref(target.value.id) == f"{owner}()"
            ):
                self.instance_attrs.setdefault(owner, {}).setdefault(target.attr, []).append(
                    self.ref(stmt.value) or ""
                )

    def _unique_qualname(self, qualname: str) -> str:
        count = self.seen_qualnames.get(qualname, 0)
        self.seen_qualnames[qualname] = count + 1
        return qualname if count == 0 else f"{qualname}@{count + 1}"

    def _visit_function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str, class_qualname: str | None
    ) -> None:
        decorators = tuple(self._decorator(d) for d in node.decorator_list)
        # Defaults, annotations and decorators are evaluated in the enclosing scope.
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
            self._visit_expr(default, parent=node)
        for dec in node.decorator_list:
            self._visit_expr(dec, parent=node)
        all_args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs, node.args.vararg, node.args.kwarg]
        for annotation in [*(a.annotation for a in all_args if a is not None), node.returns]:
            if annotation is not None:
                self._visit_expr(annotation, parent=node)
        qualname = self._unique_qualname(f"{prefix}.{node.name}")
        parent = self.func_stack[-1].qualname if self.func_stack else None
        builder = _FuncBuilder(qualname, node, class_qualname, parent, decorators=decorators)
        scope = self._function_scope(node, qualname, class_qualname)
        self.scopes.append(scope)
        self.func_stack.append(builder)
        self.ctx_stack.append(CTX_OK)
        self._visit_stmts(node.body, prefix=f"{qualname}.<locals>", class_qualname=None)
        self.ctx_stack.pop()
        self.func_stack.pop()
        self.scopes.pop()
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        self.functions.append(
            FunctionInfo(
                qualname=qualname,
                name=node.name,
                span=self._def_span(node),
                is_async=isinstance(node, ast.AsyncFunctionDef),
                is_generator=builder.is_generator,
                class_qualname=class_qualname,
                parent=parent,
                params=params,
                decorators=decorators,
                uses=tuple(builder.uses),
                withs=tuple(builder.withs),
                returned_names=tuple(builder.returned),
                return_refs=tuple(dict.fromkeys(builder.return_refs)),
                yield_refs=tuple(dict.fromkeys(builder.yield_refs)),
                patches=tuple(builder.patches),
                makes_app=builder.makes_app,
            )
        )

    def _def_span(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Span:
        return self.span(node)

    def _decorator(self, node: ast.expr) -> Decorator:
        if isinstance(node, ast.Call):
            args = tuple(self.ref(a) or "" for a in node.args)
            name_kw = next(
                (k.value.value for k in node.keywords
                 if k.arg == "name" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)),
                None,
            )
            return Decorator(self.ref(node.func) or "", True, self.span(node), args, name_kw)
        return Decorator(self.ref(node) or "", False, self.span(node))

    def _visit_class(self, node: ast.ClassDef, prefix: str) -> None:
        for dec in node.decorator_list:
            self._visit_expr(dec, parent=node)
        for base in node.bases:
            self._visit_expr(base, parent=node)
        qualname = self._unique_qualname(f"{prefix}.{node.name}")
        bases = tuple(self.ref(b) or "" for b in node.bases)
        methods = tuple(s.name for s in node.body if isinstance(s, _FUNC))
        decorator_refs: list[str] = []
        for stmt in node.body:
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "decorators" for t in stmt.targets)
                and isinstance(stmt.value, (ast.List, ast.Tuple))
            ):
                decorator_refs.extend(self.ref(e) or "" for e in stmt.value.elts)
        self.scopes.append(_Scope(qualname, "class"))
        self.ctx_stack.append(CTX_CLASS)
        self._visit_stmts(node.body, prefix=qualname, class_qualname=qualname)
        self.ctx_stack.pop()
        self.scopes.pop()
        attrs = tuple(
            sorted((name, refs[0] if len(set(refs)) == 1 else "") for name, refs in self.instance_attrs.get(qualname, {}).items())
        )
        self.classes.append(
            ClassInfo(qualname, node.name, self.span(node), bases, methods, tuple(decorator_refs), attrs)
        )

    def _function_scope(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str, class_qualname: str | None
    ) -> _Scope:
        scope = _Scope(qualname, "function")
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
                ref = f"{ann}()" if ann else None
            elif arg.arg in parametrized:
                ref = parametrized[arg.arg]
            scope.params[arg.arg] = ref if ref is not None else f"{PARAM_PREFIX}{qualname}:{arg.arg}"
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                scope.params[extra.arg] = None
        for child in _scope_statements(node.body):
            _collect_local_bindings(child, scope, self._import_base)
        return scope

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
                    refs.add(_literal_ref(value) if value is not None else None)
                if len(refs) == 1 and None not in refs:
                    kinds[name] = refs.pop()  # type: ignore[assignment]
        return kinds

    # -- expressions ------------------------------------------------------------------------
    def _ctx(self) -> str:
        return self.ctx_stack[-1] if self.ctx_stack else CTX_MODULE

    def _record(self, use: Use) -> None:
        if self.func_stack and self._ctx() not in (CTX_MODULE, CTX_CLASS):
            self.func_stack[-1].uses.append(use)
        else:
            self.module_uses.append(use)

    def _visit_expr(
        self,
        node: ast.expr,
        parent: ast.AST | None,
        with_item: bool = False,
        arg_of: str | None = None,
        arg_key: str | None = None,
    ) -> None:
        if isinstance(node, ast.Lambda):
            for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
                self._visit_expr(default, parent=node)
            self.scopes.append(_lambda_scope(node))
            self.ctx_stack.append(CTX_LAMBDA if self._ctx() != CTX_MODULE else CTX_MODULE)
            self._visit_expr(node.body, parent=node)
            self.ctx_stack.pop()
            self.scopes.pop()
            return
        if isinstance(node, _COMPREHENSIONS):
            self._visit_comprehension(node)
            return
        if isinstance(node, (ast.Yield, ast.YieldFrom)) and self.func_stack and self._ctx() == CTX_OK:
            self.func_stack[-1].is_generator = True
        parens = isinstance(parent, (ast.Attribute, ast.Subscript)) and getattr(parent, "value", None) is node
        parens = parens or (isinstance(parent, ast.Call) and parent.func is node)
        awaited = isinstance(parent, ast.Await) or (
            # quartify's own "await it if it is awaitable" form: `_quartify_rv := view(...)`
            isinstance(parent, ast.NamedExpr) and parent.target.id == MAYBE_AWAIT_NAME
        )
        if isinstance(node, ast.Call):
            ref = self.ref(node.func)
            if ref is None and isinstance(node.func, ast.Attribute):
                ref = f"{UNRESOLVED}.{node.func.attr}"
            if ref:
                if ref in _APP_CLASSES and self.func_stack:
                    self.func_stack[-1].makes_app = True
                simple = not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
                self._record(
                    Use(self.span(node), ref, "call", self._ctx(), parens, awaited, self.text(node.func),
                        arg_of=arg_of, arg_key=arg_key, with_item=with_item,
                        nargs=len(node.args) if simple else -1, statement=isinstance(parent, ast.Expr))
                )
            self._note_patch(node)
            self._visit_expr(node.func, parent=node)
            for i, arg in enumerate(node.args):
                self._visit_expr(arg, parent=node, arg_of=ref or "?", arg_key=f"#{i}")
            for kw in node.keywords:
                self._visit_expr(kw.value, parent=node, arg_of=ref or "?", arg_key=kw.arg or "**")
            return
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            call_func = isinstance(parent, ast.Call) and parent.func is node
            if not call_func:
                ref = self.ref(node)
                if ref:
                    self._record(
                        Use(self.span(node), ref, "attr", self._ctx(), parens, awaited, self.text(node),
                            arg_of=arg_of, arg_key=arg_key, with_item=with_item)
                    )
            self._maybe_rename_attr(node)
            self._visit_expr(node.value, parent=node)
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            self._maybe_rename_name(node)
            call_func = isinstance(parent, ast.Call) and parent.func is node
            attr_value = isinstance(parent, ast.Attribute) and parent.value is node
            if not call_func and not attr_value:
                ref = self.ref(node)
                if ref and (with_item or arg_of is not None or not ref.startswith(PARAM_PREFIX)):
                    self._record(
                        Use(self.span(node), ref, "name", self._ctx(), parens, awaited, node.id,
                            arg_of=arg_of, arg_key=arg_key, with_item=with_item)
                    )
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self._visit_expr(child, parent=node)
            elif isinstance(child, ast.keyword):
                self._visit_expr(child.value, parent=node)
            elif isinstance(child, ast.comprehension):
                self._visit_generators([child])

    def _visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
    ) -> None:
        # The first iterable is evaluated in the enclosing scope; the rest in the comprehension.
        self._visit_expr(node.generators[0].iter, parent=node)
        self.scopes.append(_comprehension_scope(node))
        genexp = isinstance(node, ast.GeneratorExp) and self._ctx() != CTX_MODULE
        self.ctx_stack.append(CTX_GENEXP if genexp else self._ctx())
        first = node.generators[0]
        self._visit_expr(first.target, parent=first)
        for cond in first.ifs:
            self._visit_expr(cond, parent=first)
        self._visit_generators(node.generators[1:])
        if isinstance(node, ast.DictComp):
            self._visit_expr(node.key, parent=node)
            self._visit_expr(node.value, parent=node)
        else:
            self._visit_expr(node.elt, parent=node)
        self.ctx_stack.pop()
        self.scopes.pop()

    def _visit_generators(self, generators: Iterable[ast.comprehension]) -> None:
        for gen in generators:
            self._visit_expr(gen.iter, parent=gen)
            self._visit_expr(gen.target, parent=gen)
            for cond in gen.ifs:
                self._visit_expr(cond, parent=gen)

    # -- renames -----------------------------------------------------------------------------
    def _maybe_rename_name(self, node: ast.Name) -> None:
        if node.id not in self.import_bound or self._local_binding(node.id):
            return
        ref = self.bindings.get(node.id, "")
        if ref == "flask" and node.id == "flask":
            self.renames.append(Rename(self.span(node), "quart"))
        elif ref in self.names.renames and ref.rsplit(".", 1)[-1] == node.id:
            self.renames.append(Rename(self.span(node), self.names.renames[ref]))
        elif ref in self.names.extension_renames and ref.rsplit(".", 1)[-1] == node.id:
            self.renames.append(Rename(self.span(node), self.names.extension_renames[ref]))

    def _maybe_rename_attr(self, node: ast.Attribute) -> None:
        ref = self.ref(node)
        if ref and ref in self.names.renames:
            end = self.span(node)
            self.renames.append(
                Rename(Span(end.end_line, end.end_col - len(node.attr), end.end_line, end.end_col),
                       self.names.renames[ref])
            )

    # -- resolution --------------------------------------------------------------------------
    def _local_binding(self, name: str) -> bool:
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

    def ref(self, node: ast.AST) -> str | None:
        """The reference string an expression stands for, or None when it cannot be told."""
        if isinstance(node, ast.Name):
            return self._name_ref(node.id)
        if isinstance(node, ast.Attribute):
            base = self.ref(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id == "super" and not node.args:
                owner = self._method_class()
                if owner is not None and self._name_ref("super") == "builtins.super":
                    return f"{SUPER_PREFIX}{owner}()"
            base = self.ref(node.func)
            return f"{base}()" if base else None
        if isinstance(node, ast.Subscript):
            base = self.ref(node.value)
            return f"{base}[]" if base else None
        if isinstance(node, ast.Await):
            return self.ref(node.value)
        return _literal_ref(node)

    def _method_class(self) -> str | None:
        """The class whose method (or a def nested in it) is being indexed."""
        for builder in reversed(self.func_stack):
            if builder.class_qualname is not None:
                return builder.class_qualname
        return None

    def _name_ref(self, name: str) -> str | None:
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
                values = scope.local_values[name]
                if name in scope.resolving or len(values) > 8:
                    return None
                scope.resolving.add(name)
                try:
                    # Several assignments are fine when they all bind the same kind of value
                    # (`response = client.get(...)` twice in a test).
                    refs = {self._value_ref(v) for v in values}
                finally:
                    scope.resolving.discard(name)
                if len(refs) == 1:
                    return refs.pop()
                if None in refs or len(refs) > 4:
                    return None
                # Different spellings that may mean one type (client.get() / client.post()):
                # the linker decides once it can see every module.
                return UNION_PREFIX + "{" + "|".join(sorted(r for r in refs if r)) + "}"
        ref = self.bindings.get(name)
        if ref:
            return ref
        if ref is None and name not in self.binding_counts:
            return f"builtins.{name}"
        return None

    def _value_ref(self, value: ast.AST) -> str | None:
        if isinstance(value, _RefMarker):
            return value.ref
        if isinstance(value, _IterMarker):
            base = self.ref(value.iter)
            return f"{base}[]" if base else None
        return self.ref(value)


_APP_GLOBALS = ("flask.g", "flask.current_app", "flask.globals.g", "flask.globals.current_app",
                "quart.g", "quart.current_app", "quart.globals.g", "quart.globals.current_app")


_G_NAMES = frozenset({"flask.g", "flask.globals.g", "quart.g", "quart.globals.g"})
_SUPPRESS = re.compile(r"#\s*quartify:\s*ignore\[([A-Z0-9, ]+)\]")


def _suppressions(lines: list[str]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """`# quartify: ignore[QFY251]` comments, by line (comments are text: ast drops them)."""
    found = []
    for number, text in enumerate(lines, start=1):
        if "quartify:" in text:
            match = _SUPPRESS.search(text)
            if match:
                found.append((number, tuple(c.strip() for c in match.group(1).split(",") if c.strip())))
    return tuple(found)


def _literal_ref(node: ast.AST) -> str | None:
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


def _is_app_global(ref: str) -> bool:
    return any(ref == name or ref.startswith(name + ".") for name in _APP_GLOBALS)


class _RefMarker(ast.AST):
    """Stands for a value whose reference is known outright (a nested def, a local import)."""

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref


class _IterMarker(ast.AST):
    """Stands for "an item of `iter`" as the value a `for` target is bound to."""

    def __init__(self, iter_node: ast.expr) -> None:
        super().__init__()
        self.iter = iter_node


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


def _target_names(target: ast.AST) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _scope_statements(body: Iterable[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a function body that belongs to its own scope (not nested scopes)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (*_SCOPES, *_COMPREHENSIONS)):
                if isinstance(child, _FUNC + (ast.ClassDef,)):
                    yield child  # its name is bound here
                continue
            stack.append(child)


def _collect_local_bindings(node: ast.AST, scope: _Scope, import_base: Callable[[ast.ImportFrom], str]) -> None:
    values = scope.local_values
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        if isinstance(node, ast.Global):
            scope.declared_global.update(node.names)
        return
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                values.setdefault(target.id, []).append(node.value)
            else:
                for name in _target_names(target):
                    values.setdefault(name, []).extend([node, node])  # unknown: two values
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        values.setdefault(node.target.id, []).append(node.value if node.value else node)
    elif isinstance(node, (ast.AugAssign, ast.NamedExpr)):
        for name in _target_names(node.target):
            values.setdefault(name, []).extend([node, node])
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        if isinstance(node.target, ast.Name):
            values.setdefault(node.target.id, []).append(_IterMarker(node.iter))
        else:
            for name in _target_names(node.target):
                values.setdefault(name, []).extend([node, node])
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if isinstance(item.optional_vars, ast.Name):
                values.setdefault(item.optional_vars.id, []).append(item.context_expr)
            elif item.optional_vars is not None:
                for name in _target_names(item.optional_vars):
                    values.setdefault(name, []).extend([node, node])
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                values.setdefault(alias.asname, []).append(_RefMarker(alias.name))
            else:
                top = alias.name.split(".")[0]
                values.setdefault(top, []).append(_RefMarker(top))
    elif isinstance(node, ast.ImportFrom):
        base = import_base(node)
        for alias in node.names:
            if alias.name != "*":
                ref = f"{base}.{alias.name}" if base else alias.name
                values.setdefault(alias.asname or alias.name, []).append(_RefMarker(ref))
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        values.setdefault(node.name, []).append(_RefMarker(f"{scope.qualname}.<locals>.{node.name}"))
    elif isinstance(node, ast.ExceptHandler) and node.name:
        values.setdefault(node.name, []).extend([node, node])


def _lambda_scope(node: ast.Lambda) -> _Scope:
    scope = _Scope("<lambda>", "function")
    args = node.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        scope.params[arg.arg] = None
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            scope.params[extra.arg] = None
    return scope


def _comprehension_scope(
    node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp,
) -> _Scope:
    scope = _Scope("<comprehension>", "function")
    for gen in node.generators:
        for name in _target_names(gen.target):
            scope.params[name] = None
    return scope

"""Build a `ModuleIndex` from source with the stdlib `ast` parser.

Every file of the repo is indexed (a helper anywhere can turn async), so this stage has to be
cheap: `ast.parse` costs a seventh of a LibCST parse and no metadata is computed. Names are
resolved through the module's own bindings and scopes (imports, aliases, relative imports,
assignments, parameters), never by their spelling: a local called `request` is not Flask's.

The work is split three ways:
- `analysis.scopes`: scopes and name resolution (what a name or expression refers to);
- `analysis.flask_facts`: what matters to Flask specifically (Flask and extension imports,
  renames, `g` attributes, monkeypatched fakes, app globals, `# quartify: ignore` comments);
- this module: the walker that visits every statement and expression once and records each
  function's uses, `with` sites, returns and yields into the frozen `ModuleIndex`.

Value-flow analysis (following a value from where it is bound to where it is used, across
assignments and calls) belongs in a future `analysis/flow.py`, which will consume the
per-function uses and bindings recorded here rather than walk the syntax tree again.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from quartify.analysis import file_fields, fixture_facts, flask_facts, flow, scoped_sessions, upload_helpers
from quartify.analysis.closure_body import movable_into_closure
from quartify.analysis.raises_lambdas import raises_lambda
from quartify.analysis.flask_facts import FlaskFacts
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
    UnpinnedGetattr,
    UploadHelper,
    Use,
    WithSite,
)
from quartify.analysis.positions import Positions
from quartify.analysis.scopes import (
    COMPREHENSIONS,
    PARAM_PREFIX,
    SUPER_PREFIX,
    UNION_PREFIX,
    UNRESOLVED,
    Comprehension,
    ModuleBindings,
    NameResolver,
    Scope,
    comprehension_scope,
    lambda_scope,
    resolve_relative,
)
from quartify.analysis.unpinned import unpinned_getattr
from quartify.analysis.walk import children, children_cached
from quartify.core.digest import blake2b
from quartify.core.types import Span

__all__ = [
    "MAYBE_AWAIT_NAME",
    "PARAM_PREFIX",
    "SUPER_PREFIX",
    "UNION_PREFIX",
    "UNRESOLVED",
    "UnindexableSource",
    "index_source",
    "resolve_relative",
]

_FUNC = (ast.FunctionDef, ast.AsyncFunctionDef)
_Constant, _Name, _Attribute, _Call, _Load = ast.Constant, ast.Name, ast.Attribute, ast.Call, ast.Load
_Subscript, _Await, _NamedExpr = ast.Subscript, ast.Await, ast.NamedExpr
_YIELDS = frozenset({ast.Yield, ast.YieldFrom})
_EXPR_KINDS = frozenset(ast.expr.__subclasses__())
_ARG_KEYS = tuple(f"#{i}" for i in range(16))


def _thread_target(node: ast.Call) -> ast.expr | None:
    """The function a `target=` keyword hands over (threading.Thread, multiprocessing.Process
    and the like call it with their `args=`/`kwargs=`), when it is a plain name or attribute."""
    for kw in node.keywords:
        if kw.arg == "target" and isinstance(kw.value, (ast.Name, ast.Attribute)):
            return kw.value
    return None


def _literal_arguments(value: ast.expr) -> bool:
    """`args=[a, b]` / `args=(a,)` / `kwargs={"k": v}` spelled out (no starred or `**` parts)."""
    if isinstance(value, (ast.List, ast.Tuple)):
        return not any(isinstance(item, ast.Starred) for item in value.elts)
    return isinstance(value, ast.Dict) and None not in value.keys
# Statements `_visit_stmt` handles by their children alone (and a note for assignments, returns
# and yields); the others there have their own visit.
_STMT_KINDS = frozenset({
    ast.Return, ast.Delete, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.While, ast.If,
    ast.Match, ast.Raise, ast.Try, ast.TryStar, ast.Assert, ast.Global, ast.Nonlocal, ast.Expr, ast.Pass, ast.Break,
    ast.Continue,
})
# Expressions whose children are expressions (and operators or a context, not visited) and that
# record nothing themselves but a generator's yield: their walk is the walk of their children.
_PLAIN_EXPRS = frozenset({
    ast.BoolOp, ast.NamedExpr, ast.BinOp, ast.UnaryOp, ast.IfExp, ast.Dict, ast.Set, ast.Await, ast.Yield,
    ast.YieldFrom, ast.Compare, ast.FormattedValue, ast.JoinedStr, ast.Subscript, ast.Starred, ast.List,
    ast.Tuple, ast.Slice,
})
MAYBE_AWAIT_NAME = "_quartify_rv"  # quartify's own "await it if it is awaitable" form


class _Unknown:
    """Not resolved yet (None is a reference that cannot be told)."""


_UNKNOWN = _Unknown()


class UnindexableSource(Exception):
    """The file cannot be indexed (it does not parse); carries a line for the message."""

    def __init__(self, message: str, line: int, col: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.col = col


def index_source(source: str, path: str, module: str, is_package: bool, tree: ast.Module | None = None) -> ModuleIndex:
    """`tree`: `source` already parsed by `ast.parse` (verification parses each output once);
    the walk dispatches on exact node types, which the parser builds (never subclasses)."""
    try:
        if tree is None:
            tree = ast.parse(source, filename=path, type_comments=False)
    except SyntaxError as exc:
        raise UnindexableSource(f"syntax error: {exc.msg}", exc.lineno or 1, (exc.offset or 1) - 1) from exc
    except (ValueError, MemoryError, RecursionError) as exc:
        raise UnindexableSource(f"cannot parse: {exc}", 1) from exc
    digest = blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    with children_cached(tree):
        return _ModuleIndexer(source, path, module, is_package, digest).run(tree)


@dataclass
class _FuncBuilder:
    qualname: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    class_qualname: str | None
    parent: str | None
    uses: list[Use] = field(default_factory=list)
    withs: list[WithSite] = field(default_factory=list)
    with_nodes: list[ast.With | ast.AsyncWith] = field(default_factory=list)  # the statements of `withs`
    returned: list[str] = field(default_factory=list)
    return_refs: list[str] = field(default_factory=list)
    value_returns: list[Span] = field(default_factory=list)
    yield_refs: list[str] = field(default_factory=list)
    patches: list[tuple[str, str, int]] = field(default_factory=list)
    is_generator: bool = False
    makes_app: bool = False
    decorators: tuple[Decorator, ...] = ()
    names: file_fields.FunctionNames | None = None  # for `data=` reads, walked on the first


class _ModuleIndexer:
    def __init__(self, source: str, path: str, module: str, is_package: bool, digest: str) -> None:
        self.path = path
        self.module = module
        self.is_package = is_package
        self.digest = digest
        self.positions = Positions(source)
        self.bindings = ModuleBindings(module, is_package, rare_binders=flow.may_hold_rare_binders(source))
        self.resolver = NameResolver(self.bindings)
        self.flask = FlaskFacts(self.positions, self.resolver)
        self.functions: list[FunctionInfo] = []
        self.classes: list[ClassInfo] = []
        self.module_uses: list[Use] = []
        self.raises_lambdas: list[tuple[Span, Span]] = []  # (checker call, lambda body): analysis/raises_lambdas.py
        self.file_dicts: list[Span] = []  # `data=payload` reads of a local dict literal holding file tuples
        self.unpinned_getattrs: list[UnpinnedGetattr] = []
        self.data_fields: list[tuple[Span, file_fields.Fields]] = []  # ... and those whose keys are proven
        self.func_stack: list[_FuncBuilder] = []
        self.ctx_stack: list[str] = []
        self.seen_qualnames: dict[str, int] = {}
        self.instance_attrs: dict[str, dict[str, list[str]]] = {}
        self.fixture_cls_attrs: list[tuple[str, str]] = []
        self.attribute_stores: list[tuple[Span, str]] = []
        self.thread_local_sessions: list[tuple[int, str]] = []
        self.returns_dict = False  # a `return {...}` somewhere (every statement is visited)

    def span(self, node: ast.AST) -> Span:
        return self.positions.span(node)

    def ref(self, node: ast.AST) -> str | None:
        return self.resolver.ref(node)

    # -- module ------------------------------------------------------------------------------
    def run(self, tree: ast.Module) -> ModuleIndex:
        self.bindings.collect(tree.body)
        self.resolver.push(Scope(self.module, "module"))
        self.ctx_stack.append(CTX_MODULE)
        self._visit_stmts(tree.body, prefix=self.module, class_qualname=None)
        flask = self.flask
        return ModuleIndex(
            path=self.path,
            module=self.module,
            is_package=self.is_package,
            source_hash=self.digest,
            bindings=tuple(sorted(self.bindings.refs.items())),
            functions=tuple(self.functions),
            classes=tuple(self.classes),
            module_uses=tuple(self.module_uses),
            renames=tuple(sorted(set(flask.renames), key=lambda r: r.span)),
            imports_flask=flask.imports_flask,
            flask_import_lines=tuple(sorted(set(flask.flask_import_lines))),
            extension_imports=tuple(flask.extension_imports),
            star_imports=tuple(self.bindings.star_imports),
            worker_class=flask_facts.worker_class(tree.body),
            g_attributes=flask.g_attributes(),
            fixture_cls_attributes=tuple(sorted(set(self.fixture_cls_attrs))),
            suppressions=flask_facts.suppressions(self.positions.lines),
            attribute_stores=tuple(self.attribute_stores),
            thread_local_sessions=tuple(self.thread_local_sessions),
            file_dicts=tuple(self.file_dicts),
            raises_lambdas=tuple(self.raises_lambdas),
            unpinned_getattrs=tuple(self.unpinned_getattrs),
            data_fields=tuple(self.data_fields),
            pytest_plugins=fixture_facts.plugin_modules(tree.body),
            upload_helpers=self._upload_helpers(tree),
        )

    def _upload_helpers(self, tree: ast.Module) -> tuple[UploadHelper, ...]:
        """Upload helpers (analysis.upload_helpers) as spans; module-level ones only in test modules."""
        if not self.returns_dict:
            return ()  # a helper returns a dict literal: without one in the module there is none
        name = self.path.rsplit("/", 1)[-1]
        test_module = name.startswith("test_") or name.endswith("_test.py")  # not conftest: it is imported
        return tuple(
            UploadHelper(h.node.name, h.node.lineno, h.node.col_offset, tuple(self.span(d) for d in h.returns),
                         tuple((self.span(v), self.span(c)) for v, c in h.sites),
                         tuple(self.span(n) for n in h.form_reads), h.reason)
            for h in upload_helpers.find(tree, test_module)
        )

    # -- statements ----------------------------------------------------------------------------
    def _visit_stmts(self, body: Iterable[ast.stmt], prefix: str, class_qualname: str | None) -> None:
        for stmt in body:
            self._visit_stmt(stmt, prefix, class_qualname)

    def _visit_stmt(self, stmt: ast.stmt, prefix: str, class_qualname: str | None) -> None:
        kind = type(stmt)  # exact types, as in `_visit_expr`
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            self._visit_function(stmt, prefix, class_qualname)  # type: ignore[arg-type]
        elif kind is ast.ClassDef:
            self._visit_class(stmt, prefix)  # type: ignore[arg-type]
        elif kind is ast.Import or kind is ast.ImportFrom:
            self.flask.note_import(stmt)  # type: ignore[arg-type]
        elif kind is ast.With or kind is ast.AsyncWith:
            self._visit_with(stmt, prefix, class_qualname)  # type: ignore[arg-type]
        elif kind in _STMT_KINDS:
            if kind is ast.Assign:
                if self.func_stack:
                    self._note_instance_attributes(stmt)  # type: ignore[arg-type]
                    self._note_fixture_cls_attributes(stmt)  # type: ignore[arg-type]
                self.flask.note_g_attributes(stmt)  # type: ignore[arg-type]
                self._note_attribute_stores(stmt)  # type: ignore[arg-type]
                if type(stmt.value) is ast.Call:  # type: ignore[attr-defined]
                    self._note_thread_local_session(stmt)  # type: ignore[arg-type]
            elif kind is ast.AugAssign:
                if type(stmt.target) is _Attribute:  # type: ignore[attr-defined]
                    self._note_augmented(stmt.target)  # type: ignore[attr-defined]
                self._note_attribute_stores(stmt)  # type: ignore[arg-type]
            elif kind is ast.AnnAssign:
                self._note_attribute_stores(stmt)  # type: ignore[arg-type]
            self._visit_misc(stmt, prefix, class_qualname)
            if kind is ast.Return:
                self._note_return(stmt)  # type: ignore[arg-type]
            elif kind is ast.Expr and type(stmt.value) is ast.Yield and self.func_stack:  # type: ignore[attr-defined]
                value = stmt.value.value  # type: ignore[attr-defined]
                self.func_stack[-1].yield_refs.append((self.ref(value) or "") if value is not None else "")
            elif kind is ast.Expr and type(stmt.value) is ast.Call and self.func_stack:  # type: ignore[attr-defined]
                found = raises_lambda(stmt, self.ref)  # type: ignore[arg-type]
                if found is not None:
                    self._note_raises_lambda(*found)
        else:  # a statement type not listed (one a later Python adds, like 3.12's `type X = ...`)
            self._visit_misc(stmt, prefix, class_qualname)

    def _note_raises_lambda(self, call: ast.Call, body: ast.Call) -> None:
        """Record the checker statement, and mark the lambda body's call `checked`."""
        uses, at = self.func_stack[-1].uses, self.span(body)
        for n in range(len(uses) - 1, -1, -1):
            if uses[n].span == at and uses[n].kind == "call":
                uses[n] = dataclasses.replace(uses[n], checked=True)
                self.raises_lambdas.append((self.span(call), at))
                return

    def _note_return(self, stmt: ast.Return) -> None:
        if type(stmt.value) is ast.Dict:
            self.returns_dict = True
        if self.func_stack:
            builder = self.func_stack[-1]
            if isinstance(stmt.value, ast.Name):
                builder.returned.append(stmt.value.id)
            builder.return_refs.append(self.ref(stmt.value) or "" if stmt.value else "builtins.None")
            if stmt.value is not None:
                builder.value_returns.append(self.span(stmt))

    def _visit_misc(self, node: ast.AST, prefix: str, class_qualname: str | None) -> None:
        """The statements and expressions inside `node` (and its excepthandlers, match_cases, ...)."""
        for child in children(node):
            kind = type(child)
            if kind is _Constant:
                continue
            if kind in _EXPR_KINDS:
                self._visit_expr(child, parent=node)  # type: ignore[arg-type]
            elif isinstance(child, ast.stmt):
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
            touches = any(flask_facts.is_app_global(u.ref) for u in self.func_stack[-1].uses[before:])
        site = WithSite(self.span(stmt), tuple(items), isinstance(stmt, ast.AsyncWith), touches)
        if self.func_stack:
            self.func_stack[-1].withs.append(site)
            self.func_stack[-1].with_nodes.append(stmt)

    def _note_augmented(self, target: ast.Attribute) -> None:
        """`resp.data += b"..."` reads the attribute too: a use the planners can see (and must
        not simply await, an augmented target cannot be an `await` expression)."""
        ref = self.ref(target)
        if ref:
            self._record(Use(self.span(target), ref, "attr", self._ctx(), text=self.positions.text(target),
                             augmented=True))

    def _note_instance_attributes(self, stmt: ast.Assign) -> None:
        """`self.cart = CartService(store)` in a method: the class's `cart` attribute; so is
        `cls.ctx = app.app_context()` in a classmethod (`setUpClass`)."""
        owner = self.resolver.method_class()
        if owner is None:
            return
        for target in stmt.targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and self.resolver.name_ref(target.value.id) in (f"{owner}()", owner)
            ):
                self.instance_attrs.setdefault(owner, {}).setdefault(target.attr, []).append(
                    self.ref(stmt.value) or ""
                )

    def _note_fixture_cls_attributes(self, stmt: ast.Assign) -> None:
        """`request.cls.client = client` in a pytest fixture (`request` its parameter): an
        attribute of the test classes using the fixture, read there as `self.client`."""
        for target in stmt.targets:
            holder = target.value if isinstance(target, ast.Attribute) else None
            if (
                isinstance(holder, ast.Attribute)
                and holder.attr == "cls"
                and isinstance(holder.value, ast.Name)
                and holder.value.id == "request"
                and (self.resolver.name_ref("request") or "").startswith(PARAM_PREFIX)
                and isinstance(target, ast.Attribute)
            ):
                self.fixture_cls_attrs.append((target.attr, self.ref(stmt.value) or ""))

    def _note_attribute_stores(self, stmt: ast.Assign | ast.AugAssign | ast.AnnAssign) -> None:
        """`request.form = ...`: an assignment to an attribute of an imported object (Quart's
        awaitable properties have no setter; a planner reports them)."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            if isinstance(target, ast.Attribute):
                ref = self.ref(target)
                if ref and not ref.startswith(("@", "builtins.", UNRESOLVED)):
                    self.attribute_stores.append((self.span(target), ref))

    def _note_thread_local_session(self, stmt: ast.Assign) -> None:
        """`db_session = scoped_session(...)` / `db.session = scoped_session(...)` with no scopefunc."""
        if not scoped_sessions.thread_local(stmt.value, self.ref):
            return
        for target in stmt.targets:
            if isinstance(target, ast.Attribute) or (isinstance(target, ast.Name) and not self.func_stack):
                ref = self.ref(target) if isinstance(target, ast.Attribute) else f"{self.module}.{target.id}"
                # a fixture's parameter (`db.session = ...` where `db` is a fixture) is kept: the
                # linker types it by the fixture's value
                if ref and (ref.startswith(PARAM_PREFIX) or not ref.startswith(("@", "builtins.", UNRESOLVED))):
                    self.thread_local_sessions.append((stmt.lineno, ref))

    def _unique_qualname(self, qualname: str) -> str:
        count = self.seen_qualnames.get(qualname, 0)
        self.seen_qualnames[qualname] = count + 1
        return qualname if count == 0 else f"{qualname}@{count + 1}"

    # -- definitions ---------------------------------------------------------------------------
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
        self.resolver.push(self.resolver.function_scope(node, qualname, class_qualname))
        self.func_stack.append(builder)
        self.ctx_stack.append(CTX_OK)
        self._visit_stmts(node.body, prefix=f"{qualname}.<locals>", class_qualname=None)
        self.ctx_stack.pop()
        self.func_stack.pop()
        self.resolver.pop()
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        self.functions.append(
            FunctionInfo(
                qualname=qualname,
                name=node.name,
                span=self.span(node),
                is_async=isinstance(node, ast.AsyncFunctionDef),
                is_generator=builder.is_generator,
                class_qualname=class_qualname,
                parent=parent,
                params=params,
                positional=tuple(a.arg for a in [*args.posonlyargs, *args.args]),  # Quart-WTF create_form checks
                decorators=decorators,
                uses=tuple(builder.uses),
                withs=self._factory_withs(builder) if builder.makes_app else tuple(builder.withs),
                returned_names=tuple(builder.returned),
                return_refs=tuple(dict.fromkeys(builder.return_refs)),
                value_returns=tuple(builder.value_returns),
                yield_refs=tuple(dict.fromkeys(builder.yield_refs)),
                patches=tuple(builder.patches),
                makes_app=builder.makes_app,
            )
        )

    @staticmethod
    def _factory_withs(builder: _FuncBuilder) -> tuple[WithSite, ...]:
        """An app factory's `with` statements, each marked `movable` when it could move into a
        nested function (planners/factory_with.py); only factories pay for the check."""
        return tuple(
            dataclasses.replace(site, movable=True)
            if isinstance(stmt, ast.With) and movable_into_closure(stmt, builder.node) else site
            for site, stmt in zip(builder.withs, builder.with_nodes))

    def _decorator(self, node: ast.expr) -> Decorator:
        if isinstance(node, ast.Call):
            args = tuple(self.ref(a) or "" for a in node.args)
            name_kw = next(
                (k.value.value for k in node.keywords
                 if k.arg == "name" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)),
                None,
            )
            keywords = tuple((k.arg or "", ast.unparse(k.value)) for k in node.keywords)
            return Decorator(self.ref(node.func) or "", True, self.span(node), args, name_kw, keywords)
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
        self.resolver.push(self.resolver.class_scope(node, qualname))
        self.ctx_stack.append(CTX_CLASS)
        self._visit_stmts(node.body, prefix=qualname, class_qualname=qualname)
        self.ctx_stack.pop()
        self.resolver.pop()
        attrs = tuple(
            sorted((name, refs[0] if len(set(refs)) == 1 else "") for name, refs in self.instance_attrs.get(qualname, {}).items())
        )
        self.classes.append(
            ClassInfo(qualname, node.name, self.span(node), bases, methods, tuple(decorator_refs), attrs)
        )

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
        # Dispatch on the exact type (the parser builds no subclasses): an isinstance chain per
        # expression was the walk's largest own cost. A type not in the tables takes `_visit_other`.
        kind = type(node)
        if kind is _Constant:
            return  # a leaf nothing is recorded for (a quarter of all expressions)
        if kind is _Name:
            if type(node.ctx) is _Load:  # type: ignore[attr-defined]
                self._visit_name(node, self._site(node, parent, with_item, arg_of, arg_key))  # type: ignore[arg-type]
            return
        if kind is _Attribute:
            if type(node.ctx) is _Load:  # type: ignore[attr-defined]
                self._visit_attribute(node, self._site(node, parent, with_item, arg_of, arg_key))  # type: ignore[arg-type]
            else:
                self._visit_expr(node.value, parent=node)  # type: ignore[attr-defined]
            return
        if kind is _Call:
            self._visit_call(node, self._site(node, parent, with_item, arg_of, arg_key))  # type: ignore[arg-type]
            return
        if kind in _PLAIN_EXPRS:
            if kind in _YIELDS and self.func_stack and self._ctx() == CTX_OK:
                self.func_stack[-1].is_generator = True
            # Only expressions under these (no keyword, comprehension or argument nodes); a
            # constant child is skipped here rather than called for.
            for child in children(node):
                if type(child) is not _Constant and isinstance(child, ast.expr):
                    self._visit_expr(child, parent=node)
            return
        self._visit_other(node)

    def _visit_other(self, node: ast.expr) -> None:
        """Lambdas, comprehensions, and an expression type `_visit_expr` does not list (one a
        later Python adds): its expressions, keyword values and generators."""
        if isinstance(node, ast.Lambda):
            self._visit_lambda(node)
        elif isinstance(node, COMPREHENSIONS):
            self._visit_comprehension(node)
        else:
            for child in children(node):
                if isinstance(child, ast.expr):
                    self._visit_expr(child, parent=node)
                elif isinstance(child, ast.keyword):
                    self._visit_expr(child.value, parent=node)
                elif isinstance(child, ast.comprehension):
                    self._visit_generators([child])

    @staticmethod
    def _site(node: ast.expr, parent: ast.AST | None, with_item: bool, arg_of: str | None, arg_key: str | None) -> _Site:
        kind = type(parent)
        parens = (kind is _Attribute or kind is _Subscript) and parent.value is node  # type: ignore[union-attr]
        parens = parens or kind is _Call and parent.func is node  # type: ignore[union-attr]
        awaited = kind is _Await or (
            # quartify's own "await it if it is awaitable" form: `_quartify_rv := view(...)`
            kind is _NamedExpr and parent.target.id == MAYBE_AWAIT_NAME  # type: ignore[union-attr]
        )
        return _Site(parent, parens, awaited, with_item, arg_of, arg_key)

    def _visit_call(self, node: ast.Call, site: _Site) -> None:
        func = node.func
        func_ref = ref = self.ref(func)
        if ref is None and isinstance(func, ast.Attribute):
            ref = f"{UNRESOLVED}.{func.attr}"
        if ref:
            if flask_facts.is_app_class(ref) and self.func_stack:
                self.func_stack[-1].makes_app = True
            simple = not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)
            self._record(
                Use(self.span(node), ref, "call", self._ctx(), site.parens, site.awaited,
                    self.positions.text(node.func), arg_of=site.arg_of, arg_key=site.arg_key,
                    with_item=site.with_item, nargs=len(node.args) if simple else -1,
                    statement=isinstance(site.parent, ast.Expr), key=_literal(node.args[0]) if node.args else None)
            )
        if self.func_stack and ref == "builtins.getattr":
            called = isinstance(site.parent, ast.Call) and site.parent.func is node
            unpinned = unpinned_getattr(self.resolver, node, self.span(node), self.positions.text, called)
            if unpinned is not None:
                self.unpinned_getattrs.append(unpinned)
        if self.func_stack:
            patch = self.flask.patch(node)
            if patch is not None:
                self.func_stack[-1].patches.append(patch)
        if type(func) is _Name:  # a called name records nothing but a rename (see `_visit_name`)
            self.flask.note_name(func)
        elif type(func) is _Attribute and type(func.ctx) is _Load:  # its reference is known: not resolved twice
            self._visit_attribute(func, self._site(func, node, False, None, None), func_ref)
        else:
            self._visit_expr(func, parent=node)
        arg_of = ref or "?"
        for i, arg in enumerate(node.args):
            if type(arg) is not _Constant:
                self._visit_expr(arg, parent=node, arg_of=arg_of, arg_key=_ARG_KEYS[i] if i < 16 else f"#{i}")
        target = _thread_target(node)
        target_ref = self.ref(target) if target is not None else None
        for kw in node.keywords:
            if type(kw.value) is _Constant:
                continue
            if target_ref and kw.arg in ("args", "kwargs") and _literal_arguments(kw.value):
                self._visit_target_arguments(kw.value, target_ref)
            else:
                self._visit_expr(kw.value, parent=node, arg_of=arg_of, arg_key=kw.arg or "**")

    def _visit_target_arguments(self, value: ast.expr, target_ref: str) -> None:
        """`Thread(target=send_mail, args=[app, msg])` calls `send_mail(app, msg)` on the thread:
        its arguments are recorded as passed to the target (`#0`, or the `kwargs=` dict's keys),
        so the target's parameters are typed by them as by a call site (`with app.app_context()`
        inside it is then seen)."""
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values):
                if type(item) is not _Constant:
                    name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else "**"
                    self._visit_expr(item, parent=value, arg_of=target_ref, arg_key=name)
            return
        assert isinstance(value, (ast.List, ast.Tuple))
        for i, item in enumerate(value.elts):
            if type(item) is not _Constant:
                self._visit_expr(item, parent=value, arg_of=target_ref, arg_key=_ARG_KEYS[i] if i < 16 else f"#{i}")

    def _visit_attribute(self, node: ast.Attribute, site: _Site, known: str | None | _Unknown = _UNKNOWN) -> None:
        """`known`: `node`'s reference when the caller has resolved it already."""
        call_func = isinstance(site.parent, ast.Call) and site.parent.func is node
        ref = self.ref(node) if isinstance(known, _Unknown) else known
        if not call_func:
            if ref:
                # `x.attr["key"]` read (not assigned or deleted): the key and the subscript's span.
                subscript = site.parent if isinstance(site.parent, ast.Subscript) and site.parent.value is node else None
                key = _literal(subscript.slice) if subscript is not None and isinstance(subscript.ctx, ast.Load) else None
                self._record(
                    Use(self.span(node), ref, "attr", self._ctx(), site.parens, site.awaited,
                        self.positions.text(node), arg_of=site.arg_of, arg_key=site.arg_key,
                        with_item=site.with_item, key=key,
                        key_span=self.span(subscript) if key is not None and subscript is not None else None)
                )
        self.flask.note_attribute(node, ref)
        value = node.value
        if type(value) is _Name:  # the value of an attribute records nothing but a rename (`_visit_name`)
            self.flask.note_name(value)
        else:
            self._visit_expr(value, parent=node)

    def _visit_name(self, node: ast.Name, site: _Site) -> None:
        self.flask.note_name(node)
        call_func = isinstance(site.parent, ast.Call) and site.parent.func is node
        attr_value = isinstance(site.parent, ast.Attribute) and site.parent.value is node
        if call_func or attr_value:
            return
        ref = self.ref(node)
        if site.arg_key == "data":  # a test client's `data=payload`: form fields, files, or both
            builder = self.func_stack[-1] if self.func_stack else None
            bound = self.resolver.bound_values(node)
            if builder is not None and bound and builder.names is None:
                builder.names = file_fields.function_names(builder.node)  # once per function
            payload = file_fields.data_payload(
                builder.node if builder else None, node, bound, builder.names if builder else None)
            if payload.has_files:
                self.file_dicts.append(self.span(node))
            if payload.fields is not None:
                self.data_fields.append((self.span(node), payload.fields))
        if ref and (site.with_item or site.arg_of is not None or not ref.startswith(PARAM_PREFIX)):
            self._record(
                Use(self.span(node), ref, "name", self._ctx(), site.parens, site.awaited, node.id,
                    arg_of=site.arg_of, arg_key=site.arg_key, with_item=site.with_item)
            )

    def _visit_lambda(self, node: ast.Lambda) -> None:
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
            self._visit_expr(default, parent=node)
        self.resolver.push(lambda_scope(node))
        self.ctx_stack.append(CTX_LAMBDA if self._ctx() != CTX_MODULE else CTX_MODULE)
        self._visit_expr(node.body, parent=node)
        self.ctx_stack.pop()
        self.resolver.pop()

    def _visit_comprehension(self, node: Comprehension) -> None:
        # The first iterable is evaluated in the enclosing scope; the rest in the comprehension.
        self._visit_expr(node.generators[0].iter, parent=node)
        self.resolver.push(comprehension_scope(node))
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
        self.resolver.pop()

    def _visit_generators(self, generators: Iterable[ast.comprehension]) -> None:
        for gen in generators:
            self._visit_expr(gen.iter, parent=gen)
            self._visit_expr(gen.target, parent=gen)
            for cond in gen.ifs:
                self._visit_expr(cond, parent=gen)


def _literal(node: ast.expr) -> str | None:
    """The value of a plain string literal, else None."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class _Site(NamedTuple):
    """Where an expression sits: its parent node and what a `Use` of it records. A named tuple,
    not a frozen dataclass: one is built per expression visited, and a tuple builds 4x faster."""

    parent: ast.AST | None
    parens: bool  # an inserted await must be parenthesised here
    awaited: bool
    with_item: bool
    arg_of: str | None
    arg_key: str | None

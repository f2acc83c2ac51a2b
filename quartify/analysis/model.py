"""The per-file index: small, frozen and picklable, so workers can build it in parallel.

References are kept as *reference strings*: dotted paths as the module itself can resolve
them (through its imports, aliases and local assignments), where `X()` means "an instance of
X" and `X[]` "an item of X". Cross-module meaning (re-exports, module variables, classes) is
settled later by `analysis.link`, which sees every module at once.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Literal

from quartify.core.types import Span

# Why an await cannot be placed where a use sits, even inside a function made async.
CTX_OK = ""
CTX_LAMBDA = "lambda"
CTX_GENEXP = "generator expression"
CTX_MODULE = "module level"
CTX_CLASS = "class body"
CTX_DEFAULT = "default argument or decorator"

UseKind = Literal["call", "attr", "name"]

_DEFAULTS: dict[type, tuple[tuple[str, object], ...]] = {}


class Lean:
    """Pickled without the fields that hold their default (the class attribute a dataclass keeps
    for a plain default answers them after loading): a cached index (core/index_cache.py) and an
    index sent back by a worker are smaller and load faster. Equal objects either way."""

    def __getstate__(self) -> dict[str, object]:
        cls = type(self)
        defaults = _DEFAULTS.get(cls)
        if defaults is None:
            found = fields(cls)  # type: ignore[arg-type]
            defaults = _DEFAULTS[cls] = tuple((f.name, f.default) for f in found if f.default is not MISSING)
        state = self.__dict__.copy()
        for name, default in defaults:
            value = state.get(name, state)  # absent once loaded this way
            if value is default or (type(value) is type(default) and value == default):
                del state[name]
        return state


@dataclass(frozen=True)
class UploadHelper:
    """A test helper returning form fields and file tuples in one dict (analysis.upload_helpers):
    its returned dict literals, each `data=` it reaches (the value and the call it is passed to),
    the locals holding its result read by a form field's key, and why the proof failed ("" if not)."""

    name: str
    line: int
    col: int
    returns: tuple[Span, ...]
    sites: tuple[tuple[Span, Span], ...]
    form_reads: tuple[Span, ...]
    reason: str


@dataclass(frozen=True)
class Use(Lean):
    """A call, attribute read or name read inside a function body that may need an `await`."""

    span: Span
    ref: str
    kind: UseKind
    ctx: str = CTX_OK
    parens: bool = False  # an inserted await must be parenthesised here
    awaited: bool = False  # already the operand of an `await`
    text: str = ""
    arg_of: str | None = None  # for "name"/"attr": the ref of the call it is passed to
    arg_key: str | None = None  # keyword, or "#N" for the N-th positional argument
    with_item: bool = False  # the context expression of a `with` item
    nargs: int = -1  # a call's positional argument count, -1 when it has keywords or stars
    statement: bool = False  # the call is a whole expression statement (`CORS(app)`)
    # A string literal the use is keyed by: a call's first positional argument, or for an
    # attribute read the index of the subscript it is the value of (`environ["REMOTE_ADDR"]`,
    # then `key_span` is the subscript's span). Rewrites that depend on the key read it.
    key: str | None = None
    key_span: Span | None = None
    augmented: bool = False  # an attribute both read and written: the target of `x.data += b"..."`
    # the call a lambda wraps whole, the lambda handed to an exception checker as its callable
    # (`self.assertRaises(E, lambda: f())`, analysis/raises_lambdas.py): it can be awaited once
    # the check becomes a `with` block, so it colours its function like a call outside a lambda
    checked: bool = False


@dataclass(frozen=True)
class UnpinnedGetattr:
    """A `getattr(obj, name[, default])` call whose attribute name cannot be pinned to string
    literals, or one pinned to `names` whose value is read, not called (analysis/unpinned.py);
    `planners/dynamic_attrs.py` reports the ones that may need an `await` under Quart."""

    span: Span  # the `getattr(...)` call
    name_text: str  # the source of the attribute-name argument (`verb`, `method.lower()`)
    reason: str  # why it cannot be pinned, as a clause ("`verb` is a parameter"); "" when pinned
    names: tuple[str, ...] = ()  # the pinned names (a literal, a loop over literals)


@dataclass(frozen=True)
class WithSite(Lean):
    """A `with` statement; the planner makes it `async with` when every item is async."""

    span: Span
    items: tuple[Span, ...]  # spans of each item's context expression
    is_async: bool
    touches_app_globals: bool = False  # the body reads `g` or `current_app`
    movable: bool = False  # in an app factory: it could move into a nested function unchanged (analysis/closure_body.py)


@dataclass(frozen=True)
class Decorator(Lean):
    ref: str  # what the decorator expression names; a call `@d(...)` keeps `ref` = d, called=True
    called: bool
    span: Span
    args: tuple[str, ...] = ()  # refs of positional arguments of a called decorator
    name_kw: str | None = None  # a literal `name="..."` keyword (`@pytest.fixture(name="app")`)
    keywords: tuple[tuple[str, str], ...] = ()  # a called decorator's keywords: (name, source); "" for `**`


@dataclass(frozen=True)
class FunctionInfo(Lean):
    qualname: str
    name: str
    span: Span  # the `def` line (decorators excluded), LibCST's FunctionDef range
    is_async: bool
    is_generator: bool
    class_qualname: str | None
    parent: str | None  # enclosing function, for nested defs
    params: tuple[str, ...]
    decorators: tuple[Decorator, ...]
    uses: tuple[Use, ...]
    withs: tuple[WithSite, ...]
    returned_names: tuple[str, ...]  # local names it returns (a decorator returns its wrapper)
    makes_app: bool  # calls flask.Flask(...): an app factory, which must stay sync
    return_refs: tuple[str, ...] = ()  # what its `return` statements give ("" when unknown)
    value_returns: tuple[Span, ...] = ()  # `return <value>` statements (an async generator cannot have one)
    yield_refs: tuple[str, ...] = ()  # what it yields (a pytest fixture's value)
    patches: tuple[tuple[str, str, int], ...] = ()  # monkeypatch.setattr(target, fake): (target, fake, line)
    positional: tuple[str, ...] = ()  # the parameters a caller can fill by position (no kw-only ones)


@dataclass(frozen=True)
class ClassInfo(Lean):
    qualname: str
    name: str
    span: Span
    bases: tuple[str, ...]
    methods: tuple[str, ...]
    decorator_refs: tuple[str, ...]  # `decorators = [...]` of class-based views
    attributes: tuple[tuple[str, str], ...] = ()  # `self.x = ...` in methods: name -> ref


@dataclass(frozen=True)
class Rename:
    """A reference to a Flask name that Quart spells differently (`Flask` -> `Quart`)."""

    span: Span
    new: str
    extension: str = ""  # the extension module whose port spells it so (`flask_wtf`), if any


@dataclass(frozen=True)
class ModuleIndex(Lean):
    path: str
    module: str
    is_package: bool
    source_hash: str
    bindings: tuple[tuple[str, str], ...]  # module-level name -> ref ("" when ambiguous)
    functions: tuple[FunctionInfo, ...]
    classes: tuple[ClassInfo, ...]
    module_uses: tuple[Use, ...]  # module level and class bodies
    renames: tuple[Rename, ...]
    imports_flask: bool
    flask_import_lines: tuple[int, ...] = ()
    # (line, col, module, is a `from ... import`) of each import of a Flask extension
    extension_imports: tuple[tuple[int, int, str, bool], ...] = ()
    star_imports: tuple[str, ...] = ()  # modules this one imports `*` from (module level)
    worker_class: tuple[int, str] | None = None  # `worker_class = "gevent"` in a gunicorn config  # (line, col, module) of Flask extensions
    g_attributes: tuple[tuple[str, str], ...] = ()  # `g.db = sqlite3.connect(...)`: name -> ref
    # `request.cls.client = client` in a pytest fixture: name -> ref, an attribute of the test classes using it
    fixture_cls_attributes: tuple[tuple[str, str], ...] = ()
    suppressions: tuple[tuple[int, tuple[str, ...]], ...] = ()  # `# quartify: ignore[CODE]` per line
    # `x.attr = ...` targets anywhere whose `x` resolves to an import: (span, ref of `x.attr`)
    attribute_stores: tuple[tuple[Span, str], ...] = ()
    # `x = scoped_session(factory)` / `obj.attr = scoped_session(factory)` without `scopefunc`: a
    # thread-local session registry (analysis.scoped_sessions): (line, ref of the target)
    thread_local_sessions: tuple[tuple[int, str], ...] = ()
    # `self.assertRaises(E, lambda: call())` statements in functions: (checker call, lambda body)
    raises_lambdas: tuple[tuple[Span, Span], ...] = ()
    file_dicts: tuple[Span, ...] = ()  # `data=name` reads where a dict literal with file tuples reaches `name`
    unpinned_getattrs: tuple[UnpinnedGetattr, ...] = ()  # `getattr(obj, name)` with `name` not pinned
    # `data=name` reads whose dict contents are proven (analysis.file_fields.Fields)
    data_fields: tuple[tuple[Span, tuple[tuple[str, int, str], ...]], ...] = ()
    pytest_plugins: tuple[str, ...] = ()  # `pytest_plugins = [...]`: modules whose fixtures every test sees
    upload_helpers: tuple[UploadHelper, ...] = ()  # helpers returning a Flask upload dict (analysis.upload_helpers)

    def binding_map(self) -> dict[str, str]:
        return dict(self.bindings)

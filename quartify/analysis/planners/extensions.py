"""Flask extensions: a finding for every extension import with its row of the matrix
(quartify/rules/extensions.toml); the import moves only where the row is native under
`--extensions` (Bcrypt, WTF, CORS), `CORS(app)` becomes `app = cors(app)`, and Quart-WTF forms are
built with `await Form.create_form(...)`. A moved import is recorded (`MoveExtension.dist`) so the
same run puts the port in the dependency files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.cross_origin import Mapped, route_cors_keywords
from quartify.analysis.edits import Edit
from quartify.analysis.graph import FLASK_FORM
from quartify.analysis.model import CTX_OK, FunctionInfo, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.analysis.planners.flask_patch import patch_route, takes_patch
from quartify.core.types import Finding, Severity, Span
from quartify.rules import extensions as matrix
from quartify.rules import loader
from quartify.rules.extensions import ExtensionRow, Strategy

CORS = "flask_cors.CORS"
CROSS_ORIGIN = "flask_cors.cross_origin"
# Route registrations `@route_cors` must sit under (it wraps the view the route registers).
_ROUTE_METHODS = frozenset({"route", "get", "post", "put", "patch", "delete"})


@dataclass(frozen=True)
class MoveExtension(Edit):
    """`from flask_bcrypt import Bcrypt` -> `from quart_bcrypt import Bcrypt` (the statement at `span`)."""

    module: str
    target: str
    dist: str = ""  # the Flask extension's distribution (its row of the matrix)


@dataclass(frozen=True)
class CorsCall(Edit):
    """`CORS(app)` -> `app = cors(app)` at module level (Quart-CORS returns the app it configures);
    inside a function `cors(app)`, since rebinding `app` there would make it a local name."""

    rebind: bool = True


@dataclass(frozen=True)
class CrossOrigin(Edit):
    """`@cross_origin(...)` -> `@route_cors(...)` with `keywords` (name, source), each one an exact
    equivalent (analysis/cross_origin.py); `needs_re` when one is `re.compile(...)`."""

    keywords: tuple[tuple[str, str], ...] = ()
    needs_re: bool = False


@dataclass(frozen=True)
class FormCreate(Edit):
    """`MyForm(...)` -> `await MyForm.create_form(...)` (Quart-WTF builds forms asynchronously),
    parenthesised when the form is then used in the same expression."""

    parens: bool = False


def is_form_construction(ctx: FileContext, use: Use) -> bool:
    return (use.kind == "call" and not use.awaited and ctx.linker.applies(FLASK_FORM)
            and ctx.linker.inherits(ctx.resolve(use.ref), FLASK_FORM))


# `QuartForm.create_form(formdata, obj, prefix, data, meta, **kwargs)` builds the form with
# `cls(formdata, obj, prefix, data, meta, **kwargs)`: an `__init__` must take those by position.
_CREATE_FORM_POSITIONAL = ("formdata", "obj", "prefix", "data", "meta")


def custom_init(ctx: FileContext, form_class: str) -> FunctionInfo | None:
    """The repo `__init__` a form class runs, when it takes positional parameters other than
    the ones `create_form` passes on (`def __init__(self, user, *args, **kwargs)`)."""
    linker = ctx.linker
    for klass in linker.mro(form_class):
        info = linker.classes.get(klass)
        if info is None:
            return None  # reached Flask-WTF's own classes
        if "__init__" in info.methods:
            init = linker.functions.get(f"{klass}.__init__")
            if init is None:
                return None
            own = init.positional[1:]  # without self
            return None if own == _CREATE_FORM_POSITIONAL[: len(own)] else init
    return None


@planner
def plan_forms(ctx: FileContext) -> Iterator[FormCreate | Finding]:
    for facts in ctx.functions:
        for use in facts.func.uses:
            if not is_form_construction(ctx, use):
                continue
            init = custom_init(ctx, ctx.resolve(use.ref))
            if init is not None:
                params = ", ".join(init.positional[1:])
                yield ctx.finding(
                    "QFY142", Severity.ERROR,
                    f"`{use.text}` has its own `__init__({params}, ...)`, but Quart-WTF's `create_form` passes "
                    "the submitted form data as the first positional argument: make those parameters "
                    f"keyword-only (`def __init__(self, *args, {params}, **kwargs)`), then call "
                    f"`await {use.text}.create_form({params}=...)`; left unchanged", use.span.line, use.span.col)
            elif facts.body_async and use.ctx == CTX_OK:
                yield FormCreate(use.span, use.parens)
            else:
                yield ctx.finding(
                    "QFY101", Severity.ERROR,
                    f"`{use.text}(...)` must become `await {use.text}.create_form(...)` under "
                    "Quart-WTF, but it is not in an async function; left unchanged", use.span.line, use.span.col)


def moves_for(wanted: Strategy) -> dict[str, str]:
    """The import moves of names.toml that apply under `--extensions wanted`: only those of a
    row that is native under it, and only to the module its port installs (checked by
    tests/extensions/test_matrix.py)."""
    out = {}
    for module, target in loader.names().extension_modules.items():
        row = matrix.by_module(module)
        if row is not None and row.effective(wanted) is Strategy.NATIVE:
            out[module] = target
    return out


def _cross_origin_sites(ctx: FileContext) -> tuple[list[CrossOrigin], list[Finding]]:
    """Every `@cross_origin(...)` of the file as an edit, or a finding saying why it stays."""
    edits: list[CrossOrigin] = []
    kept: list[Finding] = []
    for func in ctx.module.functions:
        for i, dec in enumerate(func.decorators):
            if ctx.resolve(dec.ref) != CROSS_ORIGIN:
                continue
            above = func.decorators[:i]
            mapped = route_cors_keywords(dec) if dec.called else Mapped(reason="it is not called")
            if not mapped.reason and not any(d.called and d.ref.rsplit(".", 1)[-1] in _ROUTE_METHODS for d in above):
                mapped = Mapped(reason="no route decorator sits above it (`@route_cors` must wrap the view the route registers)")
            if mapped.needs_re and dict(ctx.module.bindings).get("re", "re") != "re":
                mapped = Mapped(reason="the echoed Origin needs `re.compile`, and this module binds `re` to something else")
            if mapped.reason:
                kept.append(ctx.finding(
                    "QFY140", Severity.WARNING,
                    f"`@cross_origin` of `{func.name}` is left as it is: {mapped.reason}; write `@route_cors(...)` "
                    "from quart_cors by hand (Flask-CORS echoes the request Origin unless `send_wildcard=True`, "
                    "Quart-CORS answers `*`)", dec.span.line, dec.span.col, group="Flask-CORS"))
            else:
                edits.append(CrossOrigin(dec.span, mapped.keywords, mapped.needs_re))
    return edits, kept


def _route(row: ExtensionRow, wanted: Strategy) -> str:
    strategy = row.effective(wanted)
    if strategy is Strategy.NATIVE:
        return f"its Quart port is `{row.requirement}`: {row.advice}"
    if strategy is Strategy.PATCH:
        return f"it runs under quart-flask-patch: {row.advice}"
    if row.strategy is Strategy.NATIVE:
        return (f"`--extensions {wanted}` leaves it as it is; `--extensions native` moves it to its Quart port "
                f"(`{row.requirement}`): {row.advice}")
    if row.strategy is Strategy.PATCH:
        return f"`--extensions {wanted}` leaves it as it is; `--extensions patch` runs it under quart-flask-patch: {row.advice}"
    return row.advice


@planner
def plan_extension_imports(ctx: FileContext) -> Iterator[MoveExtension | CorsCall | CrossOrigin | Finding]:
    wanted = ctx.repo.options.extensions
    moves = moves_for(wanted)
    cors_uses = [u for u in ctx.all_uses if u.kind in ("call", "name", "attr") and ctx.resolve(u.ref) == CORS]
    cross_edits, cross_kept = _cross_origin_sites(ctx)
    # A use of `cross_origin` that is no rewritable decorator (`cross_origin()(view)`) keeps the import.
    stray = [u for u in ctx.all_uses if ctx.resolve(u.ref) == CROSS_ORIGIN and u.span not in {e.span for e in cross_edits}]
    cors_ok = ((bool(cors_uses) or bool(cross_edits)) and not cross_kept and not stray
               and all(u.kind == "call" and u.statement and u.nargs == 1 for u in cors_uses))
    moved_cors = False
    for line, col, name, is_from in ctx.module.extension_imports:
        row = matrix.by_module(name)
        if row is None or (takes_patch(name, wanted) and patch_route(ctx.linker, wanted) is not None):
            continue  # the patch route (planners/flask_patch.py) reports it once
        target = moves.get(name)
        if target is not None and not is_from:
            yield ctx.finding(
                "QFY140", Severity.WARNING,
                f"`import {name}` ({row.name}) is left as it is: quartify moves only `from {name} import ...` "
                f"to the Quart port; write `{target}` here by hand and list `{row.requirement}` in the dependencies. "
                + row.advice, line, col, group=row.name)
            continue
        if target is not None and (name != "flask_cors" or cors_ok):
            moved_cors = moved_cors or name == "flask_cors"
            yield MoveExtension(Span(line, col, line, col), name, target, row.dist)
            message = f"`{name}` ({row.name}) moved to `{target}`; the dependency files get `{row.requirement}`: {row.advice}"
            yield ctx.finding("QFY141", Severity.INFO, message, line, col)
            continue
        yield ctx.finding(
            "QFY140", Severity.WARNING,
            f"`{name}` is a Flask extension ({row.name}){matrix.shared_module_note(name)}; {_route(row, wanted)}",
            line, col, group=row.name)
    if moved_cors:
        at_module_level = {u.span for u in ctx.module.module_uses}
        for use in cors_uses:
            yield CorsCall(use.span, use.span in at_module_level)
        yield from cross_edits
    elif "flask_cors" in moves:
        yield from cross_kept

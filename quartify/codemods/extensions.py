"""Flask extensions whose Quart ports are near drop-ins (quart-api.md §4.2).

The import moves (`flask_bcrypt` -> `quart_bcrypt`, `flask_wtf.FlaskForm` -> `quart_wtf.QuartForm`);
Quart-CORS returns the app (`CORS(app)` -> `app = cors(app)`); Quart-WTF builds forms
asynchronously (`MyForm()` -> `await MyForm.create_form()`).
"""

from __future__ import annotations

import libcst as cst

from quartify.analysis.cross_origin import ECHO
from quartify.analysis.planners.extensions import CorsCall, CrossOrigin, FormCreate, MoveExtension
from quartify.codemods.base import Concern, Context, awaited
from quartify.codemods.imports import _dotted, _dotted_node
from quartify.core.types import Span
from quartify.rules import loader

_CORS_NAMES = {"CORS": "cors", "cross_origin": "route_cors"}
_SAME_VALUE = {"origins": "allow_origin", "max_age": "max_age"}


class MoveExtensionImports(Concern):
    node_types = (cst.ImportFrom,)
    handles = (MoveExtension,)
    order = 20

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.moves = {e.module: e.target for e in ctx.plan.of(MoveExtension)}
        self.renames = loader.names().extension_renames

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if not isinstance(updated, cst.ImportFrom) or updated.relative or updated.module is None:
            return updated
        module = _dotted(updated.module)
        target = self.moves.get(module)
        if target is None:
            return updated
        names = updated.names
        if not isinstance(names, cst.ImportStar):
            renamed = []
            for alias in names:
                name = _dotted(alias.name)
                new = self.renames.get(f"{module}.{name}") or (_CORS_NAMES.get(name) if module == "flask_cors" else None)
                renamed.append(alias.with_changes(name=cst.Name(new)) if new else alias)
            names = renamed
        return updated.with_changes(module=_dotted_node(target), names=names)


class RewriteCors(Concern):
    node_types = (cst.SimpleStatementLine,)
    handles = (CorsCall,)
    order = 170
    reads_leading_lines = False

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(CorsCall)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if not self.sites or not isinstance(updated, cst.SimpleStatementLine) or len(updated.body) != 1:
            return updated
        stmt = updated.body[0]
        if not isinstance(stmt, cst.Expr) or not isinstance(stmt.value, cst.Call) or len(stmt.value.args) != 1:
            return updated
        mine = [edit for site, edit in self.sites.items() if site.line >= span.line and site.end_line <= span.end_line]
        if not mine:
            return updated
        app = stmt.value.args[0].value
        if not isinstance(app, (cst.Name, cst.Attribute)):
            return updated
        call = cst.Call(func=cst.Name("cors"), args=[cst.Arg(app)])
        if not all(site.rebind for site in mine):
            return updated.with_changes(body=[stmt.with_changes(value=call)])
        return updated.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(app)], value=call)])


class RewriteCrossOrigin(Concern):
    """`@cross_origin(...)` -> `@route_cors(...)` with the planned keywords (the name the import
    move gives it; an aliased import keeps its alias)."""

    node_types = (cst.Call,)
    handles = (CrossOrigin,)
    order = 175  # decorator calls only: no other rewrite takes them

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(CrossOrigin)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        edit = self.sites.get(span)
        if edit is None or not isinstance(updated, cst.Call):
            return updated
        func = updated.func
        if isinstance(func, cst.Name) and func.value == "cross_origin":
            func = cst.Name("route_cors")
        if edit.needs_re:
            self.ctx.needed_imports.add(("re", None))
        # Keep the author's spelling of a value passed on unchanged (`origins=` -> `allow_origin=`).
        kept = {_SAME_VALUE.get(a.keyword.value): a.value for a in updated.args if a.keyword is not None}
        args = [cst.Arg(kept[name] if name in kept and value != ECHO else cst.parse_expression(value),
                        keyword=cst.Name(name),
                        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
                for name, value in edit.keywords]
        for arg in args[:-1]:
            args[args.index(arg)] = arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return updated.with_changes(func=func, args=args)


class CreateForms(Concern):
    node_types = (cst.Call,)
    handles = (FormCreate,)
    order = 100

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = ctx.plan.sites(FormCreate)

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Call):
            return updated
        self.ctx.awaits_added += 1
        create = updated.with_changes(
            func=cst.Attribute(value=updated.func, attr=cst.Name("create_form")), lpar=[], rpar=[]
        )
        return awaited(create, updated, self.sites[span].parens)

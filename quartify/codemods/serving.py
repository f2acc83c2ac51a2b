"""`app.run(...)` keywords Quart ignores or renames (planned in `analysis/planners/serving.py`)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.serving import AppRun
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span
from quartify.rules import loader


class AppRunKeywords(Concern):
    """`app.run(threaded=True, ssl_context=(cert, key))` -> `app.run(certfile=cert, keyfile=key)`:
    Quart ignores Werkzeug's server options (with a warning) and takes TLS files by name."""

    node_types = (cst.Call,)
    handles = (AppRun,)
    order = 50

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = set(ctx.plan.sites(AppRun))
        self.drop = loader.quart_api().serving.run_drop

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        if span not in self.sites or not isinstance(updated, cst.Call):
            return updated
        args: list[cst.Arg] = []
        changed = False
        for arg in updated.args:
            name = arg.keyword.value if arg.keyword is not None else None
            if name in self.drop:
                changed = True
                continue
            if name == "ssl_context" and isinstance(arg.value, cst.Tuple) and len(arg.value.elements) == 2:
                cert, key = (e.value for e in arg.value.elements)
                equal = arg.equal
                args.append(arg.with_changes(keyword=cst.Name("certfile"), value=cert,
                                             comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
                args.append(arg.with_changes(keyword=cst.Name("keyfile"), value=key, equal=equal))
                changed = True
                continue
            args.append(arg)
        if not changed:
            return updated
        if args:
            last = updated.args[-1]
            args[-1] = args[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
        return updated.with_changes(args=args)

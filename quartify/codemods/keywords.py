"""Keyword arguments Quart renamed (`send_file(download_name=)` -> `attachment_filename=`)."""

from __future__ import annotations

import libcst as cst

from quartify.analysis.planners.keywords import KeywordRename
from quartify.codemods.base import Concern, Context
from quartify.core.types import Span


class RenameKeywords(Concern):
    node_types = (cst.Call,)
    handles = (KeywordRename,)
    order = 40

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.sites = {k.span: dict(k.renames) for k in ctx.plan.of(KeywordRename)}

    def leave(self, original: cst.CSTNode, updated: cst.CSTNode, span: Span) -> cst.CSTNode:
        renames = self.sites.get(span)
        if not renames or not isinstance(updated, cst.Call):
            return updated
        args = []
        for arg in updated.args:
            if arg.keyword is not None and arg.keyword.value in renames:
                arg = arg.with_changes(keyword=arg.keyword.with_changes(value=renames[arg.keyword.value]))
            args.append(arg)
        return updated.with_changes(args=args)

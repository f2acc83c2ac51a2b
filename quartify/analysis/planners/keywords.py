"""Keyword arguments Quart renamed (`send_file(download_name=)`), from `rules/quart_api.toml`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext


@dataclass(frozen=True)
class KeywordRename(Edit):
    """Rename these keywords of the call at `span`: ((old, new), ...)."""

    renames: tuple[tuple[str, str], ...]


@planner
def plan_keyword_renames(ctx: FileContext) -> Iterator[KeywordRename]:
    for use in ctx.all_uses:
        if use.kind != "call":
            continue
        renames = ctx.api.keyword_renames.get(ctx.resolve(use.ref))
        if renames:
            yield KeywordRename(use.span, tuple(sorted(renames.items())))

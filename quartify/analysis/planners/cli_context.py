"""Flask runs every `app.cli`/`AppGroup` command inside an app context; Quart runs them without
one unless the command says `with_appcontext=True` (quart-api.md §2.5), so a command reading
`current_app`, `g` or a `get_db()` helper crashes with "Not within an app context".

A sync command registered on an app group (and not bridged to `asyncio.run` by `cli_bridge`,
which pushes its own context) gets `with_appcontext=True`, keeping Flask's behaviour. Quart's
`with_appcontext` runs the command inside `asyncio.run`, so a command that starts an event loop
itself (`asyncio.run(...)` in its body) is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext

# Decorators of an app group's command: Flask's AppGroup.command defaults to with_appcontext=True.
_APP_GROUP_COMMANDS = ("flask.Flask().cli.command", "flask.Blueprint().cli.command", "flask.AppGroup().command")
_LOOP_STARTERS = frozenset({"asyncio.run", "asyncio.get_event_loop().run_until_complete", "asyncio.Runner"})
_WITH_APPCONTEXT = frozenset({"flask.cli.with_appcontext", "flask.with_appcontext"})


@dataclass(frozen=True)
class CommandAppContext(Edit):
    """The app-group command decorator at `span` (`app.cli.command(...)` or a bare
    `app.cli.command`) gets `with_appcontext=True` unless it already names that keyword or
    passes `**kwargs` (the rewrite checks, so a re-plan of the output is a no-op)."""


def _is_app_group_command(resolved: str) -> bool:
    return resolved in _APP_GROUP_COMMANDS or resolved.endswith(".cli.command")


@planner
def plan_command_app_context(ctx: FileContext) -> Iterator[CommandAppContext]:
    for facts in ctx.functions:
        func = facts.func
        if facts.kind != "cli" or facts.bridged or func.is_async:
            continue
        resolved = [ctx.resolve(d.ref) for d in func.decorators]
        if any(r in _WITH_APPCONTEXT for r in resolved):
            continue  # already wrapped explicitly
        if any(ctx.resolve(u.ref) in _LOOP_STARTERS for u in func.uses):
            continue
        for dec, ref in zip(func.decorators, resolved):
            if _is_app_group_command(ref):
                yield CommandAppContext(dec.span)

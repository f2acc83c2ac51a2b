"""Blocking calls in functions that run on the event loop: a finding with the chain from the view,
and the fix the options allow — `time.sleep` -> `await asyncio.sleep` (safe), a thread offload
under `--blocking=thread`, or a `# TODO(quartify)` comment: one per function per root cause (`--todo`), above the first
site, naming the group and how many sites it stands for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.blocking import blocking_rule
from quartify.analysis.edits import Edit
from quartify.analysis.model import CTX_OK, Use
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, FunctionFacts
from quartify.analysis.planners.flask_patch import patch_route
from quartify.analysis.planners.offload import Offload
from quartify.analysis.planners.unsafe_swap import FIXED, unsafe_swap
from quartify.analysis.repo import short
from quartify.core.config import BlockingMode, TodoPolicy
from quartify.core.types import ChainStep, Finding, Safety, Severity
from quartify.rules import blocking as blocking_rules
from quartify.rules.blocking import BlockingRule


@dataclass(frozen=True)
class SleepCall(Edit):
    """`time.sleep(x)` -> `await asyncio.sleep(x)`."""

    parens: bool = False


@dataclass(frozen=True)
class TodoComment(Edit):
    """`# {text}` above the statement holding the call at `span` (written once)."""

    text: str


@planner
def plan_blocking(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        if facts.func.qualname in ctx.repo.loop:
            yield from _blocking_calls(ctx, facts)


_PATCH_OFFLOAD = "await asyncio.to_thread(unit_of_work)"
_OFFLOAD_REFUSED = (
    " Not offloaded: this library's connections are tied to the thread that made them, so "
    "calls cannot move to a worker thread one by one; offload the whole unit of work "
    "(connect, use, close) or switch library."
)


def _sites(ctx: FileContext, facts: FunctionFacts) -> list[tuple[Use, BlockingRule]]:
    """The blocking calls of one function, one per site: a chain on one receiver
    (`get_db().execute(...).fetchall()`) starts where its first call starts and is one site,
    reported at its innermost blocking call (`get_db().execute()`)."""
    repo, options = ctx.repo, ctx.repo.options
    tables = blocking_rules.tables(options.extra_rules)
    silenced = {line: set(codes) for line, codes in ctx.module.suppressions}
    best: dict[tuple[str, int, int], tuple[Use, BlockingRule]] = {}
    for use in facts.func.uses:
        rule = blocking_rule(repo.linker, tables, use)
        if rule is None or not options.wants(rule.code) or rule.code in silenced.get(use.span.line, ()):
            continue
        key = (rule.code, use.span.line, use.span.col)
        kept = best.get(key)
        if kept is None or (use.span.end_line, use.span.end_col) < (kept[0].span.end_line, kept[0].span.end_col):
            best[key] = (use, rule)
    return sorted(best.values(), key=lambda site: site[0].span)


def resource(linker_resolved: str) -> str:
    """The root cause a blocking call shares with its siblings: the library its callee
    resolves into (`sqlite3.Connection().execute` -> `sqlite3`)."""
    return linker_resolved.split(".", 1)[0].split("(", 1)[0]


def _blocking_calls(ctx: FileContext, facts: FunctionFacts) -> Iterator[Edit | Finding]:
    repo, func = ctx.repo, facts.func
    options = repo.options
    sites = _sites(ctx, facts)
    todo_groups: dict[tuple[str, str], int] = {}  # (code, group) -> sites in this function
    for use, rule in sites:
        group = resource(repo.linker.resolve(use.ref))
        todo_groups[(rule.code, group)] = todo_groups.get((rule.code, group), 0) + 1
    todo_written: set[tuple[str, str]] = set()
    route = patch_route(repo.linker, options.extensions)
    patched = set(route.extensions) if route is not None else set()
    for use, rule in sites:
        group = resource(repo.linker.resolve(use.ref))
        where_ok = facts.body_async and use.ctx == CTX_OK
        fix: str | None = None
        refusal = ""
        swap = unsafe_swap(ctx, rule, use)
        if swap is not None:
            fix = swap
        elif "sleep" in rule.fixes and where_ok and options.blocking != BlockingMode.REPORT:
            fix = "sleep"
        elif options.blocking == BlockingMode.THREAD:
            if rule.thread_affinity:
                refusal = _OFFLOAD_REFUSED
            elif "thread" in rule.fixes and where_ok:
                fix = "thread"
            elif not where_ok:
                refusal = " Not offloaded: the call is not directly in an async function."
        chain = (
            *(ChainStep(repo.linker.module_of[h.caller].path, h.line, f"{short(h.caller)} calls {short(h.callee)}")
              for h in repo.loop.paths.get(func.qualname, ())),
            ChainStep(ctx.path, use.span.line, f"{short(func.qualname)} calls {use.text}()"),
        )
        version = f" >= {rule.replacement.min_version}" if rule.replacement.min_version else ""
        replacement = f"{rule.replacement.call} ({rule.replacement.package}{version})"
        advice, fix_text, decision = f"use {replacement}", rule.replacement.call, ""
        if group in patched:  # the extension stays, sync, under quart-flask-patch: advise that route
            advice = (f"it runs under quart-flask-patch (QFY143), which keeps it sync: keep it, or free the loop "
                      f"by offloading the whole unit of work with {_PATCH_OFFLOAD}; the native route is {replacement}")
            fix_text = _PATCH_OFFLOAD
            decision = (f"Keep {group} under quart-flask-patch (the calls work and hold the loop), or offload "
                        f"whole units of work with {_PATCH_OFFLOAD}; the native route is {replacement}.")
        message = f"`{use.text}()`: {rule.summary}; {advice}.{refusal}"
        if fix is not None:
            message += f" Fixed: {FIXED[fix]}."
        yield ctx.finding(
            rule.code,
            Severity(rule.severity) if fix is None else Severity.INFO,
            message,
            use.span.line,
            use.span.col,
            fix=fix_text,
            safety=Safety.SAFE if fix == "sleep" else Safety.UNSAFE if "thread" in rule.fixes or swap else Safety.DISPLAY,
            chain=chain,
            group=group,
            decision=decision,
        )
        if fix == "sleep":
            yield SleepCall(use.span, use.parens)
        elif fix == "thread":
            yield Offload(use.span, use.parens)
        elif (fix is None and options.blocking == BlockingMode.TODO and options.todo == TodoPolicy.FUNCTION
              and rule.severity != "info" and (rule.code, group) not in todo_written):
            todo_written.add((rule.code, group))  # one per function per group: the first site
            count = todo_groups[(rule.code, group)]
            what = (f"{use.text}() and {count - 1} more {group} call{'s' if count > 2 else ''} in this function block"
                    if count > 1 else f"{use.text}() blocks")
            how = f"kept sync by quart-flask-patch: keep it, or use {fix_text}" if group in patched else f"use {fix_text}"
            yield TodoComment(use.span, f"TODO(quartify): {rule.code} {what} the event loop; {how}")

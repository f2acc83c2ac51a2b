"""Blocking calls in functions that run on the event loop: a finding with the chain from the view,
and the fix the options allow — `time.sleep` -> `await asyncio.sleep` (safe), a thread offload
under `--blocking=thread`, or a `# TODO(quartify)` comment: one per function per root cause (`--todo`), above the first
site, naming the group and how many sites it stands for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis import scoped_sessions
from quartify.analysis.helper_offload import blocking_sites
from quartify.analysis.model import CTX_OK
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, FunctionFacts
from quartify.analysis.planners.flask_patch import patch_route
from quartify.analysis.planners.offload import Offload
from quartify.analysis.planners.unsafe_swap import FIXED, unsafe_swap
from quartify.analysis.repo import short
from quartify.core.config import BlockingMode, TodoPolicy
from quartify.core.types import ChainStep, Finding, Safety, Severity
from quartify.rules import blocking as blocking_rules


@dataclass(frozen=True)
class SleepCall(Edit):
    """`time.sleep(x)` -> `await asyncio.sleep(x)`."""

    parens: bool = False


@dataclass(frozen=True)
class TodoComment(Edit):
    """`# {text}` above the statement holding the call at `span` (written once)."""

    text: str


@planner
def plan_blocking(ctx: FileContext) -> Iterator[SleepCall | Offload | TodoComment | Finding]:
    for facts in ctx.functions:
        if facts.func.qualname in ctx.repo.loop:
            yield from _blocking_calls(ctx, facts)


_PATCH_OFFLOAD = "await asyncio.to_thread(unit_of_work)"
_OFFLOAD_REFUSED = (
    " Not offloaded: this library's connections are tied to the thread that made them, so "
    "calls cannot move to a worker thread one by one; offload the whole unit of work "
    "(connect, use, close) or switch library."
)


def resource(linker_resolved: str) -> str:
    """The root cause a blocking call shares with its siblings: the library its callee
    resolves into (`sqlite3.Connection().execute` -> `sqlite3`)."""
    return linker_resolved.split(".", 1)[0].split("(", 1)[0]


def _blocking_calls(ctx: FileContext, facts: FunctionFacts) -> Iterator[SleepCall | Offload | TodoComment | Finding]:
    repo, func = ctx.repo, facts.func
    options = repo.options
    tables = blocking_rules.tables(options.extra_rules)
    sites = [(s.use, s.rule) for s in blocking_sites(repo.linker, tables, options, func)]
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
            registry = _thread_local_registry(ctx, use.ref)
            if rule.thread_affinity:
                refusal = _OFFLOAD_REFUSED
            elif registry:
                refusal = registry
            elif "thread" in rule.fixes and where_ok:
                fix = "thread"
            elif not where_ok:
                refusal = " Not offloaded: the call is not directly in an async function" + _helper_refusal(ctx, func.qualname)
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
        elif (fix is None and options.blocking != BlockingMode.REPORT and options.todo == TodoPolicy.FUNCTION
              and rule.severity != "info" and (rule.code, group) not in todo_written):
            todo_written.add((rule.code, group))  # one per function per group: the first site
            count = todo_groups[(rule.code, group)]
            what = (f"{use.text}() and {count - 1} more {group} call{'s' if count > 2 else ''} in this function block"
                    if count > 1 else f"{use.text}() blocks")
            how = f"kept sync by quart-flask-patch: keep it, or use {fix_text}" if group in patched else f"use {fix_text}"
            yield TodoComment(use.span, f"TODO(quartify): {rule.code} {what} the event loop; {how}")


def _thread_local_registry(ctx: FileContext, ref: str) -> str:
    """Why a call on a thread-bound session registry stays on the loop ("" when the receiver is
    none): analysis/scoped_sessions.py."""
    registries = ctx.repo.thread_local_sessions
    if not registries:
        return ""
    where = scoped_sessions.registry_of(registries, ref, ctx.resolve)
    if where is None:
        return ""
    return (f" Not offloaded: the receiver is a thread-local scoped_session (a scoped_session with no scopefunc, "
            f"assigned at {where[0]}:{where[1]}), so a worker thread would commit or query its own Session, "
            f"not the one this code added to; keep the call on the loop, or give the registry a scopefunc.")


def _helper_refusal(ctx: FileContext, qualname: str) -> str:
    """Why the sync helper between the async caller and `qualname` is not offloaded as a whole."""
    repo = ctx.repo
    hops = repo.loop.paths.get(qualname, ())
    for hop in hops:
        caller = repo.linker.functions.get(hop.caller)
        if caller is not None and (caller.is_async or repo.is_async(hop.caller)) and not repo.is_async(hop.callee):
            why = repo.helper_offloads.refusal_for(hop.callee)
            if why:
                return f", and {short(hop.callee)}() is not offloaded where {short(hop.caller)} calls it: {why}."
            break
    return "."

"""Blocking calls in functions that run on the event loop: a finding with the chain from the view,
and the fix the options allow — `time.sleep` -> `await asyncio.sleep` (safe), a thread offload
under `--blocking=thread`, or a `# TODO(quartify)` comment above the statement."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.blocking import blocking_rule
from quartify.analysis.edits import Edit
from quartify.analysis.model import CTX_OK
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext, FunctionFacts
from quartify.analysis.planners.offload import Offload
from quartify.analysis.planners.unsafe_swap import FIXED, unsafe_swap
from quartify.analysis.repo import short
from quartify.core.config import BlockingMode
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
def plan_blocking(ctx: FileContext) -> Iterator[Edit | Finding]:
    for facts in ctx.functions:
        if facts.func.qualname in ctx.repo.loop:
            yield from _blocking_calls(ctx, facts)


_OFFLOAD_REFUSED = (
    " Not offloaded: this library's connections are tied to the thread that made them, so "
    "calls cannot move to a worker thread one by one; offload the whole unit of work "
    "(connect, use, close) or switch library."
)


def _blocking_calls(ctx: FileContext, facts: FunctionFacts) -> Iterator[Edit | Finding]:
    repo, func = ctx.repo, facts.func
    options = repo.options
    tables = blocking_rules.tables(options.extra_rules)
    silenced = {line: set(codes) for line, codes in ctx.module.suppressions}
    for use in func.uses:
        rule = blocking_rule(repo.linker, tables, use)
        if rule is None or not options.wants(rule.code) or rule.code in silenced.get(use.span.line, ()):
            continue
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
        message = f"`{use.text}()`: {rule.summary}; use {replacement}.{refusal}"
        if fix is not None:
            message += f" Fixed: {FIXED[fix]}."
        yield ctx.finding(
            rule.code,
            Severity(rule.severity) if fix is None else Severity.INFO,
            message,
            use.span.line,
            use.span.col,
            fix=rule.replacement.call,
            safety=Safety.SAFE if fix == "sleep" else Safety.UNSAFE if "thread" in rule.fixes or swap else Safety.DISPLAY,
            chain=chain,
        )
        if fix == "sleep":
            yield SleepCall(use.span, use.parens)
        elif fix == "thread":
            yield Offload(use.span, use.parens)
        elif fix is None and options.blocking == BlockingMode.TODO and rule.severity != "info":
            yield TodoComment(
                use.span,
                f"TODO(quartify): {rule.code} {use.text}() blocks the event loop; use {rule.replacement.call}",
            )

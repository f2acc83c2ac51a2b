"""Blocking calls behind a sync helper, moved off the loop where an async function calls the helper.

Under `--blocking thread` a blocking call written directly in an async function becomes
`await asyncio.to_thread(call, ...)`. Most apps put the call one level down, in a plain
`def fetch_quote(symbol)` the view calls; the call cannot be awaited there (the helper stays
sync). This module decides, once per repo, which of those helpers can run whole in a worker
thread: the view's `fetch_quote(s)` becomes `await asyncio.to_thread(fetch_quote, s)`, and the
helper, reached only through such offloads, leaves the loop set (no TODO inside it).

A helper is offloaded at a call site only when everything it runs may move to a thread:
- it is a plain function (not a method: quartify cannot tell whether the object may be used from
  another thread; not decorated by anything but `functools`; not a generator, which runs nothing
  when called) whose whole sync call closure holds at least one blocking call with the thread fix;
- nothing in that closure is thread-affine (a sqlite3 connection kept on `g` was made in another
  thread), becomes async, or blocks without a known thread fix;
- the call can take an `await` where it stands, and its result is not a `with` item;
- the user did not turn it down: `# quartify: ignore[QFY172]` on the call's line, or QFY172 left
  out by `--select`/`--ignore` (like a blocking rule's own fix), keeps the helper on the loop.
`asyncio.to_thread` copies the context, so `request`, `g` and `current_app` read in the helper work.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from quartify.analysis import scoped_sessions
from quartify.analysis.blocking import LoopSet, blocking_rule
from quartify.analysis.graph import RepoGraph
from quartify.analysis.link import Linker
from quartify.analysis.model import CTX_OK, FunctionInfo, Use
from quartify.core.config import Options
from quartify.core.lazy_index import body_pending, called_refs
from quartify.core.types import Span
from quartify.rules import blocking as blocking_rules
from quartify.rules.blocking import BlockingRule, BlockingTables

CODE = "QFY172"  # the finding at an offloaded call (planners/helper_offload.py)


@dataclass(frozen=True)
class BlockingSite:
    """One blocking call: in which function, where, and the rule it matched."""

    func: str
    use: Use
    rule: BlockingRule


@dataclass(frozen=True)
class HelperCall:
    """An async function's call of a sync helper that holds blocking calls: offloaded, or why not."""

    caller: str
    use: Use
    helper: str
    covers: tuple[BlockingSite, ...]  # the blocking calls the helper's closure makes
    refusal: str = ""  # empty: offloaded

    @property
    def offloaded(self) -> bool:
        return not self.refusal


@dataclass(frozen=True)
class HelperOffloads:
    calls: dict[tuple[str, Span], HelperCall] = field(default_factory=dict)  # (caller, call span) -> decision

    @property
    def skipped_edges(self) -> frozenset[tuple[str, int, str]]:
        """(caller, line, helper) call edges that no longer run the helper on the loop: every call
        of the helper on that line is offloaded."""
        kept = {(c.caller, c.use.span.line, c.helper) for c in self.calls.values() if not c.offloaded}
        done = {(c.caller, c.use.span.line, c.helper) for c in self.calls.values() if c.offloaded}
        return frozenset(done - kept)

    def refusal_for(self, helper: str) -> str:
        """Why `helper` stayed on the loop where an async function calls it ("" if it never did)."""
        return next((c.refusal for c in self.calls.values() if c.helper == helper and c.refusal), "")


def blocking_sites(linker: Linker, tables: BlockingTables, options: Options, func: FunctionInfo,
                   known: dict[str, BlockingRule | None] | None = None) -> list[BlockingSite]:
    """The blocking calls of one function, one per site: a chain on one receiver
    (`get_db().execute(...).fetchall()`) is one site, reported at its innermost blocking call.
    `known`: rules by reference shared across one run's questions (`blocking_rule`)."""
    silenced: dict[int, set[str]] | None = None  # worked out at the first blocking call
    best: dict[tuple[str, int, int], tuple[Use, BlockingRule]] = {}
    for use in func.uses:
        rule = blocking_rule(linker, tables, use, known)
        if rule is None or not options.wants(rule.code):
            continue
        if silenced is None:
            module = linker.module_of.get(func.qualname)
            silenced = {line: set(codes) for line, codes in (module.suppressions if module else ())}
        if rule.code in silenced.get(use.span.line, ()):
            continue
        key = (rule.code, use.span.line, use.span.col)
        kept = best.get(key)
        if kept is None or (use.span.end_line, use.span.end_col) < (kept[0].span.end_line, kept[0].span.end_col):
            best[key] = (use, rule)
    return [BlockingSite(func.qualname, use, rule) for use, rule in sorted(best.values(), key=lambda s: s[0].span)]


def plan_helper_offloads(
    linker: Linker, graph: RepoGraph, loop: LoopSet, is_async: Callable[[str], bool], options: Options
) -> HelperOffloads:
    if not options.wants(CODE):
        return HelperOffloads()
    tables = blocking_rules.tables(options.extra_rules)
    callees: dict[str, list[str]] = {}
    for edge in graph.graph.edges:
        callees.setdefault(edge.caller, []).append(edge.callee)
    verdicts: dict[str, tuple[tuple[BlockingSite, ...], str]] = {}
    calls: dict[tuple[str, Span], HelperCall] = {}
    found: dict[str, list[BlockingSite]] = {}  # function -> its blocking sites, each computed once
    rules: dict[str, BlockingRule | None] = {}  # the blocking rule of each callee reference
    registries = scoped_sessions.registries(linker.modules.values(), linker.resolve)

    def thread_local(ref: str) -> bool:
        return bool(registries) and scoped_sessions.registry_of(registries, ref, linker.resolve) is not None

    def sites_of(name: str) -> list[BlockingSite]:
        if name not in found:
            found[name] = blocking_sites(linker, tables, options, linker.functions[name], rules)
        return found[name]

    # The helper a call names is a fact of its reference (`_sync_helper`): asked once per
    # reference ("" in the lookup: not asked yet; no qualname is empty).
    helper_of: dict[str, str | None] = {}

    def offloadable(ref: str) -> str | None:
        """The sync helper a not-awaited call of `ref` runs, when blocking calls lie behind it."""
        helper = helper_of.get(ref, "")
        if helper == "":
            helper = helper_of[ref] = _sync_helper(linker, graph, is_async, ref)
        if helper is None:
            return None
        if helper not in verdicts:
            verdicts[helper] = _verdict(linker, graph, sites_of, callees, is_async, thread_local, helper)
        return helper if verdicts[helper][0] else None  # nothing blocking behind it: nothing to say

    silenced_in: dict[int, frozenset[int]] = {}  # by module object: lines where QFY172 is silenced
    functions = linker.functions
    for caller in sorted(loop.paths):
        func = functions.get(caller)
        if func is None or not (func.is_async or is_async(caller)):
            continue
        if body_pending(func) and not any(offloadable(ref) for ref in called_refs(func)):
            continue  # a cached function calling no such helper: its module's body stays undecoded
        silenced: frozenset[int] | None = None
        for use in func.uses:
            if use.kind != "call" or use.awaited:
                continue
            helper = offloadable(use.ref)
            if helper is None:
                continue
            if silenced is None:
                silenced = _silenced(linker, caller, silenced_in)
            if use.span.line in silenced:
                continue
            covers, refusal = verdicts[helper]
            if not refusal:
                refusal = _site_refusal(use)
            calls[(caller, use.span)] = HelperCall(caller, use, helper, covers, refusal)
    return HelperOffloads(calls)


def _silenced(linker: Linker, caller: str, known: dict[int, frozenset[int]]) -> frozenset[int]:
    """The lines of `caller`'s module where QFY172 is silenced (`known`: by module, each worked out once)."""
    module = linker.module_of.get(caller)
    if module is None:
        return frozenset()
    found = known.get(id(module))
    if found is None:
        found = known[id(module)] = frozenset(
            line for line, codes in module.suppressions if {CODE, "ALL"} & set(codes))
    return found


def _sync_helper(linker: Linker, graph: RepoGraph, is_async: Callable[[str], bool], ref: str) -> str | None:
    """The repo function a not-awaited call of `ref` runs, when it is a plain sync function the
    colouring left sync."""
    target = linker.resolve(ref)
    helper = linker.functions.get(target)
    if helper is None or helper.is_async or is_async(target) or helper.is_generator:
        return None
    classified = graph.kinds.get(target)
    return target if classified is not None and classified.kind == "plain" else None


def _site_refusal(use: Use) -> str:
    if use.ctx != CTX_OK:
        return f"the call is in a {use.ctx}, where `await` cannot stand"
    if use.with_item:
        return "its result is used as a context manager, which must be entered where it is used"
    return ""


def _closure(linker: Linker, graph: RepoGraph, callees: dict[str, list[str]], helper: str) -> Iterator[str]:
    """`helper` and every repo function it reaches through sync calls, each once."""
    seen = {helper}
    queue = deque([helper])
    while queue:
        current = queue.popleft()
        yield current
        for callee in sorted(callees.get(current, ())):
            if callee not in seen and callee in linker.functions and graph.kinds[callee].kind != "cli":
                seen.add(callee)
                queue.append(callee)


def _verdict(
    linker: Linker,
    graph: RepoGraph,
    sites_of: Callable[[str], list[BlockingSite]],
    callees: dict[str, list[str]],
    is_async: Callable[[str], bool],
    thread_local: Callable[[str], bool],
    helper: str,
) -> tuple[tuple[BlockingSite, ...], str]:
    """The blocking calls behind `helper`, and why the whole of it cannot move to a thread ("" if it can)."""
    func = linker.functions[helper]
    sites: list[BlockingSite] = []
    refusal = ""
    for name in _closure(linker, graph, callees, helper):
        member = linker.functions[name]
        if not refusal and name != helper and (member.is_async or is_async(name)):
            refusal = f"it calls {leaf_name(name)}(), which is async after the migration"
        for site in sites_of(name):
            sites.append(site)
            if refusal:
                continue
            if site.rule.thread_affinity:
                refusal = (f"it reaches {site.use.text}() ({leaf_name(name)}), whose library ties a connection to the "
                           "thread that made it")
            elif thread_local(site.use.ref):
                refusal = (f"it reaches {site.use.text}() ({leaf_name(name)}), a call on a thread-local scoped_session: "
                           "a worker thread would use a Session of its own")
            elif "thread" not in site.rule.fixes:
                refusal = f"it reaches {site.use.text}() ({leaf_name(name)}), which quartify does not move to a thread"
    if not any("thread" in s.rule.fixes or s.rule.thread_affinity for s in sites):
        return (), ""
    if func.class_qualname is not None:
        refusal = "it is a method: whether its object may be used from another thread is unknown"
    elif any(not linker.resolve(d.ref).startswith("functools.") for d in func.decorators):
        refusal = "it is decorated, and what its decorator does in another thread is unknown"
    return tuple(sites), refusal


def leaf_name(qualname: str) -> str:
    """The function's own name, as its call site spells it (`fetch_quote`, not `app.fetch_quote`)."""
    return qualname.replace(".<locals>", "").rsplit(".", 1)[-1]

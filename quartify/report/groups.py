"""Findings grouped under their root cause: what a reviewer decides once, not once per line.

A migration report is read by the person who approves the pull request. Forty sqlite3 calls
are one decision (switch to aiosqlite, or offload the unit of work), and three hundred
`client.post()` calls on a test client a helper returns are one gap. `build_groups` is run
once after the run, over the deduplicated findings, and every renderer (terminal, JSON, SARIF,
Markdown, HTML) shows the same groups.

A group is keyed by (code, `Finding.group`): the planner that knows the root cause names it
(the library a blocking call resolves into, the unresolved receiver, the extension); a finding
without one is grouped by its code alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quartify.core.types import Finding, Severity

_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}
_FUNCTION_VERBS = frozenset({"calls", "uses", "stays", "enters"})  # "f calls x()", "f uses y"


@dataclass(frozen=True)
class FindingGroup:
    """Findings with one root cause: `sites` (sorted), the functions they sit in, the decision
    to make and the fix options a reviewer chooses among."""

    id: str  # stable within a report: "QFY260:sqlite3", "QFY101"
    code: str
    cause: str  # the root cause, `Finding.group`; empty when the code alone groups
    severity: Severity  # the most severe site's
    title: str  # one line: what the code means (the cause is in `id`)
    decision: str  # what the reviewer decides, once for every site
    fixes: tuple[str, ...]  # the distinct fixes the sites name
    sites: tuple[Finding, ...]
    functions: tuple[str, ...]  # qualnames the sites sit in, where the chain says

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({f.path for f in self.sites}))

    @property
    def rank(self) -> tuple[int, int, str]:
        """Sort key, most impact first: severity, then number of sites, then id."""
        return (-_RANK[self.severity], -len(self.sites), self.id)


def group_id(finding: Finding) -> str:
    return f"{finding.code}:{finding.group}" if finding.group else finding.code


def build_groups(findings: Iterable[Finding]) -> tuple[FindingGroup, ...]:
    """The groups of `findings` (already one per fact), most impact first."""
    from quartify.report.rules_meta import rule_info  # rules_meta imports the rule tables

    by_id: dict[str, list[Finding]] = {}
    for finding in findings:
        by_id.setdefault(group_id(finding), []).append(finding)
    groups = []
    for gid, sites in by_id.items():
        sites.sort(key=Finding.sort_key)
        first = sites[0]
        info = rule_info(first.code, first)
        severity = max((s.severity for s in sites), key=lambda s: _RANK[s])
        cause = first.group
        fixes = tuple(dict.fromkeys(s.fix for s in sites if s.fix))
        groups.append(FindingGroup(
            id=gid, code=first.code, cause=cause, severity=severity, title=info.summary, decision=next((s.decision for s in sites if s.decision), info.help),
            fixes=fixes, sites=tuple(sites), functions=_functions(sites),
        ))
    return tuple(sorted(groups, key=lambda g: g.rank))


def _functions(sites: Iterable[Finding]) -> tuple[str, ...]:
    """The function each site sits in: the one the chain's step at the site names first."""
    names: dict[str, None] = {}
    for site in sites:
        for step in reversed(site.chain):
            verb = step.what.split(" ", 2)[1:2]
            if step.path == site.path and step.line == site.line and verb and verb[0] in _FUNCTION_VERBS:
                names[step.what.split(" ", 1)[0]] = None
                break
    return tuple(sorted(names))

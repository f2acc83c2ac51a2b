"""The report on stderr: concise by default, every site with `-v`.

Default: a summary table, the finding groups (one line each, with their site counts), then
"next steps" — one per group that needs a person, most impact first. A reviewer reads the
decisions, not four hundred lines. `-v` adds every site with its reason chain (infos too);
`--statistics` prints a per-code count table instead of the groups, like ruff's.
Colour comes from rich, which only colours a terminal.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from quartify.core.types import Finding, RunResult, Severity
from quartify.report.groups import FindingGroup, build_groups

if TYPE_CHECKING:
    from quartify.typecheck import TypecheckResult

_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
MAX_GROUP_LINES = 12  # default view: more groups than this are counted, not listed
MAX_NEXT_STEPS = 5
MAX_SITES_INLINE = 3  # a group with this few sites names them: on its line, or below it for an error
MAX_SITE_LINES = 6  # default view: at most this many site lines for rare errors
MAX_FILE_SITES = 10  # default view: files that could not be read, written or were skipped, per group
_FILE_CATEGORIES = frozenset({"input", "verify"})


def render_findings(console: Console, result: RunResult, verbose: bool) -> None:
    """Every site with its chain (`-v`, and stdin mode); infos only when `verbose`."""
    for finding in result.all_findings():
        if finding.severity is Severity.INFO and not verbose:
            continue
        _site(console, finding)


def _site(console: Console, finding: Finding) -> None:
    style = _STYLE[finding.severity]
    console.print(
        f"{escape(finding.path)}:{finding.line}:{finding.col + 1}: "
        f"[{style}]{finding.code}[/{style}] {escape(finding.message)}",
        highlight=False, soft_wrap=True,
    )
    for step in finding.chain:
        console.print(f"    via {step.path}:{step.line}: {step.what}", highlight=False, markup=False, soft_wrap=True)


def render_groups(console: Console, groups: tuple[FindingGroup, ...], verbose: bool) -> None:
    """One line per group (infos with `verbose`), most impact first; then the next steps."""
    shown = [g for g in groups if verbose or g.severity is not Severity.INFO]
    if not shown:
        return
    console.print(f"findings, by root cause ({len(shown)} group{'' if len(shown) == 1 else 's'}):", highlight=False)
    limit = len(shown) if verbose else MAX_GROUP_LINES
    site_lines = 0 if verbose else MAX_SITE_LINES  # -v prints every site above already
    for group in shown[:limit]:
        console.print(f"  {_group_line(group)}", highlight=False, soft_wrap=True)
        if verbose:
            continue
        sites: tuple[Finding, ...] = ()
        if _about_files(group):  # which file could not be read, written or was skipped: always said
            sites = group.sites[:MAX_FILE_SITES]
        elif group.severity is Severity.ERROR and len(group.sites) <= MAX_SITES_INLINE <= site_lines:
            site_lines -= len(group.sites)
            sites = group.sites  # a rare error: its own message says what went wrong
        for site in sites:
            style = _STYLE[site.severity]
            console.print(f"      {escape(site.path)}:{site.line}:{site.col + 1}: [{style}]{site.code}[/{style}] "
                          f"{escape(site.message)}", highlight=False, soft_wrap=True)
        if len(sites) < len(group.sites) and _about_files(group):
            console.print(f"      ... and {len(group.sites) - len(sites)} more", highlight=False)
    if len(shown) > limit:
        console.print(f"  ... and {len(shown) - limit} more groups (-v lists them all)", highlight=False)
    steps = [g for g in shown if g.severity is not Severity.INFO][:MAX_NEXT_STEPS]
    if steps:
        console.print("next steps:", highlight=False)
        for number, group in enumerate(steps, start=1):
            console.print(f"  {number}. {group.id}: {escape(group.decision)}", highlight=False,
                          soft_wrap=True)
    if not verbose:
        console.print("run with -v for every site and its reason chain", highlight=False, style="dim")


def _about_files(group: FindingGroup) -> bool:
    """A group about the files themselves (unreadable, unwritable, skipped, kept unchanged)."""
    from quartify.report.rules_meta import rule_info

    return rule_info(group.code, group.sites[0]).category in _FILE_CATEGORIES


def _group_line(group: FindingGroup) -> str:
    style = _STYLE[group.severity]
    sites = len(group.sites)
    where = f"{sites} site{'s' if sites != 1 else ''}"
    if group.functions:
        where += f" in {len(group.functions)} function{'s' if len(group.functions) != 1 else ''}"
    files = len(group.files)
    where += f", {files} file{'s' if files != 1 else ''}"
    at = ""
    if sites <= MAX_SITES_INLINE and group.severity is not Severity.ERROR and not _about_files(group):
        at = " at " + ", ".join(f"{f.path}:{f.line}:{f.col + 1}" for f in group.sites)
    return f"[{style}]{group.severity.value:<7}[/{style}] {group.id} ({where}): {escape(group.title)}{escape(at)}"


def render_statistics(console: Console, findings: tuple[Finding, ...]) -> None:
    """`--statistics`: count, code, groups and summary per code, most frequent first."""
    from quartify.report.rules_meta import rule_info

    counts = Counter(f.code for f in findings)
    groups = Counter(g.code for g in build_groups(findings))
    examples = {f.code: f for f in reversed(findings)}
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        info = rule_info(code, examples[code])
        console.print(f"{count:>6}  {code:<8} {groups[code]:>3} group{'s' if groups[code] != 1 else ' '}  "
                      f"{escape(info.summary)}", highlight=False, soft_wrap=True)


def render_summary(console: Console, result: RunResult, dry_run: bool) -> None:
    findings = result.all_findings()
    severities = Counter(f.severity for f in findings)
    table = Table(title="quartify summary", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files that would change" if dry_run else "files changed", str(len(result.changed)))
    table.add_row("files failed", str(len(result.failed)))
    table.add_row("functions made async", str(sum(f.functions_made_async for f in result.files)))
    table.add_row("awaits added", str(sum(f.awaits_added for f in result.files)))
    for severity in Severity:
        table.add_row(f"findings: {severity.value}s", str(severities[severity]))
    console.print(table)


def render_typecheck(console: Console, checked: TypecheckResult) -> None:
    """The errors the checker reports after migration and not before, by category."""
    console.print(
        f"type check: {len(checked.new_errors)} new error(s) "
        f"({checked.baseline_count} before, {checked.after_count} after, {checked.seconds:.1f}s, {checked.engine})",
        highlight=False,
    )
    for error in checked.new_errors:
        console.print(f"{error.path}:{error.line}:{error.col + 1}: [{error.category}] {error.message} [{error.code}]",
                      highlight=False, markup=False, soft_wrap=True)
    for note in checked.notes:
        console.print(f"type check note: {note}", highlight=False, markup=False, soft_wrap=True)

"""The default report: findings with their chains, then a summary table, on stderr."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from quartify.core.types import RunResult, Severity
from quartify.typecheck import TypecheckResult

_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def render_findings(console: Console, result: RunResult, verbose: bool) -> None:
    for finding in result.all_findings():
        if finding.severity is Severity.INFO and not verbose:
            continue
        style = _STYLE[finding.severity]
        console.print(
            f"{finding.path}:{finding.line}:{finding.col + 1}: "
            f"[{style}]{finding.code}[/{style}] {finding.message}",
            highlight=False,
            markup=True,
            soft_wrap=True,
        )
        for step in finding.chain:
            console.print(f"    via {step.path}:{step.line}: {step.what}", highlight=False, soft_wrap=True)


def render_summary(console: Console, result: RunResult, dry_run: bool) -> None:
    table = Table(title="quartify summary", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files scanned", str(len(result.files)))
    table.add_row("files excluded", str(result.excluded))
    table.add_row("files that would change" if dry_run else "files changed", str(len(result.changed)))
    table.add_row("files failed", str(len(result.failed)))
    table.add_row("functions made async", str(sum(f.functions_made_async for f in result.files)))
    table.add_row("awaits added", str(sum(f.awaits_added for f in result.files)))
    by_code = Counter(f.code for f in result.all_findings())
    for code, count in sorted(by_code.items()):
        table.add_row(f"findings {code}", str(count))
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

"""`--report md:PATH`: a Markdown report to paste into the migration pull request.

Sections: summary table, manual-work checklist (one box per finding group: one root cause,
one decision), findings by file (with fixes and reason
chains), changed files, functions made async (when chains were recorded), type check, timings.
Written for GitHub-flavoured Markdown; code spans in messages are kept, everything else that
Markdown would interpret is escaped.
"""

from __future__ import annotations

import re

from quartify.core.types import ChainStep, Finding, Status
from quartify.report.groups import FindingGroup
from quartify.report.model import TYPECHECK_CATEGORIES, ReportData

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")  # what can start inline markup mid-line
_SPACE = re.compile(r"\s+")
_ICON = {"error": "🔴", "warning": "🟡", "info": "🔵"}
_SITES_SHOWN = 5  # a group's checklist box lists this many sites; the per-file list has them all


def escape(text: str) -> str:
    """Plain text, safe in Markdown (and on one line)."""
    return _SPECIAL.sub(r"\\\1", _SPACE.sub(" ", text))


def code(text: str) -> str:
    """`text` as a code span, whatever backticks it contains."""
    text = _SPACE.sub(" ", text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inline(text: str) -> str:
    """A message as Markdown: its `code spans` stay code, the rest is escaped."""
    text = _SPACE.sub(" ", text).strip()
    parts = text.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: treat it all as plain text
        return escape(text)
    return "".join(escape(p) if i % 2 == 0 else code(p) for i, p in enumerate(parts))


def cell(text: str) -> str:
    """A code span made safe inside a table cell: GFM splits cells on any unescaped `|`,
    even inside code spans (plain text from `escape` is safe already)."""
    return text.replace("|", "\\|")


def _loc(path: str, line: int, col: int | None = None) -> str:
    return code(f"{path}:{line}" + (f":{col + 1}" if col is not None else ""))


def _chain(steps: tuple[ChainStep, ...], indent: str) -> list[str]:
    return [f"{indent}{i}. {_loc(s.path, s.line)} {inline(s.what)}" for i, s in enumerate(steps, start=1)]


def _finding_item(f: Finding, checkbox: bool) -> list[str]:
    """One finding as a list item; the checklist form leaves the chain to the per-file list."""
    box = "[ ] " if checkbox else ""
    head = f"- {box}{_ICON.get(f.severity.value, '')} **{f.code}** {_loc(f.path, f.line, f.col)}: {inline(f.message)}"
    lines = [head]
    if f.fix is not None:
        lines.append(f"  - fix ({escape(f.safety.value)}): {code(f.fix)}")
    if f.chain and not checkbox:
        lines.append("  - chain:")
        lines.extend(_chain(f.chain, "    "))
    return lines


def _group_item(g: FindingGroup) -> list[str]:
    """One checklist box per group: the decision once, then where it applies."""
    sites = len(g.sites)
    where = f"{sites} site{'s' if sites != 1 else ''}"
    if g.functions:
        where += f" in {len(g.functions)} function{'s' if len(g.functions) != 1 else ''}"
    lines = [f"- [ ] {_ICON.get(g.severity.value, '')} **{escape(g.id)}** ({where}): {inline(g.title)}",
             f"  - decide: {inline(g.decision)}"]
    if g.fixes:
        lines.append("  - fix: " + ", ".join(code(fix) for fix in g.fixes[:3]) + (" ..." if len(g.fixes) > 3 else ""))
    shown = g.sites[:_SITES_SHOWN]
    lines.append("  - at: " + ", ".join(_loc(f.path, f.line, f.col) for f in shown)
                 + (f" and {sites - len(shown)} more (see Findings by file)" if sites > len(shown) else ""))
    return lines


def render(data: ReportData) -> str:
    s = data.summary()
    changed = "files that would change" if data.dry_run else "files changed"
    out = [
        "# quartify migration report",
        "",
        f"Flask to Quart, by quartify {escape(data.tool_version)}.",
        "",
        "## Summary",
        "",
        "| | count |",
        "|---|---:|",
        f"| files scanned | {s.files_scanned} |",
        f"| files excluded | {s.files_excluded} |",
        f"| {changed} | {s.files_changed} |",
        f"| files failed (left unchanged) | {s.files_failed} |",
        f"| functions made async | {s.functions_made_async} |",
        f"| awaits added | {s.awaits_added} |",
        f"| lines added / removed | +{s.lines_added} / -{s.lines_removed} |",
        f"| findings: error / warning / info | {s.errors} / {s.warnings} / {s.infos} |",
    ]
    if data.typecheck is not None:
        tc = data.typecheck
        out.append(f"| new type-check errors | {len(tc.new_errors)} |")
    if s.by_code:
        out += ["", "| code | findings |", "|---|---:|"]
        out += [f"| {code} | {n} |" for code, n in s.by_code]

    out += ["", "## Manual work", ""]
    manual = data.manual_work()
    tc_errors = data.typecheck.new_errors if data.typecheck is not None else ()
    if not manual and not tc_errors:
        out.append("Nothing left to do by hand.")
    for group in data.manual_groups():
        out += _group_item(group)
    for e in tc_errors:
        tail = f" {code(e.code)}" if e.code else ""
        out.append(f"- [ ] type check ({escape(e.category)}) {_loc(e.path, e.line, e.col)}: {escape(e.message)}{tail}")

    out += ["", "## Findings by file", ""]
    grouped = data.findings_by_path()
    if not grouped:
        out.append("No findings.")
    for path, findings in grouped.items():
        out += [f"### {code(path)}", ""]
        for f in findings:
            out += _finding_item(f, checkbox=False)
        out.append("")

    out += ["## Changed files", ""]
    if data.changed:
        out += ["| file | +lines | -lines | functions made async | awaits added | findings |", "|---|---:|---:|---:|---:|---:|"]
        for changed_file in data.changed:
            out.append(
                f"| {cell(code(changed_file.path))} | {changed_file.lines_added} | {changed_file.lines_removed} "
                f"| {changed_file.functions_made_async} | {changed_file.awaits_added} | {len(changed_file.findings)} |"
            )
    else:
        out.append("No file changed.")
    failed = [item.path for item in data.files if item.status is Status.FAILED]
    if failed:
        out += ["", "Failed (left unchanged): " + ", ".join(code(path) for path in failed)]

    if data.async_chains:
        out += ["", "## Functions made async", ""]
        for c in data.async_chains:
            out.append(f"- {code(c.qualname)} at {_loc(c.path, c.line)}")
            out += _chain(c.chain, "  ")

    out += ["", "## Type check", ""]
    if data.typecheck is None:
        out.append("Not run.")
    else:
        tc = data.typecheck
        out.append(
            f"Errors before the migration: {tc.baseline_count}; after: {tc.after_count}; "
            f"new: {len(tc.new_errors)} ({tc.seconds:.1f} s)."
        )
        if tc.notes:
            out += ["", "Incomplete:", ""]
            out += [f"- {escape(note)}" for note in tc.notes]
        by_category = tc.by_category()
        for category in TYPECHECK_CATEGORIES:
            errors = by_category[category]
            if not errors:
                continue
            out += ["", f"### {escape(category)} ({len(errors)})", "", "| location | code | message |", "|---|---|---|"]
            out += [
                f"| {cell(_loc(e.path, e.line, e.col))} | {cell(code(e.code)) if e.code else ''} "
                f"| {escape(e.message)}{'<br>' + escape(e.hint) if e.hint else ''} |"
                for e in errors
            ]

    if data.timings:
        out += ["", "## Timings", "", "| stage | seconds |", "|---|---:|"]
        out += [f"| {escape(stage)} | {seconds:.2f} |" for stage, seconds in data.timings]
    return "\n".join(out).rstrip("\n") + "\n"

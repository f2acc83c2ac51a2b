"""`--report html:PATH`: one self-contained HTML page (inline CSS, no script, no network), a
review tool for the migration pull request.

Top: summary, manual-work checklist (one item per finding group), a filter by severity, code
and file (radio buttons and CSS `:has()` rules, no script), the finding groups (decision,
fixes, every site with its chain), type check, timings, file index. Then one
`<section class="file" data-path="...">` per file that changed, failed, or has findings:
its diff with syntax colour, each finding in a row right under the line it concerns (line
numbers of findings and chains refer to the original source), and each function made async
with the chain that made it so. Lines around findings are shown even when they did not change.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from html import escape

from quartify.core.types import ChainStep, Finding, Status
from quartify.report.highlight import highlight
from quartify.report.model import (
    TYPECHECK_CATEGORIES,
    AsyncChain,
    FileReport,
    ReportData,
    TypecheckError,
)

CONTEXT = 3


def _e(text: object) -> str:
    return escape(str(text), quote=True)


@dataclass
class _Row:
    kind: str  # ctx, add, del
    old: int | None
    new: int | None
    html: str


@dataclass
class _Layout:
    """One file section, laid out before rendering so chain links can target shown lines."""

    index: int
    path: str
    report: FileReport | None
    findings: tuple[Finding, ...]
    chains: tuple[AsyncChain, ...]
    typecheck: tuple[TypecheckError, ...]
    rows: list[_Row] = field(default_factory=list)
    shown: list[bool] = field(default_factory=list)
    by_old: dict[int, int] = field(default_factory=dict)  # original line -> row index
    by_new: dict[int, int] = field(default_factory=dict)  # migrated line -> row index (old when unchanged)

    @property
    def anchor(self) -> str:
        return f"file-{self.index}"

    def row_id(self, index: int) -> str:
        row = self.rows[index]
        return f"{self.anchor}-L{row.old}" if row.old is not None else f"{self.anchor}-N{row.new}"

    def row_anchor(self, old_line: int) -> str | None:
        row = self.by_old.get(old_line)
        return self.row_id(row) if row is not None and self.shown[row] else None

    def new_row_anchor(self, new_line: int) -> str | None:
        row = self.by_new.get(new_line)
        return self.row_id(row) if row is not None and self.shown[row] else None


def _rows(report: FileReport | None) -> list[_Row]:
    if report is None:
        return []
    python = report.path.endswith((".py", ".pyi"))
    old_lines = report.old_source.splitlines()
    old_html = highlight(report.old_source, python)
    if report.new_source is None:
        return [_Row("ctx", i + 1, None, h) for i, h in enumerate(old_html)]
    new_lines = report.new_source.splitlines()
    new_html = highlight(report.new_source, python)
    rows: list[_Row] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(_Row("ctx", i + 1, j + 1, new_html[j]) for i, j in zip(range(i1, i2), range(j1, j2)))
            continue
        rows.extend(_Row("del", i + 1, None, old_html[i]) for i in range(i1, i2))
        rows.extend(_Row("add", None, j + 1, new_html[j]) for j in range(j1, j2))
    return rows


def _layout(index: int, path: str, data: ReportData, findings: tuple[Finding, ...]) -> _Layout:
    report = data.file(path)
    chains = data.chains_by_path().get(path, ())
    errors = tuple(e for e in data.typecheck.new_errors if e.path == path) if data.typecheck is not None else ()
    layout = _Layout(index, path, report, findings, chains, errors, _rows(report))
    unchanged = report is None or report.new_source is None
    for i, row in enumerate(layout.rows):
        if row.old is not None:
            layout.by_old[row.old] = i
        if row.new is not None or unchanged:
            layout.by_new[row.new if row.new is not None else row.old or 0] = i
    wanted = [i for i, row in enumerate(layout.rows) if row.kind != "ctx"]
    wanted += [layout.by_old[f.line] for f in findings if f.line in layout.by_old]
    wanted += [layout.by_old[c.line] for c in chains if c.line in layout.by_old]
    wanted += [layout.by_new[e.line] for e in errors if e.line in layout.by_new]
    layout.shown = [False] * len(layout.rows)
    for i in wanted:
        for j in range(max(0, i - CONTEXT), min(len(layout.rows), i + CONTEXT + 1)):
            layout.shown[j] = True
    return layout


class _Links:
    def __init__(self, layouts: list[_Layout]) -> None:
        self.by_path = {layout.path: layout for layout in layouts}

    def to(self, path: str, line: int, new: bool = False) -> str:
        """A link to `path:line` (an original line, or a migrated one when `new`)."""
        label = _e(f"{path}:{line}")
        layout = self.by_path.get(path)
        if layout is None:
            return f'<span class="loc">{label}</span>'
        target = (layout.new_row_anchor(line) if new else layout.row_anchor(line)) or layout.anchor
        return f'<a class="loc" href="#{_e(target)}">{label}</a>'


def _message(text: str) -> str:
    """A message, its `code spans` as <code>."""
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return _e(text)
    return "".join(_e(p) if i % 2 == 0 else f"<code>{_e(p)}</code>" for i, p in enumerate(parts))


def _chain(steps: tuple[ChainStep, ...], links: _Links) -> str:
    items = "".join(f"<li>{links.to(s.path, s.line)} {_e(s.what)}</li>" for s in steps)
    return f'<ol class="chain">{items}</ol>'


def _finding(f: Finding, number: int, links: _Links, filters: _Filters) -> str:
    severity = _e(f.severity.value)
    parts = [
        (
            f'<div class="finding sev-{severity}" id="finding-{number}" data-code="{_e(f.code)}" '
            f'data-path="{_e(f.path)}" data-line="{f.line}" data-severity="{severity}" '
            f'data-ci="{filters.codes[f.code]}" data-fi="{filters.files.get(f.path, 0)}">'
        ),
        (
            f'<div class="finding-head"><span class="badge sev-{severity}">{severity}</span> '
            f'<strong class="code">{_e(f.code)}</strong> '
            f'<span class="loc">{_e(f"{f.path}:{f.line}:{f.col + 1}")}</span></div>'
        ),
        f'<p class="message">{_message(f.message)}</p>',
    ]
    if f.fix is not None:
        parts.append(f'<p class="fix">fix <span class="safety">({_e(f.safety.value)})</span>: <code>{_e(f.fix)}</code></p>')
    if f.chain:
        parts.append(f"<details open><summary>chain ({len(f.chain)} steps)</summary>{_chain(f.chain, links)}</details>")
    parts.append("</div>")
    return "".join(parts)


def _async_chain(c: AsyncChain, links: _Links) -> str:
    body = _chain(c.chain, links) if c.chain else "<p>no chain recorded</p>"
    return (
        f'<div class="async-fn" data-path="{_e(c.path)}" data-line="{c.line}" data-qualname="{_e(c.qualname)}">'
        f'<details><summary><span class="t-a">async</span> <code>{_e(c.qualname)}</code> '
        f'<span class="loc">{_e(f"{c.path}:{c.line}")}</span></summary>{body}</details></div>'
    )


def _typecheck_note(e: TypecheckError) -> str:
    return (
        f'<div class="typecheck-error" data-path="{_e(e.path)}" data-line="{e.line}" data-category="{_e(e.category)}">'
        f'<span class="badge sev-error">type check</span> <strong class="code">{_e(e.category)}</strong> '
        f'<span class="loc">{_e(f"{e.path}:{e.line}:{e.col + 1}")}</span> {_e(e.message)} '
        + (f"<code>{_e(e.code)}</code>" if e.code else "")
        + (f'<p class="hint">{_e(e.hint)}</p>' if e.hint else "")
        + "</div>"
    )


def _section(layout: _Layout, numbers: dict[int, int], links: _Links, filters: _Filters) -> str:
    report = layout.report
    status = report.status.value if report is not None else "not scanned"
    stats = []
    if report is not None:
        stats += [f"+{report.lines_added} −{report.lines_removed}", f"{report.functions_made_async} functions made async",
                  f"{report.awaits_added} awaits added"]
    stats.append(f"{len(layout.findings)} findings")
    out = [
        f'<section class="file" id="{layout.anchor}" data-path="{_e(layout.path)}" data-status="{_e(status)}">',
        f'<h2><a href="#{layout.anchor}">{_e(layout.path)}</a> <span class="status status-{_e(status)}">{_e(status)}</span></h2>',
        f'<p class="stats">{_e(" · ".join(stats))}</p>',
    ]
    anchored: dict[int, list[str]] = {}
    loose: list[str] = []
    for f in layout.findings:
        html = _finding(f, numbers[id(f)], links, filters)
        at = layout.by_old.get(f.line)
        if at is None:
            loose.append(html)
        else:
            anchored.setdefault(at, []).append(html)
    for c in layout.chains:
        at = layout.by_old.get(c.line)
        if at is not None:
            anchored.setdefault(at, []).append(_async_chain(c, links))
    for e in layout.typecheck:
        at = layout.by_new.get(e.line)
        if at is not None:
            anchored.setdefault(at, []).append(_typecheck_note(e))
    if loose:
        out.append('<div class="file-findings">' + "".join(loose) + "</div>")
    if layout.chains:
        out.append('<div class="async-list"><h3>Functions made async</h3>')
        out.extend(_async_chain(c, links) for c in layout.chains)
        out.append("</div>")
    if layout.rows:
        kind = "changes" if report is not None and report.new_source is not None else "source"
        out.append(f'<table class="diff {kind}"><tbody>')
        previous = -2
        for i, row in enumerate(layout.rows):
            if not layout.shown[i]:
                continue
            if i != previous + 1:
                out.append(_hunk_header(layout.rows, layout.shown, i))
            previous = i
            sign = {"add": "+", "del": "-", "ctx": " "}[row.kind]
            out.append(
                f'<tr class="{row.kind}" id="{layout.row_id(i)}"><td class="ln">{row.old or ""}</td><td class="ln">{row.new or ""}</td>'
                f'<td class="src"><span class="sign">{sign}</span>{row.html}</td></tr>'
            )
            for note in anchored.get(i, ()):
                out.append(f'<tr class="note"><td class="ln"></td><td class="ln"></td><td class="note-cell">{note}</td></tr>')
        out.append("</tbody></table>")
    elif report is None:
        out.append('<p class="muted">This path was not among the scanned files.</p>')
    out.append("</section>")
    return "\n".join(out)


def _hunk_header(rows: list[_Row], shown: list[bool], start: int) -> str:
    end = start
    while end < len(rows) and shown[end]:
        end += 1
    hunk = rows[start:end]
    olds = [r.old for r in hunk if r.old is not None]
    news = [r.new for r in hunk if r.new is not None]
    old = f"-{olds[0]},{len(olds)}" if olds else "-0,0"
    new = f" +{news[0]},{len(news)}" if news else ""
    return f'<tr class="hunk"><td class="ln">⋯</td><td class="ln">⋯</td><td class="src">@@ {old}{new} @@</td></tr>'


def _summary(data: ReportData) -> str:
    s = data.summary()
    rows = [
        ("files scanned", s.files_scanned),
        ("files excluded", s.files_excluded),
        ("files that would change" if data.dry_run else "files changed", s.files_changed),
        ("files failed (left unchanged)", s.files_failed),
        ("functions made async", s.functions_made_async),
        ("awaits added", s.awaits_added),
        ("lines added / removed", f"+{s.lines_added} / −{s.lines_removed}"),
        ("findings: error / warning / info", f"{s.errors} / {s.warnings} / {s.infos}"),
    ]
    if data.typecheck is not None:
        rows.append(("new type-check errors", len(data.typecheck.new_errors)))
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    codes = "".join(f"<tr><th>{_e(c)}</th><td>{n}</td></tr>" for c, n in s.by_code)
    out = f'<table class="summary"><tbody>{body}</tbody></table>'
    if codes:
        out += f'<table class="summary codes"><thead><tr><th>code</th><th>findings</th></tr></thead><tbody>{codes}</tbody></table>'
    return f'<section id="summary"><h2>Summary</h2><div class="tables">{out}</div></section>'


def _manual(data: ReportData, numbers: dict[int, int], links: _Links) -> str:
    items = [
        f'<li class="sev-{_e(g.severity.value)}"><a href="#{_group_anchor(i)}">{_e(g.id)}</a> '
        f'({len(g.sites)} site{"s" if len(g.sites) != 1 else ""}) {_message(g.title)}</li>'
        for i, g in enumerate(data.groups, start=1) if g in data.manual_groups()
    ]
    if data.typecheck is not None:
        items += [
            f'<li class="sev-error">type check ({_e(e.category)}) {links.to(e.path, e.line, new=True)} {_e(e.message)} '
            + (f"<code>{_e(e.code)}</code>" if e.code else "") + "</li>"
            for e in data.typecheck.new_errors
        ]
    body = f'<ul class="checklist">{"".join(items)}</ul>' if items else "<p>Nothing left to do by hand.</p>"
    return f'<section id="manual"><h2>Manual work</h2>{body}</section>'


def _group_anchor(index: int) -> str:
    return f"group-{index}"


def _groups(data: ReportData, numbers: dict[int, int], links: _Links, filters: _Filters) -> str:
    """Every group: its decision and fixes, then its sites, each with its chain and a link to
    the finding beside its line in the file's diff."""
    if not data.groups:
        return ""
    out = ['<section id="groups"><h2>Findings by root cause</h2>']
    for i, g in enumerate(data.groups, start=1):
        severity = _e(g.severity.value)
        fis = " ".join(sorted({str(filters.files.get(f.path, 0)) for f in g.sites}))
        out.append(
            f'<details class="group sev-{severity}" id="{_group_anchor(i)}" data-code="{_e(g.code)}" '
            f'data-severity="{severity}" data-ci="{filters.codes[g.code]}" data-fis=" {fis} ">'
            f'<summary><span class="badge sev-{severity}">{severity}</span> <strong class="code">{_e(g.id)}</strong> '
            f'({len(g.sites)} site{"s" if len(g.sites) != 1 else ""}, {len(g.functions)} functions, '
            f'{len(g.files)} files): {_message(g.title)}</summary>'
            f'<p class="decision">decide: {_message(g.decision)}</p>'
        )
        if g.fixes:
            out.append('<p class="fix">fixes: ' + ", ".join(f"<code>{_e(x)}</code>" for x in g.fixes) + "</p>")
        sites = "".join(
            f'<li><a href="#finding-{numbers[id(f)]}">{_e(f"{f.path}:{f.line}:{f.col + 1}")}</a> {_message(f.message)}'
            + (_chain(f.chain, links) if f.chain else "") + "</li>"
            for f in g.sites if id(f) in numbers
        )
        out.append(f'<ol class="sites">{sites}</ol></details>')
    out.append("</section>")
    return "".join(out)


@dataclass(frozen=True)
class _Filters:
    """The report's filter (code, severity, file): radio buttons and CSS `:has()` rules, so
    the page filters itself with no script."""

    codes: dict[str, int]  # code -> index
    files: dict[str, int]  # path -> its section's index (the anchor `file-N`)

    @classmethod
    def of(cls, data: ReportData, layouts: list[_Layout]) -> _Filters:
        codes = sorted({f.code for f in data.findings})
        return cls({c: i for i, c in enumerate(codes, start=1)}, {lay.path: lay.index for lay in layouts})

    def controls(self) -> str:
        def radios(name: str, label: str, options: list[tuple[str, str]]) -> str:
            buttons = [f'<input type="radio" name="{name}" id="{name}-0" checked/><label for="{name}-0">all</label>']
            buttons += [f'<input type="radio" name="{name}" id="{name}-{_e(key)}"/><label for="{name}-{_e(key)}">{_e(text)}</label>'
                        for key, text in options]
            return f'<fieldset><legend>{_e(label)}</legend>{"".join(buttons)}</fieldset>'

        severities = [(s, s) for s in ("error", "warning", "info")]
        codes = [(str(i), c) for c, i in self.codes.items()]
        files = [(str(i), p) for p, i in sorted(self.files.items(), key=lambda item: item[1])]
        return ('<section id="filter"><h2>Filter</h2>' + radios("fs", "severity", severities)
                + radios("fc", "code", codes) + radios("ff", "file", files) + "</section>")

    def css(self) -> str:
        rules = [f'body:has(#fs-{s}:checked) :is(.finding,.group):not([data-severity="{s}"]){{display:none}}'
                 for s in ("error", "warning", "info")]
        rules += [f'body:has(#fc-{i}:checked) :is(.finding,.group):not([data-ci="{i}"]){{display:none}}'
                  for i in self.codes.values()]
        rules += [f'body:has(#ff-{i}:checked) section.file:not(#file-{i}){{display:none}}'
                  f'body:has(#ff-{i}:checked) .group:not([data-fis~="{i}"]){{display:none}}'
                  for i in self.files.values()]
        return "\n".join(rules)


def _typecheck(data: ReportData, links: _Links) -> str:
    tc = data.typecheck
    if tc is None:
        return '<section id="typecheck"><h2>Type check</h2><p class="muted">Not run.</p></section>'
    out = [
        '<section id="typecheck"><h2>Type check</h2>',
        (
            f"<p>Errors before the migration: {tc.baseline_count}; after: {tc.after_count}; "
            f"new: {len(tc.new_errors)} ({tc.seconds:.1f} s).</p>"
        ),
    ]
    if tc.notes:
        out.append('<p>Incomplete:</p><ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in tc.notes) + "</ul>")
    for category in TYPECHECK_CATEGORIES:
        errors = tc.by_category()[category]
        if not errors:
            continue
        rows = "".join(
            f'<tr><td>{links.to(e.path, e.line, new=True)}</td><td><code>{_e(e.code)}</code></td>'
            f"<td>{_e(e.message)}" + (f'<p class="hint">{_e(e.hint)}</p>' if e.hint else "") + "</td></tr>"
            for e in errors
        )
        out.append(f"<h3>{_e(category)} ({len(errors)})</h3><table class=\"list\"><tbody>{rows}</tbody></table>")
    out.append("</section>")
    return "".join(out)


def _timings(data: ReportData) -> str:
    if not data.timings:
        return ""
    rows = "".join(f"<tr><th>{_e(stage)}</th><td>{seconds:.2f} s</td></tr>" for stage, seconds in data.timings)
    return f'<section id="timings"><h2>Timings</h2><table class="summary"><tbody>{rows}</tbody></table></section>'


def _index(layouts: list[_Layout]) -> str:
    rows = []
    for layout in layouts:
        report = layout.report
        status = report.status.value if report is not None else "not scanned"
        edits = f"+{report.lines_added} −{report.lines_removed}" if report is not None and report.status is Status.CHANGED else ""
        rows.append(
            f'<tr><td><a href="#{layout.anchor}">{_e(layout.path)}</a></td><td class="status-{_e(status)}">{_e(status)}</td>'
            f"<td>{_e(edits)}</td><td>{len(layout.findings)}</td></tr>"
        )
    return (
        '<section id="files"><h2>Files</h2><table class="list"><thead><tr><th>file</th><th>status</th><th>lines</th>'
        f'<th>findings</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


def render(data: ReportData) -> str:
    grouped = data.findings_by_path()
    layouts = [_layout(i, path, data, grouped.get(path, ())) for i, path in enumerate(data.sections(), start=1)]
    links = _Links(layouts)
    numbers = {id(f): n for n, f in enumerate(data.findings, start=1)}
    filters = _Filters.of(data, layouts)
    title = "quartify migration report"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}{filters.css()}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{_e(title)}</h1><p class=\"muted\">Flask to Quart, by quartify {_e(data.tool_version)}</p></header>",
        "<main>",
        _summary(data),
        _manual(data, numbers, links),
        filters.controls(),
        _groups(data, numbers, links, filters),
        _typecheck(data, links),
        _timings(data),
        _index(layouts),
        *(_section(layout, numbers, links, filters) for layout in layouts),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


_CSS = """
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--add:#dafbe1;--del:#ffebe9;--hunk:#ddf4ff;
--note:#f6f8fa;--err:#cf222e;--warn:#9a6700;--info:#0969da;--k:#cf222e;--a:#8250df;--s:#0a3069;--c:#6e7781;
--n:#0550ae;--b:#953800;--f:#6639ba;--d:#116329}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--add:#12261e;
--del:#25171c;--hunk:#121d2f;--note:#151b23;--err:#ff7b72;--warn:#d29922;--info:#58a6ff;--k:#ff7b72;--a:#d2a8ff;
--s:#a5d6ff;--c:#9198a1;--n:#79c0ff;--b:#ffa657;--f:#d2a8ff;--d:#7ee787}}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
header,main{max-width:1200px;margin:0 auto;padding:0 16px}
h1{margin:16px 0 0}h2{border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}
a{color:var(--info)}.muted{color:var(--muted)}
table{border-collapse:collapse}.summary th,.summary td,.list th,.list td{border:1px solid var(--line);padding:3px 8px;text-align:left}
.summary td{text-align:right}.tables{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
.checklist li{margin:2px 0}.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}
.checklist li a,.checklist li{color:var(--fg)}
.status{font-size:12px;border:1px solid var(--line);border-radius:10px;padding:0 8px;vertical-align:middle;font-weight:normal}
.status-changed{color:#1a7f37}.status-failed{color:var(--err)}
section.file h2{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:16px}
table.diff{width:100%;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border:1px solid var(--line)}
table.diff td{padding:0 6px;vertical-align:top}
td.ln{width:1%;min-width:32px;text-align:right;color:var(--muted);user-select:none;border-right:1px solid var(--line)}
td.src{white-space:pre-wrap;word-break:break-all;tab-size:4}.sign{user-select:none;color:var(--muted);padding-right:4px}
tr.add td.src{background:var(--add)}tr.del td.src{background:var(--del)}
tr.hunk td{background:var(--hunk);color:var(--muted)}tr.note td.note-cell{background:var(--note);padding:4px 8px}
.finding,.async-fn{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:13px;white-space:normal;
border-left:3px solid var(--info);padding:2px 8px;margin:4px 0}
.finding.sev-error{border-color:var(--err)}.finding.sev-warning{border-color:var(--warn)}
.finding,.finding .message{color:var(--fg)}.finding p{margin:2px 0}
.badge{font-size:11px;text-transform:uppercase;font-weight:600}.loc{font-family:ui-monospace,monospace;color:var(--muted)}
.async-fn{border-color:var(--a)}.hint{white-space:pre-wrap;color:var(--muted);margin:2px 0}ol.chain{margin:2px 0;padding-left:24px}
.t-k{color:var(--k)}.t-a{color:var(--a);font-weight:600}.t-s{color:var(--s)}.t-c{color:var(--c);font-style:italic}
#filter fieldset{display:inline-block;border:1px solid var(--line);margin:0 8px 8px 0;max-width:100%}
#filter label{margin:0 8px 0 2px;font-family:ui-monospace,monospace;font-size:12px}
details.group{border-left:3px solid var(--info);padding:2px 8px;margin:6px 0}
details.group.sev-error{border-color:var(--err)}details.group.sev-warning{border-color:var(--warn)}
details.group summary{color:var(--fg)}ol.sites{font-size:13px}
.t-n{color:var(--n)}.t-b{color:var(--b)}.t-f{color:var(--f)}.t-d{color:var(--d)}
"""

"""The report formats (`--report FORMAT:PATH`), all rendered from one `ReportData`.

Each format is checked on real runs: the boundaries app (findings with chains, copied to a
temporary directory, plus a file that cannot be parsed), the blocking-chain fixture (chains
across files) and the bookshelf example (many changed files), and on a hand-made run full
of awkward text (HTML in messages and paths, odd line breaks, findings off any line).

- JSON validates against docs/report-schema.json;
- SARIF validates against the official SARIF 2.1.0 schema, vendored in
  tests/fixtures/sarif/ (the OASIS errata01 schema, a draft-04 JSON Schema);
- Markdown names every finding (code and path:line:col) and every changed file;
- HTML is parsed: every finding sits in its file's section, every changed file has a diff,
  and nothing is loaded from elsewhere.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.core.types import (
    ChainStep,
    FileResult,
    Finding,
    RunResult,
    Safety,
    Severity,
    Status,
)
from quartify.report import (
    FORMATS,
    AsyncChain,
    ReportData,
    TypecheckError,
    TypecheckResult,
    json_report,
    markdown,
    parse_spec,
    render,
    sarif,
    write_reports,
)
from quartify.report.highlight import highlight
from quartify.report.rules_meta import rule_info

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
REPORT_SCHEMA = REPO / "docs" / "report-schema.json"
SARIF_SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"

DEF = re.compile(r"^\s*def (\w+)\(")


def _async_chains(result: RunResult, data: ReportData) -> list[AsyncChain]:
    """Stand-ins for the chains the pipeline will record: every `def` that became `async def`,
    with the chain of some finding in the same file (or none)."""
    chains = []
    for report in data.changed:
        if report.new_source is None or not report.path.endswith(".py"):
            continue
        example = next((f.chain for f in report.findings if f.chain), ())
        for number, line in enumerate(report.old_source.splitlines(), start=1):
            match = DEF.match(line)
            if match and f"async def {match.group(1)}(" in report.new_source:
                chains.append(AsyncChain(report.path, number, f"{report.path[:-3].replace('/', '.')}.{match.group(1)}", example))
    return chains


def _typecheck(data: ReportData) -> TypecheckResult:
    changed = data.changed[0].path if data.changed else "app.py"
    return TypecheckResult(
        new_errors=(
            TypecheckError(changed, 3, 4, "unused-coroutine", 'Value of type "Coroutine[Any, Any, str]" must be used', "missed-await"),
            TypecheckError(changed, 5, 0, "attr-defined", '"Request" has no attribute "json" | <b>not bold</b>', "quart-api"),
            TypecheckError(changed, 7, 8, "", "Argument 1 has incompatible type", "other", 'Maybe you forgot "await"?\n<x>'),
        ),
        baseline_count=2,
        after_count=5,
        seconds=1.5,
        notes=("quart is not importable from the project's Python",),
    )


def _real(paths: list[Path], *, typecheck: bool) -> ReportData:
    result = migrate_paths(paths, Options(jobs=1))
    plain = ReportData.from_run(result, timings={"index": 0.25, "solve": 0.01, "transform": 0.5})
    return ReportData.from_run(
        result,
        timings={"index": 0.25, "solve": 0.01, "transform": 0.5},
        typecheck=_typecheck(plain) if typecheck else None,
        async_chains=_async_chains(result, plain),
    )


def _awkward() -> ReportData:
    """A hand-made run: markup in paths and messages, odd line breaks, findings with no line."""
    root = Path("/project")
    weird = 'we<i>rd & "odd".py'
    old = "import flask\r\n\x0cdef view():\r\n    return '</td></tr><script>alert(1)</script>'\r\n"
    new = "import quart\r\n\x0casync def view():\r\n    return '</td></tr><script>alert(1)</script>'\r\n"
    chain = (ChainStep(weird, 2, "view <uses> request & co"), ChainStep("elsewhere.py", 9, "`x` [1](2)"))
    findings = (
        Finding("QFY101", Severity.ERROR, "`a|b` <img src=http://x> must be awaited", weird, 3, 4, None, Safety.DISPLAY, chain),
        Finding("QFY251", Severity.INFO, "Fixed: await asyncio.sleep.", weird, 2, 0, "await asyncio.sleep(s)", Safety.SAFE),
        Finding("QFY001", Severity.ERROR, "cannot migrate broken.py:0: bad", "broken.py", 0),
    )
    files = (
        FileResult(root / weird, Status.CHANGED, old, new, findings[:2], 1, 0),
        FileResult(root / "broken.py", Status.FAILED, "def (:\n", None, findings[2:]),
        FileResult(root / "same.py", Status.UNCHANGED, "x = 1\n"),
    )
    run = RunResult(files, excluded=2, findings=(Finding("QFY124", Severity.WARNING, "orphan * _finding_", "setup.cfg", 4),))
    return ReportData.from_run(
        run,
        root=root,
        typecheck=TypecheckResult((), 0, 0, 0.0),
        async_chains=[AsyncChain(weird, 2, "view", chain)],
        dry_run=True,
    )


@pytest.fixture(scope="module")
def boundaries(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    app = tmp_path_factory.mktemp("boundaries") / "app"
    shutil.copytree(FIXTURES / "apps" / "boundaries" / "input", app)
    (app / "edgeapp" / "broken.py").write_text("from flask import request\ndef oops(:\n    pass\n", encoding="utf-8")
    return _real([app], typecheck=True)


@pytest.fixture(scope="module")
def chained() -> ReportData:
    return _real([FIXTURES / "blocking_chain"], typecheck=False)


@pytest.fixture(scope="module")
def bookshelf() -> ReportData:
    return _real([REPO / "examples" / "bookshelf"], typecheck=True)


@pytest.fixture(params=["boundaries", "chained", "bookshelf", "awkward"])
def data(request: pytest.FixtureRequest) -> ReportData:
    if request.param == "awkward":
        return _awkward()
    value = request.getfixturevalue(request.param)
    assert isinstance(value, ReportData)
    return value


def test_the_runs_exercise_what_the_reports_show(boundaries: ReportData, chained: ReportData, bookshelf: ReportData) -> None:
    assert any(f.chain for f in boundaries.findings)
    assert any(f.status is Status.FAILED for f in boundaries.files)
    assert any(len({s.path for s in f.chain}) > 1 for f in chained.findings)  # chains across files
    assert len(bookshelf.changed) >= 10 and bookshelf.async_chains
    for d in (boundaries, chained, bookshelf):
        assert d.findings and d.changed
        paths = {f.path for f in d.files}
        assert {f.path for f in d.findings} <= paths  # display paths line up with the findings'


# --- JSON -------------------------------------------------------------------------------------


def test_json_matches_its_documented_schema(data: ReportData) -> None:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    document = json.loads(render(data, "json"))
    errors = sorted(validator_cls(schema).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])

    assert document["version"] == json_report.SCHEMA_VERSION
    assert len(document["findings"]) == len(data.findings)
    for item, finding in zip(document["findings"], data.findings):
        assert item["code"] == finding.code and item["message"] == finding.message
        assert item["location"] == {"path": finding.path, "line": finding.line, "column": finding.col + 1}
        assert [(s["path"], s["line"], s["what"]) for s in item["chain"]] == [(s.path, s.line, s.what) for s in finding.chain]
        assert (item["fix"], item["safety"]) == (finding.fix, finding.safety.value)
    assert [f["path"] for f in document["files"]] == [f.path for f in data.files]
    assert document["summary"]["files_changed"] == len(data.changed)
    assert len(document["async_functions"]) == len(data.async_chains)
    if data.typecheck is not None:
        assert len(document["typecheck"]["new_errors"]) == len(data.typecheck.new_errors)


def test_json_schema_rejects_what_it_should(bookshelf: ReportData) -> None:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    good = json_report.to_dict(bookshelf)
    bad_severity = json.loads(json.dumps(good))
    bad_severity["findings"][0]["severity"] = "fatal"
    missing_version = {k: v for k, v in good.items() if k != "version"}
    extra_key = {**good, "surprise": 1}
    for document in (bad_severity, missing_version, extra_key):
        assert not validator.is_valid(document)


# --- SARIF ------------------------------------------------------------------------------------


def _sarif_validator() -> Any:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_sarif_validates_against_the_official_schema(data: ReportData) -> None:
    validator = _sarif_validator()
    document = json.loads(render(data, "sarif"))
    errors = list(validator.iter_errors(document))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])

    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    typecheck_errors = data.typecheck.new_errors if data.typecheck is not None else ()
    assert len(run["results"]) == len(data.findings) + len(typecheck_errors)
    for result, finding in zip(run["results"], data.findings):
        assert result["ruleId"] == finding.code == rules[result["ruleIndex"]]["id"]
        location = result["locations"][0]["physicalLocation"]
        assert location["region"]["startLine"] == max(finding.line, 1)
        assert location["region"]["startColumn"] == finding.col + 1
        assert location["artifactLocation"]["uriBaseId"] == sarif.SRCROOT
        assert finding.message in result["message"]["text"]
        if finding.chain:
            assert [r["message"]["text"] for r in result["relatedLocations"]] == [s.what for s in finding.chain]
            flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
            assert [loc["location"]["physicalLocation"]["region"]["startLine"] for loc in flow] == [
                max(s.line, 1) for s in finding.chain
            ]
        else:
            assert "codeFlows" not in result and "relatedLocations" not in result
    for result in run["results"][len(data.findings) :]:
        assert result["ruleId"].startswith("typecheck/")
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert all(r["shortDescription"]["text"] and r["help"]["text"] for r in rules)
    if data.root is not None:
        assert run["originalUriBaseIds"][sarif.SRCROOT]["uri"].startswith("file:///")


def test_sarif_rules_describe_known_codes(bookshelf: ReportData, boundaries: ReportData) -> None:
    for d in (bookshelf, boundaries):
        rules = {r["id"]: r for r in sarif.to_dict(d)["runs"][0]["tool"]["driver"]["rules"]}
        for code, rule in rules.items():
            if code.startswith("QFY"):
                assert not rule["shortDescription"]["text"].startswith("quartify finding"), code
    rules = {r["id"]: r for r in sarif.to_dict(bookshelf)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["QFY260"]["properties"]["tags"] == ["quartify", "sql"]
    assert rules["QFY260"]["defaultConfiguration"]["level"] == "warning"  # blocks the loop, works: a warning (docs/guide.md, Severity)


def test_the_vendored_sarif_schema_rejects_bad_logs(chained: ReportData) -> None:
    validator = _sarif_validator()
    good = sarif.to_dict(chained)
    assert validator.is_valid(good)
    bad_version = {**good, "version": "2.0.0"}
    bad_level = json.loads(json.dumps(good))
    bad_level["runs"][0]["results"][0]["level"] = "fatal"
    bad_column = json.loads(json.dumps(good))
    bad_column["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    for document in (bad_version, bad_level, bad_column, {"version": "2.1.0"}):
        assert not validator.is_valid(document)


# --- Markdown ---------------------------------------------------------------------------------


def _md_section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_markdown_names_every_finding_and_changed_file(data: ReportData) -> None:
    text = render(data, "md")
    by_file = _md_section(text, "Findings by file")
    for finding in data.findings:
        assert finding.code in by_file
        assert f"{finding.path}:{finding.line}:{finding.col + 1}" in by_file
        assert f"### {markdown.code(finding.path)}" in by_file
    changed = _md_section(text, "Changed files")
    for report in data.changed:
        assert markdown.cell(markdown.code(report.path)) in changed
    manual = _md_section(text, "Manual work")
    assert manual.count("- [ ] ") == len(data.manual_groups()) + (len(data.typecheck.new_errors) if data.typecheck else 0)
    typecheck = _md_section(text, "Type check")
    if data.typecheck is None:
        assert "Not run." in typecheck
    else:
        for error in data.typecheck.new_errors:
            assert f"{error.path}:{error.line}:{error.col + 1}" in typecheck
        assert all(markdown.escape(note) in typecheck for note in data.typecheck.notes)
    if data.async_chains:
        assert all(c.qualname in _md_section(text, "Functions made async") for c in data.async_chains)


def test_markdown_escapes_what_github_would_interpret() -> None:
    assert markdown.inline("use `a|b` for <b>x</b> *now*") == r"use `a|b` for \<b\>x\</b\> \*now\*"
    assert markdown.code("a`b") == "``a`b``"
    assert markdown.inline("odd ` tick") == r"odd \` tick"
    text = render(_awkward(), "md")
    assert not re.search(r"(?<!\\)<(img|b)\b", text)
    table_rows = [line for line in text.splitlines() if line.startswith("|")]
    for row in table_rows:  # no table row grows extra cells from a stray pipe
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) in (3, 4, 5, 8), row


# --- HTML -------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> list[Node]:
        found = [self]
        for child in self.children:
            if isinstance(child, Node):
                found.extend(child.iter())
        return found

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def ancestor(self, tag: str, cls: str) -> Node | None:
        node = self.parent
        while node is not None and not (node.tag == tag and cls in node.classes()):
            node = node.parent
        return node


class TreeBuilder(HTMLParser):
    """A strict tree from html.parser: every element closed, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in VOID, f"<{tag}/> is not a void element"
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}>"
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    assert builder.stack == [builder.root], f"unclosed: {[n.tag for n in builder.stack[1:]]}"
    assert builder.doctype.lower() == "doctype html"
    return builder.root


def test_html_puts_every_finding_in_its_file_section(data: ReportData) -> None:
    root = parse_html(render(data, "html"))
    nodes = root.iter()
    sections = {n.attrs["data-path"]: n for n in nodes if n.tag == "section" and "file" in n.classes()}
    assert len(sections) == len(data.sections())
    shown = [n for n in nodes if "finding" in n.classes()]
    assert Counter((n.attrs["data-code"], n.attrs["data-path"], int(n.attrs["data-line"])) for n in shown) == Counter(
        (f.code, f.path, f.line) for f in data.findings
    )
    for finding in data.findings:
        candidates = [
            n for n in shown
            if (n.attrs["data-code"], n.attrs["data-path"], n.attrs["data-line"]) == (finding.code, finding.path, str(finding.line))
            and " ".join(finding.message.replace("`", "").split()) in " ".join(n.text().split())
        ]
        assert candidates, finding
        for node in candidates:
            section = node.ancestor("section", "file")
            assert section is not None and section.attrs["data-path"] == finding.path
            assert all(step.what in node.text() for step in finding.chain)


def test_html_notes_follow_the_line_they_concern(data: ReportData) -> None:
    """Findings and async chains sit under their original line; type-check errors under the
    migrated line they name."""
    root = parse_html(render(data, "html"))
    placed: Counter[tuple[str, int]] = Counter()
    for table in (n for n in root.iter() if n.tag == "table" and "diff" in n.classes()):
        last_old = last_new = None
        for row in (n for n in table.iter() if n.tag == "tr"):
            if "note" in row.classes():
                for note in row.iter():
                    if note.classes() & {"finding", "async-fn"}:
                        assert last_old == note.attrs["data-line"]
                    elif "typecheck-error" in note.classes():
                        assert last_new == note.attrs["data-line"]
                        placed[(note.attrs["data-path"], int(note.attrs["data-line"]))] += 1
            elif "hunk" not in row.classes():
                cells = [c for c in row.children if isinstance(c, Node)]
                last_old, last_new = cells[0].text(), cells[1].text() or cells[0].text()
    if data.typecheck is not None:
        sections = set(data.sections())
        assert placed == Counter((e.path, e.line) for e in data.typecheck.new_errors if e.path in sections)


def test_html_has_a_diff_for_every_changed_file(data: ReportData) -> None:
    root = parse_html(render(data, "html"))
    sections = {n.attrs["data-path"]: n for n in root.iter() if n.tag == "section" and "file" in n.classes()}
    for report in data.changed:
        section = sections[report.path]
        tables = [n for n in section.iter() if n.tag == "table" and "changes" in n.classes()]
        assert len(tables) == 1, report.path
        rows = [n for n in tables[0].iter() if n.tag == "tr"]
        added = [r for r in rows if "add" in r.classes()]
        removed = [r for r in rows if "del" in r.classes()]
        assert len(added) == report.lines_added and len(removed) == report.lines_removed
        new_lines = (report.new_source or "").splitlines()
        for row in added:
            cells = [c for c in row.children if isinstance(c, Node)]
            assert cells[2].text() == "+" + new_lines[int(cells[1].text()) - 1]
    for chain in data.async_chains:
        section = sections[chain.path]
        assert any(n.attrs.get("data-qualname") == chain.qualname for n in section.iter())


def test_html_is_self_contained(data: ReportData) -> None:
    text = render(data, "html")
    root = parse_html(text)
    for node in root.iter():
        assert node.tag not in {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
        assert "src" not in node.attrs
        assert not any(k.startswith("on") for k in node.attrs)
        if "href" in node.attrs:
            assert node.attrs["href"].startswith("#")
        if node.tag == "style":
            assert "url(" not in node.text() and "@import" not in node.text()
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids))
    for node in root.iter():
        if node.attrs.get("href", "").startswith("#"):
            assert node.attrs["href"][1:] in ids


def test_html_escapes_everything() -> None:
    data = _awkward()
    root = parse_html(render(data, "html"))
    sections = {n.attrs["data-path"] for n in root.iter() if n.tag == "section" and "file" in n.classes()}
    assert 'we<i>rd & "odd".py' in sections and "setup.cfg" in sections
    assert not [n for n in root.iter() if n.tag in ("script", "img", "i", "b")]
    assert "</td></tr><script>alert(1)</script>" in root.text()


# --- the highlighter --------------------------------------------------------------------------


def _strip(line: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", line))


@pytest.mark.parametrize(
    "source",
    [
        'x = f"a{b!r:>{w}}" + """multi\nline""" # c\n@app.route("/")\nasync def v(): await g()\n',
        "def broken(:\n    '''unterminated\n",
        "a = 1\r\nb = 2\r\n",
        "a = 1\x0cb = 2\n\u2028c\n",
        "x = '\\\n'\n",
        "",
    ],
)
def test_highlight_keeps_every_character(source: str) -> None:
    lines = highlight(source)
    assert [_strip(line) for line in lines] == source.splitlines()


def test_highlight_keeps_every_fixture_line() -> None:
    for path in sorted((REPO / "examples" / "bookshelf").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = highlight(source)
        assert [_strip(line) for line in lines] == source.splitlines()
        assert any("t-k" in line for line in lines)


# --- specs and writing ------------------------------------------------------------------------


def test_parse_spec() -> None:
    assert parse_spec("json:out/report.json") == ("json", Path("out/report.json"))
    assert parse_spec("SARIF:r.sarif") == ("sarif", Path("r.sarif"))
    assert parse_spec("markdown:r.md") == ("md", Path("r.md"))
    assert parse_spec("html:C:/x/r.html") == ("html", Path("C:/x/r.html"))
    for bad in ("xml:r.xml", "json", "json:", ":r.json"):
        with pytest.raises(ValueError):
            parse_spec(bad)
    assert set(FORMATS) == {"json", "sarif", "md", "html"}


def test_write_reports_writes_every_format(tmp_path: Path, chained: ReportData) -> None:
    specs = [parse_spec(f"{fmt}:{tmp_path / 'out' / ('report.' + fmt)}") for fmt in FORMATS]
    written = write_reports(chained, specs)
    assert written == [path for _, path in specs]
    for fmt, path in specs:
        assert path.read_text(encoding="utf-8") == render(chained, fmt)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for _, p in specs)


def test_write_reports_writes_nothing_when_a_renderer_fails(
    tmp_path: Path, chained: ReportData, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: ReportData) -> str:
        raise RuntimeError("boom")

    monkeypatch.setitem(FORMATS, "md", broken)
    (tmp_path / "report.json").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        write_reports(chained, [("json", tmp_path / "report.json"), ("md", tmp_path / "report.md")])
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == "old"


def test_every_format_is_deterministic(chained: ReportData) -> None:
    for fmt in FORMATS:
        assert render(chained, fmt) == render(chained, fmt)


def test_every_documented_code_has_rule_metadata() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    codes = set(re.findall(r"^\| (QFY\d+) \|", readme, flags=re.MULTILINE))
    assert codes
    for code in codes | {"QFY210", "QFY260", "QFY310"}:
        info = rule_info(code)
        assert not info.summary.startswith("quartify finding"), code
        assert info.severity in ("error", "warning", "info") and re.fullmatch(r"[A-Z][A-Za-z0-9]+", info.name)


def test_the_typecheck_stage_result_is_accepted_as_is() -> None:
    from quartify import typecheck

    error = typecheck.TypeDiagnostic(
        path="app.py", line=3, col=4, code="unused-coroutine", message="m", category=typecheck.MISSED_AWAIT, hint="h"
    )
    staged = typecheck.TypecheckResult(
        new_errors=(error,), baseline_count=1, after_count=2, seconds=0.5, python_executable=None, notes=("n",)
    )
    data = ReportData.from_run(RunResult(()), typecheck=staged)
    assert data.typecheck == TypecheckResult(
        (TypecheckError("app.py", 3, 4, "unused-coroutine", "m", "missed-await", "h"),), 1, 2, 0.5, ("n",)
    )


def test_typecheck_categories_are_checked() -> None:
    with pytest.raises(ValueError):
        TypecheckError("a.py", 1, 0, "misc", "m", "bogus")

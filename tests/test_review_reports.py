"""Every report shows the same finding groups: the terminal (concise by default, every site with
`-v`), JSON, SARIF, Markdown (one checklist box per group) and HTML (a review tool: groups with
their sites and chains, and a filter by severity, code and file that needs no script)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.report import render
from quartify.report.model import ReportData
from tests.test_reports import parse_html

REPO = Path(__file__).resolve().parents[1]

# Five blocking calls of five libraries in each of ten views: fifty findings, five groups.
_VIEW = '''

@app.get("/v{n}")
def view{n}():
    page = requests.get("https://example.com/{n}").text
    conn = sqlite3.connect("v{n}.db")
    names = os.listdir("/tmp")
    done = subprocess.run(["true"])
    with open("v{n}.txt") as handle:
        return page + handle.read() + str(names) + str(done) + str(conn)
'''


@pytest.fixture(scope="module")
def fifty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fifty")
    head = "import os\nimport sqlite3\nimport subprocess\n\nimport requests\nfrom flask import Flask\n\napp = Flask(__name__)\n"
    (root / "app.py").write_text(head + "".join(_VIEW.format(n=n) for n in range(10)), encoding="utf-8")
    (root / "requirements.txt").write_text("flask\nrequests\n", encoding="utf-8")  # else QFY127 joins in
    return root


def _quartify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "quartify", "migrate", *args], capture_output=True, text=True,
                          cwd=REPO)


def test_a_fifty_finding_run_fits_forty_lines(fifty: Path) -> None:
    # `--blocking todo`: fifty warnings (the default offloads four of the five calls, as infos).
    proc = _quartify("--check", "--blocking", "todo", "--report", f"json:{fifty.parent / 'fifty.json'}", str(fifty))
    findings = json.loads((fifty.parent / "fifty.json").read_text(encoding="utf-8"))["findings"]
    assert len(findings) >= 50
    lines = proc.stderr.splitlines()
    assert len(lines) <= 40, proc.stderr
    assert "\x1b[" not in proc.stderr  # no colour: stderr is not a terminal
    assert "next steps:" in proc.stderr and "QFY210:requests (10 sites in 10 functions, 1 file)" in proc.stderr


def test_verbose_prints_every_site_with_its_chain(fifty: Path) -> None:
    proc = _quartify("--check", "-v", "--report", f"json:{fifty.parent / 'v.json'}", str(fifty))
    findings = json.loads((fifty.parent / "v.json").read_text(encoding="utf-8"))["findings"]
    for f in findings:
        where = f"{f['location']['path']}:{f['location']['line']}:{f['location']['column']}: {f['code']}"
        assert where in proc.stderr
    assert proc.stderr.count("    via ") >= len(findings)


def test_statistics_counts_per_code(fifty: Path) -> None:
    proc = _quartify("--check", "--statistics", str(fifty))
    rows = [re.match(r"\s*(\d+)\s+(QFY\d+)\s+(\d+) groups?\s", line) for line in proc.stderr.splitlines()]
    counts = {row[2]: int(row[1]) for row in rows if row}
    assert counts["QFY210"] == 10 and counts["QFY260"] == 10
    assert "next steps:" not in proc.stderr


@pytest.fixture(scope="module")
def bookshelf(tmp_path_factory: pytest.TempPathFactory) -> ReportData:
    root = tmp_path_factory.mktemp("bs") / "bookshelf"
    shutil.copytree(REPO / "examples" / "bookshelf", root)
    return ReportData.from_run(migrate_paths([root], Options(jobs=1)), root=root)


def test_json_groups_cover_every_finding_once(bookshelf: ReportData) -> None:
    report = json.loads(render(bookshelf, "json"))
    assert report["version"] == 2
    sites = sorted(i for g in report["groups"] for i in g["sites"])
    assert sites == list(range(len(report["findings"])))
    for group in report["groups"]:
        assert all(report["findings"][i]["group"] == group["id"] for i in group["sites"])
    assert any(g["id"] == "QFY260:sqlite3" and g["decision"] for g in report["groups"])


def test_sarif_results_of_a_group_share_a_correlation_guid(bookshelf: ReportData) -> None:
    run = json.loads(render(bookshelf, "sarif"))["runs"][0]
    by_group: dict[str, set[str]] = {}
    for result in run["results"]:
        by_group.setdefault(result["properties"]["group"], set()).add(result["correlationGuid"])
    assert all(len(guids) == 1 for guids in by_group.values())
    assert len({next(iter(g)) for g in by_group.values()}) == len(by_group)  # one GUID per group
    assert {g["id"] for g in run["properties"]["groups"]} == set(by_group)


def test_markdown_has_one_box_per_group(bookshelf: ReportData) -> None:
    text = render(bookshelf, "md")
    manual = text.split("## Manual work", 1)[1].split("\n## ", 1)[0]
    assert manual.count("- [ ] ") == len(bookshelf.manual_groups()) < len(bookshelf.manual_work())
    assert "**QFY260:sqlite3**" in manual


def test_html_lists_groups_with_their_sites_and_chains(bookshelf: ReportData) -> None:
    root = parse_html(render(bookshelf, "html"))
    nodes = root.iter()
    ids = {n.attrs["id"] for n in nodes if "id" in n.attrs}
    groups = [n for n in nodes if n.tag == "details" and "group" in n.classes()]
    assert [g.attrs["data-code"] for g in groups] == [g.code for g in bookshelf.groups]
    for node, group in zip(groups, bookshelf.groups):
        sites = [n for n in node.iter() if n.tag == "ol" and "sites" in n.classes()][0]
        items = [c for c in sites.children if not isinstance(c, str)]
        assert len(items) == len(group.sites)
        for item, finding in zip(items, group.sites):
            link = next(n for n in item.iter() if n.tag == "a")
            assert link.attrs["href"][1:] in ids  # the finding beside its line in the file's diff
            chain = [n for n in item.iter() if n.tag == "ol" and "chain" in n.classes()]
            assert len(chain) == (1 if finding.chain else 0)


def test_html_filters_by_severity_code_and_file_without_script(bookshelf: ReportData) -> None:
    text = render(bookshelf, "html")
    root = parse_html(text)
    radios = {n.attrs["id"] for n in root.iter() if n.tag == "input" and n.attrs.get("type") == "radio"}
    assert {"fs-0", "fs-error", "fs-warning", "fs-info", "fc-0", "ff-0"} <= radios
    codes = sorted({f.code for f in bookshelf.findings})
    assert {f"fc-{i}" for i in range(1, len(codes) + 1)} <= radios
    style = next(n for n in root.iter() if n.tag == "style").text()
    for radio in radios - {"fs-0", "fc-0", "ff-0"}:
        assert f"body:has(#{radio}:checked)" in style  # each choice hides what does not match
    findings = [n for n in root.iter() if "finding" in n.classes() and n.tag == "div"]
    assert findings and all(re.fullmatch(r"\d+", n.attrs["data-ci"]) for n in findings)
    assert "<script" not in text

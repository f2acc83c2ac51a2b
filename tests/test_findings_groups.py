"""Findings a reviewer can act on: one finding per fact, grouped under a root cause, at most one
TODO per function per group, and QFY104 only where the candidate fits the receiver."""

from __future__ import annotations

import ast
import shutil
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from quartify.core.config import Options, TodoPolicy, merge_options, project_settings
from quartify.core.pipeline import migrate_paths
from quartify.core.types import Finding, RunResult, Severity, dedupe
from quartify.report.groups import build_groups
from quartify.report.model import ReportData
from quartify.report.terminal import render_groups

REPO = Path(__file__).resolve().parents[1]
TODO = "# TODO(quartify): "


@pytest.fixture(scope="module")
def bookshelf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    root = tmp_path_factory.mktemp("bookshelf") / "bookshelf"
    shutil.copytree(REPO / "examples" / "bookshelf", root)
    return root, migrate_paths([root], Options(jobs=1))


def _todos_by_function(source: str) -> Counter[tuple[str, str]]:
    """(function, code) -> TODO comments written in that function's body."""
    tree = ast.parse(source)
    lines = source.splitlines()
    spans = sorted(
        ((node.lineno, node.end_lineno or node.lineno, node.name) for node in ast.walk(tree)
         if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))),
        key=lambda s: s[1] - s[0],  # innermost first
    )
    found: Counter[tuple[str, str]] = Counter()
    for number, line in enumerate(lines, start=1):
        if TODO not in line:
            continue
        code = line.split(TODO, 1)[1].split()[0]
        owner = next((name for start, end, name in spans if start <= number <= end), "<module>")
        found[(owner, code)] += 1
    return found


def test_bundled_example_has_one_finding_per_place(bookshelf: tuple[Path, RunResult]) -> None:
    _, result = bookshelf
    places = Counter((f.code, f.path, f.line, f.col) for f in result.all_findings())
    assert places and max(places.values()) == 1
    for report in ReportData.from_run(result).files:  # the per-file lists the reports show, too
        assert max(Counter((f.code, f.line, f.col) for f in report.findings).values(), default=1) == 1, report.path


def test_a_chain_on_one_receiver_is_one_site_at_its_first_call(bookshelf: tuple[Path, RunResult]) -> None:
    root, result = bookshelf
    source = (root / "bookshelf" / "api.py").read_text(encoding="utf-8").splitlines()
    chained = [n for n, line in enumerate(source, start=1) if ".fetchall()" in line and "get_db().execute(" in line]
    assert chained, "the example chains get_db().execute(...).fetchall()"
    for line in chained:
        here = [f for f in result.all_findings() if f.path.endswith("api.py") and f.line == line and f.code == "QFY260"]
        assert len(here) == 1 and here[0].message.startswith("`get_db().execute()`"), here


def test_sqlite3_sites_form_one_group_with_one_decision(bookshelf: tuple[Path, RunResult]) -> None:
    _, result = bookshelf
    groups = build_groups(result.all_findings())
    sqlite = [g for g in groups if any(f.code == "QFY260" for f in g.sites)]
    assert [g.id for g in sqlite] == ["QFY260:sqlite3"]
    group = sqlite[0]
    assert len(group.sites) == sum(f.code == "QFY260" for f in result.all_findings()) > 10
    assert "aiosqlite" in group.decision and len(group.functions) > 5
    assert group.severity is Severity.WARNING  # the calls work; they block the loop


def test_the_terminal_counts_its_groups_in_words(bookshelf: tuple[Path, RunResult]) -> None:
    _, result = bookshelf
    groups = build_groups(result.all_findings())
    shown = [g for g in groups if g.severity is not Severity.INFO]
    printed = []
    for some in (shown[:1], shown[:1] * 2):
        console = Console(record=True, width=200)
        render_groups(console, tuple(some), verbose=False)
        printed.append(console.export_text().splitlines()[0])
    assert printed == ["findings, by root cause (1 group):", "findings, by root cause (2 groups):"]


def test_at_most_one_todo_per_function_per_group(bookshelf: tuple[Path, RunResult]) -> None:
    _, result = bookshelf
    written = 0
    for item in result.changed:
        if item.path.suffix != ".py":
            continue
        assert item.new_source is not None
        counts = _todos_by_function(item.new_source)
        assert all(n == 1 for n in counts.values()), (item.path, counts)
        written += sum(counts.values())
    sites = sum(f.code == "QFY260" for f in result.all_findings())
    assert 0 < written < sites  # fewer TODOs than sites: functions with several calls get one


def test_a_todo_standing_for_several_calls_says_how_many(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        "import sqlite3\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get('/')\ndef index():\n"
        "    conn = sqlite3.connect('x.db')\n    rows = conn.execute('SELECT 1').fetchall()\n    conn.close()\n"
        "    return str(rows)\n",
        encoding="utf-8",
    )
    result = migrate_paths([tmp_path], Options(jobs=1))
    new = result.files[0].new_source or ""
    todos = [line.strip() for line in new.splitlines() if TODO in line]
    assert todos == [
        "# TODO(quartify): QFY260 sqlite3.connect() and 2 more sqlite3 calls in this function block the event "
        "loop; use async with aiosqlite.connect(path) as db: await db.execute(...)"
    ]
    assert sum(f.code == "QFY260" for f in result.all_findings()) == 3  # every site is still reported
    app.write_text(new, encoding="utf-8")
    again = migrate_paths([tmp_path], Options(jobs=1)).files[0]
    assert (again.new_source or again.old_source).count(TODO) == 1  # a second run adds none


def test_todo_none_writes_no_comment_and_is_a_project_setting(bookshelf: tuple[Path, RunResult], tmp_path: Path) -> None:
    root, _ = bookshelf
    result = migrate_paths([root], Options(jobs=1, todo=TodoPolicy.NONE))
    assert result.changed and not any(TODO in (f.new_source or "") for f in result.changed)
    assert any(f.code == "QFY260" for f in result.all_findings())  # the report still lists them
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.quartify]\ntodo = "none"\n', encoding="utf-8")
    settings = project_settings(pyproject)
    assert merge_options(settings).todo is TodoPolicy.NONE
    assert merge_options(settings, todo="function").todo is TodoPolicy.FUNCTION  # the command line wins
    assert merge_options(project_settings(None)).todo is TodoPolicy.FUNCTION  # the default


def test_the_teardown_hook_sees_the_connection_it_pops_from_g(bookshelf: tuple[Path, RunResult]) -> None:
    _, result = bookshelf
    close = [f for f in result.all_findings() if f.path.endswith("db.py") and "close()" in f.message]
    assert [f.code for f in close] == ["QFY260"]
    assert any("close_db" in step.what for step in close[0].chain)


@pytest.mark.parametrize("read", ['g.pop("db", None)', 'g.get("db")', 'getattr(g, "db", None)'])
def test_values_read_back_from_g_keep_their_type(tmp_path: Path, read: str) -> None:
    (tmp_path / "app.py").write_text(
        "import sqlite3\nfrom flask import Flask, g\n\napp = Flask(__name__)\n\n\n"
        "def get_db():\n    if 'db' not in g:\n        g.db = sqlite3.connect('x.db')\n    return g.db\n\n\n"
        f"@app.teardown_appcontext\ndef close_db(exc):\n    db = {read}\n    if db is not None:\n        db.close()\n",
        encoding="utf-8",
    )
    result = migrate_paths([tmp_path], Options(jobs=1))
    assert [(f.code, f.line) for f in result.all_findings() if f.code.startswith("QFY26")] == [("QFY260", 17)]


def test_dedupe_keeps_one_finding_per_code_and_place() -> None:
    a = Finding("QFY260", Severity.WARNING, "`x.execute()`: sqlite3", "a.py", 3, 4)
    b = Finding("QFY260", Severity.WARNING, "`x.execute().fetchall()`: sqlite3", "a.py", 3, 4)
    other = Finding("QFY241", Severity.WARNING, "`os.makedirs()`", "a.py", 3, 4)
    assert dedupe([b, a, other, a]) == (other, a)  # of one place, the shorter message: the chain's first call
    worse = Finding("QFY260", Severity.ERROR, "`x.execute().fetchall()`: sqlite3", "a.py", 3, 4)
    assert dedupe([a, worse]) == (worse,)  # and the more severe first


# -- QFY104 precision ------------------------------------------------------------------------

APP = '''\
from flask import Flask, request
from flask_restx import Api, Resource

app = Flask(__name__)
api = Api(app)


def restore(bundle):
    return bundle.open()


@app.route("/restore", methods=["POST"])
def restore_view():
    return restore(request.files["bundle"])


@api.route("/shelves")
class Shelves(Resource):
    def post(self):
        payload = request.get_json()
        return {"name": payload["name"]}, 201
'''
HELPERS = '''\
from flask.testing import FlaskClient


class SessionClient(FlaskClient):
    def open(self, *args, **kwargs):
        with self.session_transaction() as sess:
            sess["seen"] = True
        return super().open(*args, **kwargs)


def signed_in(app):
    client = app.test_client()
    client.post("/login", data={"name": "ada"})
    return client
'''
TESTS = '''\
from tests.helpers import signed_in


def test_create_shelf(app):
    client = signed_in(app)
    created = client.post("/shelves", json={"name": "fiction"})
    assert created.status_code == 201
    client.delete("/shelves/1")


def test_two_shelves(app):
    client = signed_in(app)
    client.post("/shelves", json={"name": "poetry"})
'''


@pytest.fixture(scope="module")
def shelves(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    root = tmp_path_factory.mktemp("shelves")
    for path, text in {"pkg/__init__.py": "", "pkg/app.py": APP, "tests/__init__.py": "",
                       "tests/helpers.py": HELPERS, "tests/test_shelves.py": TESTS}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return migrate_paths([root], Options(jobs=1))


def test_production_code_is_never_linked_to_a_test_helper(shelves: RunResult) -> None:
    assert not [f for f in shelves.all_findings() if f.path == "pkg/app.py" and f.code == "QFY104"]


def test_a_resource_method_is_not_a_candidate_for_a_client_call(shelves: RunResult) -> None:
    assert not [f for f in shelves.all_findings() if "Shelves.post" in f.message]


def test_calls_on_a_helpers_test_client_are_one_group(shelves: RunResult) -> None:
    calls = [f for f in shelves.all_findings() if f.code == "QFY134"]
    assert sorted((f.path, f.line) for f in calls) == [
        ("tests/helpers.py", 13), ("tests/test_shelves.py", 6), ("tests/test_shelves.py", 8), ("tests/test_shelves.py", 13),
    ]
    groups = [g for g in build_groups(shelves.all_findings()) if g.code == "QFY134"]
    assert [(g.id, len(g.sites), g.severity) for g in groups] == [
        ("QFY134:app.test_client() in tests.helpers.signed_in", 4, Severity.ERROR)
    ]


def test_flask_sqlalchemy_advice_follows_the_route_taken(tmp_path: Path) -> None:
    from quartify.rules.extensions import Strategy

    app = tmp_path / "notes"
    shutil.copytree(REPO / "tests" / "fixtures" / "extension_apps" / "sqlalchemy_notes", app)
    patched = migrate_paths([app], Options(jobs=1))
    sites = [f for f in patched.all_findings() if f.code == "QFY272"]
    assert sites and all("quart-flask-patch" in f.message and "select(User)" not in (f.fix or "") for f in sites)
    (group,) = [g for g in build_groups(patched.all_findings()) if g.code == "QFY272"]
    assert group.decision.startswith("Keep flask_sqlalchemy under quart-flask-patch")
    reported = migrate_paths([app], Options(jobs=1, extensions=Strategy.REPORT))
    sites = [f for f in reported.all_findings() if f.code == "QFY272"]
    assert sites and all("quart-flask-patch" not in f.message and "select(User)" in (f.fix or "") for f in sites)

"""`--unsafe-fixes` on the pairs under tests/fixtures/rewrites/unsafe: the exact output, a fixed
point, valid Python with awaits only in async defs; and without the flag no swap at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from quartify.cli.main import main
from quartify.cli.options import load_options
from quartify.core.config import Options
from quartify.core.pipeline import InputFile, migrate
from quartify.core.types import FileResult
from tests.helpers import assert_valid_async, output_of

UNSAFE = Path(__file__).parents[1] / "fixtures" / "rewrites" / "unsafe"
PAIRS = sorted(UNSAFE.glob("*.in.py"))


def _name(path: Path) -> str:
    return path.name[: -len(".in.py")]


def run(source: str | bytes, name: str, unsafe: bool = True) -> FileResult:
    data = source.encode("utf-8") if isinstance(source, str) else source
    module = name[: -len(".py")]
    result = migrate([InputFile(Path(name), name, module, False, data)], Options(jobs=1, unsafe_fixes=unsafe))
    return next(f for f in result.files if f.path == Path(name))


@pytest.mark.parametrize("source", PAIRS, ids=_name)
def test_output_matches_expected(source: Path) -> None:
    expected = source.with_name(_name(source) + ".out.py").read_text(encoding="utf-8")
    assert output_of(run(source.read_bytes(), _name(source) + ".py")) == expected


@pytest.mark.parametrize("source", PAIRS, ids=_name)
def test_output_is_a_fixed_point(source: Path) -> None:
    first = output_of(run(source.read_bytes(), _name(source) + ".py"))
    assert run(first, _name(source) + ".py").new_source is None, "a second run changed the output again"


@pytest.mark.parametrize("source", PAIRS, ids=_name)
def test_output_parses_with_awaits_only_in_async_defs(source: Path) -> None:
    assert_valid_async(output_of(run(source.read_bytes(), _name(source) + ".py")))


@pytest.mark.parametrize("source", PAIRS, ids=_name)
def test_without_the_flag_nothing_is_swapped(source: Path) -> None:
    out = output_of(run(source.read_bytes(), _name(source) + ".py", unsafe=False))
    assert "aiosqlite" not in out.replace("use async with aiosqlite", "")
    assert "quartify_http" not in out and "await sqlite3" not in out


def test_swapped_calls_get_an_info_finding_and_no_todo() -> None:
    result = run((UNSAFE / "sqlite_get_db.in.py").read_bytes(), "sqlite_get_db.py")
    fixed = [f for f in result.findings if f.code == "QFY260"]
    assert fixed and all("Fixed: aiosqlite" in f.message and f.severity.value == "info" for f in fixed)
    assert "TODO(quartify)" not in output_of(result)


def test_a_function_that_must_stay_sync_keeps_sqlite3_everywhere() -> None:
    result = run((UNSAFE / "sqlite_refused_in_init.in.py").read_bytes(), "sqlite_refused_in_init.py")
    refused = [f for f in result.findings if f.code == "QFY170"]
    assert [f.line for f in refused] == [16]
    assert "Repo.__init__ would have to await" in refused[0].message
    assert "await aiosqlite.connect" not in output_of(result)


def test_a_streamed_request_keeps_requests_everywhere() -> None:
    result = run((UNSAFE / "requests_refused_stream.in.py").read_bytes(), "requests_refused_stream.py")
    assert sorted((f.code, f.line) for f in result.findings if f.code == "QFY171") == [("QFY171", 9), ("QFY171", 10)]
    assert "quartify_http" not in output_of(result)


@pytest.mark.parametrize(
    ("call", "why"),
    [
        ('requests.get(URL, files={"f": b""})', "`files=`"),
        ("requests.get(URL, {'q': 1})", "by position"),
        ("requests.get(URL, timeout=(3, 10))", "timeout tuple"),
        ("requests.post(URL, data=payload)", "`data=` may hold raw text"),
        ("requests.get(URL, **options)", "`**kwargs`"),
    ],
)
def test_arguments_httpx_takes_differently_are_refused(call: str, why: str) -> None:
    source = (f"import requests\nfrom flask import Flask\napp = Flask(__name__)\nURL = 'http://x.invalid'\n"
              f"payload = options = {{}}\n\n@app.route('/')\ndef index():\n    return {call}.text\n")
    result = run(source, "calls.py")
    assert any(f.code == "QFY171" and why in f.message for f in result.findings), result.findings
    assert "quartify_http" not in output_of(result)


def test_the_setting_turns_it_on_and_the_command_line_wins(tmp_path: Path) -> None:
    assert load_options((tmp_path,), None, 0, (), None, (), ()).unsafe_fixes is False
    (tmp_path / "pyproject.toml").write_text("[tool.quartify]\nunsafe-fixes = true\n")
    assert load_options((tmp_path,), None, 0, (), None, (), ()).unsafe_fixes is True
    assert load_options((tmp_path,), None, 0, (), None, (), (), unsafe_fixes=False).unsafe_fixes is False


def test_the_cli_flag_swaps_and_writes_the_helper_and_dependencies(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text((UNSAFE / "requests_session.in.py").read_text())
    (tmp_path / "requirements.txt").write_text("flask>=3\nrequests>=2.31\n")
    outcome = CliRunner().invoke(main, ["migrate", "--unsafe-fixes", "-q", str(tmp_path)])
    assert outcome.exit_code == 0, outcome.output
    assert "await quartify_http.client().get(" in (tmp_path / "app.py").read_text()
    assert "def client() -> httpx.AsyncClient" in (tmp_path / "quartify_http.py").read_text()
    requirements = (tmp_path / "requirements.txt").read_text().split()
    assert "httpx>=0.23" in requirements and "requests>=2.31" in requirements


def test_rules_lists_the_unsafe_fixes() -> None:
    outcome = CliRunner().invoke(main, ["rules", "--format", "json"])
    fixes = {r["code"]: r["fixes"] for r in json.loads(outcome.output)}
    assert fixes["QFY210"]["httpx"].startswith("unsafe") and fixes["QFY212"]["httpx"].startswith("unsafe")
    assert fixes["QFY260"]["aiosqlite"].startswith("unsafe")
    assert fixes["QFY251"]["sleep"].startswith("safe")


GET_DB = """import sqlite3
from flask import Flask, g
app = Flask(__name__)

def get_db():
    if "db" not in g:
        g.db = sqlite3.connect("app.db")
    return g.db

@app.teardown_appcontext
def close_db(exc):
    db = g.pop("db", None)
    if db is not None:
        db.close()
"""


def test_an_exception_read_off_the_connection_is_read_off_sqlite3() -> None:
    source = GET_DB + """
@app.post("/")
def add():
    db = get_db()
    try:
        db.execute("INSERT INTO t VALUES (1)")
    except db.IntegrityError:
        return "dup", 409
    return "ok"
"""
    out = output_of(run(source, "errors.py"))
    assert "await db.execute(" in out and "except sqlite3.IntegrityError:" in out


def test_a_test_expecting_sqlite3s_closed_connection_error_keeps_sqlite3() -> None:
    source = GET_DB + """
@app.route("/")
def index():
    return str(get_db().execute("SELECT 1").fetchone()[0])


def test_closed():
    import pytest
    with app.app_context():
        db = get_db()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")
"""
    result = run(source, "closed.py")
    assert any(f.code == "QFY170" and "ProgrammingError" in f.message for f in result.findings)
    assert "aiosqlite.connect(" not in output_of(result).replace("use async with aiosqlite.connect(path)", "")


def test_a_call_in_a_lambda_keeps_the_library() -> None:
    source = GET_DB + """
@app.route("/")
def index():
    rows = [1, 2]
    return str(sorted(rows, key=lambda r: get_db().execute("SELECT ?", (r,)).fetchone()[0]))
"""
    result = run(source, "lambdas.py")
    assert any(f.code == "QFY170" and "lambda" in f.message for f in result.findings), result.findings
    assert "await aiosqlite" not in output_of(result)

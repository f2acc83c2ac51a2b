"""The console script as a user runs it: exit codes, --check, --diff, stdin, failures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

VIEW = 'from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return render_template("index.html")\n'
MIGRATED = 'from quart import Quart, render_template\n\napp = Quart(__name__)\n\n\n@app.route("/")\nasync def index():\n    return await render_template("index.html")\n'


def run(cmd: list[str], *args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*cmd, *args], input=stdin, capture_output=True, cwd=cwd)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(VIEW, encoding="utf-8")
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    return tmp_path


def test_migrate_writes_in_place_and_exits_0(project: Path, quartify_cmd: list[str]) -> None:
    proc = run(quartify_cmd, "migrate", str(project))
    assert proc.returncode == 0, proc.stderr
    assert (project / "app.py").read_text(encoding="utf-8") == MIGRATED
    # app.py, util.py, and the requirements.txt the run wrote: the project listed none (QFY128).
    assert b"3 files, 0 excluded" in proc.stderr
    assert "quart>=0.22" in (project / "requirements.txt").read_text(encoding="utf-8")


def test_second_run_has_nothing_to_do(project: Path, quartify_cmd: list[str]) -> None:
    run(quartify_cmd, "migrate", str(project))
    proc = run(quartify_cmd, "migrate", "--check", str(project))
    assert proc.returncode == 0, proc.stderr


def test_check_writes_nothing_and_exits_1(project: Path, quartify_cmd: list[str]) -> None:
    proc = run(quartify_cmd, "migrate", "--check", str(project))
    assert proc.returncode == 1
    assert (project / "app.py").read_text(encoding="utf-8") == VIEW
    assert proc.stdout == b""


def test_check_names_each_file_that_would_change(project: Path, quartify_cmd: list[str]) -> None:
    proc = run(quartify_cmd, "migrate", "--check", str(project), cwd=project)
    lines = [line for line in proc.stderr.decode().splitlines() if line.startswith("would change")]
    # util.py stays as it is; the project lists no dependencies, so a requirements.txt is written
    assert lines == ["would change app.py (functions made async: 1, awaits added: 1)", "would change requirements.txt"]


def test_diff_prints_unified_diff_and_writes_nothing(project: Path, quartify_cmd: list[str]) -> None:
    proc = run(quartify_cmd, "migrate", "--diff", str(project), cwd=project)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert "--- a/app.py" in out and "+++ b/app.py" in out
    assert "-def index():" in out and "+async def index():" in out
    assert "\x1b[" not in out  # no colour when stdout is not a terminal
    assert (project / "app.py").read_text(encoding="utf-8") == VIEW


def test_stdin_to_stdout(quartify_cmd: list[str]) -> None:
    proc = run(quartify_cmd, "migrate", "-", "--stdin-filename", "app.py", stdin=VIEW.encode())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == MIGRATED


def test_stdin_check_exit_code(quartify_cmd: list[str]) -> None:
    assert run(quartify_cmd, "migrate", "-", "--check", stdin=VIEW.encode()).returncode == 1
    assert run(quartify_cmd, "migrate", "-", "--check", stdin=MIGRATED.encode()).returncode == 0


def test_stdin_with_a_syntax_error_echoes_input_and_fails(quartify_cmd: list[str]) -> None:
    bad = b"def broken(:\n"
    proc = run(quartify_cmd, "migrate", "-", "--stdin-filename", "bad.py", stdin=bad)
    assert proc.returncode == 1
    assert proc.stdout == bad
    assert b"bad.py:1" in proc.stderr


def test_bad_files_fail_alone(project: Path, quartify_cmd: list[str]) -> None:
    (project / "broken.py").write_text("def oops(:\n    pass\n", encoding="utf-8")
    (project / "binary.py").write_bytes(b"x = '\xff\xfe'\n")
    proc = run(quartify_cmd, "migrate", str(project))
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert "broken.py:1" in err and "syntax error" in err
    assert "binary.py:1" in err and "cannot decode" in err
    assert (project / "app.py").read_text(encoding="utf-8") == MIGRATED  # the others still migrated
    assert (project / "broken.py").read_text(encoding="utf-8") == "def oops(:\n    pass\n"
    assert not list(project.glob("*.quartify"))  # no temp file left behind


def test_usage_errors_exit_2(quartify_cmd: list[str], tmp_path: Path) -> None:
    assert run(quartify_cmd, "migrate").returncode == 2
    assert run(quartify_cmd, "migrate", str(tmp_path / "missing")).returncode == 2
    assert run(quartify_cmd, "migrate", "--jobs", "-3", str(tmp_path)).returncode == 2


def test_version(quartify_cmd: list[str]) -> None:
    proc = run(quartify_cmd, "--version")
    assert proc.returncode == 0 and proc.stdout.startswith(b"quartify, version ")


def test_default_excludes_and_gitignore(project: Path, quartify_cmd: list[str]) -> None:
    for skipped in (".venv/lib", "build", "node_modules/pkg", "generated"):
        (project / skipped).mkdir(parents=True)
        (project / skipped / "mod.py").write_text(VIEW, encoding="utf-8")
    (project / ".gitignore").write_text("generated/\n", encoding="utf-8")
    proc = run(quartify_cmd, "migrate", str(project), "--exclude", "util.py")
    assert proc.returncode == 0, proc.stderr
    assert b"2 files, 5 excluded" in proc.stderr  # util.py excluded; app.py and the requirements.txt written
    assert (project / "build" / "mod.py").read_text(encoding="utf-8") == VIEW
    assert (project / "generated" / "mod.py").read_text(encoding="utf-8") == VIEW


def test_parallel_jobs_give_the_same_result(tmp_path: Path, quartify_cmd: list[str]) -> None:
    for n in range(12):
        (tmp_path / f"views{n}.py").write_text(VIEW.replace("index", f"index{n}"), encoding="utf-8")
    one = run(quartify_cmd, "migrate", "--diff", "--jobs", "1", str(tmp_path), cwd=tmp_path)
    two = run(quartify_cmd, "migrate", "--diff", "--jobs", "2", str(tmp_path), cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stdout.count(b"+async def index") == 12


def test_reports_and_typecheck_leave_the_tree_untouched_in_check_mode(
    project: Path, quartify_cmd: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    import hashlib
    import json

    def tree_hash() -> str:
        digest = hashlib.sha256()
        for path in sorted(project.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(project).as_posix().encode() + path.read_bytes())
        return digest.hexdigest()

    before = tree_hash()
    out = tmp_path_factory.mktemp("reports")  # outside the project tree
    proc = run(
        quartify_cmd, "migrate", "--check", "--typecheck", str(project),
        "--report", f"json:{out / 'r.json'}", "--report", f"sarif:{out / 'r.sarif'}",
        "--report", f"md:{out / 'r.md'}", "--report", f"html:{out / 'r.html'}",
    )
    assert proc.returncode == 1, proc.stderr  # --check: app.py would change
    assert tree_hash() == before
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert report["version"] == 2 and report["typecheck"] is not None
    assert [f["path"] for f in report["files"] if f["status"] == "changed"] == ["app.py", "requirements.txt"]
    assert (out / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert b"type check:" in proc.stderr


def test_fail_on_turns_findings_into_exit_1(tmp_path: Path, quartify_cmd: list[str]) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        "import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n"
        "@app.get('/')\ndef index():\n    return requests.get('https://example.com').text\n",
        encoding="utf-8",
    )
    todo = ("--blocking", "todo")  # the default would move the call to a thread (an info)
    assert run(quartify_cmd, "migrate", *todo, str(app)).returncode == 0  # default: findings do not fail
    # QFY210 remains: a warning, since the call works but blocks the loop (docs/guide.md, Severity)
    assert run(quartify_cmd, "migrate", *todo, "--fail-on", "error", str(app)).returncode == 0
    assert run(quartify_cmd, "migrate", *todo, "--fail-on", "warning", str(app)).returncode == 1
    assert run(quartify_cmd, "migrate", *todo, "--fail-on", "warning", "--ignore", "QFY210", str(app)).returncode == 0


def test_unknown_report_format_is_a_usage_error(project: Path, quartify_cmd: list[str]) -> None:
    proc = run(quartify_cmd, "migrate", "--report", "pdf:out.pdf", str(project))
    assert proc.returncode == 2 and b"unknown report format 'pdf'" in proc.stderr

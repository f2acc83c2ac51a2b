"""Python files over the size limit are left unchanged with a QFY006 finding, not migrated."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from quartify.cli.main import main
from quartify.cli.options import load_options
from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.core.types import Status

APP = 'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return request.args["q"]\n'


def test_a_file_over_the_limit_is_left_unchanged_with_a_finding(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    result = migrate_paths([tmp_path], Options(jobs=1, max_file_size=len(APP) - 1))
    [only] = result.files
    assert only.status is Status.UNCHANGED and only.new_source is None
    [finding] = only.findings
    assert finding.code == "QFY006" and f"{len(APP):,} bytes" in finding.message


def test_at_the_limit_or_with_no_limit_the_file_is_migrated(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    for limit in (len(APP), 0):
        [only] = migrate_paths([tmp_path], Options(jobs=1, max_file_size=limit)).files
        assert only.status is Status.CHANGED
        assert "async def index" in (only.new_source or "")


def test_the_command_line_sets_the_limit(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    skipped = CliRunner().invoke(main, ["migrate", "--check", "--max-file-size", "10", str(tmp_path)])
    assert skipped.exit_code == 0 and "QFY006" in skipped.output
    migrated = CliRunner().invoke(main, ["migrate", "--check", "--max-file-size", "0", str(tmp_path)])
    assert migrated.exit_code == 1 and "QFY006" not in migrated.output


def test_the_project_sets_the_limit_and_the_command_line_overrides_it(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.quartify]\nmax-file-size = 10\n", encoding="utf-8")
    skipped = CliRunner().invoke(main, ["migrate", "--diff", str(tmp_path)])
    assert "QFY006" in skipped.output and "+async def index" not in skipped.output
    migrated = CliRunner().invoke(main, ["migrate", "--diff", "--max-file-size", "0", str(tmp_path)])
    assert "QFY006" not in migrated.output and "+async def index" in migrated.output


def test_migrate_and_verify_read_the_limit_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.quartify]\nmax-file-size = 10\n", encoding="utf-8")
    assert load_options((tmp_path,), None, 0, (), None, (), ()).max_file_size == 10
    assert load_options((tmp_path,), None, 0, (), None, (), (), max_file_size=0).max_file_size == 0
    usage = CliRunner().invoke(main, ["verify", "--help"])
    assert usage.exit_code == 0 and "--max-file-size" in usage.output

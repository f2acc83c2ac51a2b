"""Python files over the size limit are left unchanged with a QFY006 finding, not migrated."""

from __future__ import annotations

from pathlib import Path

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
    from click.testing import CliRunner

    from quartify.cli.main import main

    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    skipped = CliRunner().invoke(main, ["migrate", "--check", "--max-file-size", "10", str(tmp_path)])
    assert skipped.exit_code == 0 and "QFY006" in skipped.output
    migrated = CliRunner().invoke(main, ["migrate", "--check", "--max-file-size", "0", str(tmp_path)])
    assert migrated.exit_code == 1 and "QFY006" not in migrated.output

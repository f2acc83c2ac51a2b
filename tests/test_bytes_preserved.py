"""The bytes quartify does not mean to change stay exactly as they were."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.helpers import migrate_one

VIEW = 'from flask import Flask, request\r\n\r\napp = Flask(__name__)\r\n\r\n\r\n@app.post("/")\r\ndef index():\r\n    return request.form["a"]  # keep me\r\n'


def test_crlf_newlines_survive() -> None:
    out = migrate_one(VIEW).new_source
    assert out is not None
    assert "async def index():\r\n" in out
    assert out.count("\r\n") == VIEW.count("\r\n")
    assert "\n" not in out.replace("\r\n", "")


def test_bom_survives_a_write(tmp_path: Path, quartify_cmd: list[str]) -> None:
    target = tmp_path / "app.py"
    target.write_bytes(b"\xef\xbb\xbf" + VIEW.encode("utf-8"))
    subprocess.run([*quartify_cmd, "migrate", str(target)], check=True, capture_output=True)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbffrom quart import Quart, request\r\n")
    assert b"(await request.form)[\"a\"]  # keep me\r\n" in data


def test_latin1_declared_encoding_is_kept(tmp_path: Path, quartify_cmd: list[str]) -> None:
    target = tmp_path / "legacy.py"
    source = "# -*- coding: latin-1 -*-\nfrom flask import render_template\n\n\ndef page():\n    return render_template('caf\u00e9.html')\n"
    target.write_bytes(source.encode("latin-1"))
    subprocess.run([*quartify_cmd, "migrate", str(target)], check=True, capture_output=True)
    assert "return await render_template('caf\u00e9.html')" in target.read_bytes().decode("latin-1")


def test_file_mode_survives(tmp_path: Path, quartify_cmd: list[str]) -> None:
    target = tmp_path / "script.py"
    target.write_text(VIEW, encoding="utf-8", newline="")
    os.chmod(target, 0o750)
    subprocess.run([*quartify_cmd, "migrate", str(target)], check=True, capture_output=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert "async def index" in target.read_text(encoding="utf-8")


def test_non_ascii_columns_line_up() -> None:
    source = 'from flask import request\n\n\ndef f():\n    return {"clé": request.form["é"]}\n'
    out = migrate_one(source).new_source
    # not a view, so nothing forces it async; the awaitable makes it async
    assert out is not None and '{"clé": (await request.form)["é"]}' in out

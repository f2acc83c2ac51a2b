"""Small Flask files for the fault tests, and what quartify makes of them."""

from __future__ import annotations

import subprocess
from pathlib import Path

VIEW = '''from flask import Flask, request

app = Flask(__name__)


@app.post("/")
def index():
    return request.form["a"]
'''

MIGRATED_HEAD = "from quart import Quart, request\n"


def is_migrated(path: Path) -> bool:
    return path.read_text(encoding="utf-8").startswith(MIGRATED_HEAD)


def is_flask(path: Path) -> bool:
    return path.read_text(encoding="utf-8") == VIEW


def run(cmd: list[str], *args: str | Path, timeout: float = 60, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [*cmd, *map(str, args)], capture_output=True, text=True, timeout=timeout, **kwargs
    )


def temp_leftovers(root: Path) -> list[Path]:
    """Files quartify may leave while writing (its temp files, old and new naming)."""
    return sorted(p for p in root.rglob(".*") if "quartify" in p.name)

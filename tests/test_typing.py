"""quartify itself passes `mypy --strict` (configured in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

from mypy import api


def test_quartify_is_strictly_typed() -> None:
    root = Path(__file__).resolve().parents[1]
    stdout, stderr, status = api.run(["--config-file", str(root / "pyproject.toml"), str(root / "quartify")])
    assert status == 0, stdout + stderr

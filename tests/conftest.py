"""Shared helpers for quartify's own tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def quartify_cmd() -> list[str]:
    """The real console entry point, run as a subprocess of this interpreter."""
    return [sys.executable, "-m", "quartify"]

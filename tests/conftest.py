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


# The extension matrix's proofs (tests/extensions/proof_session.py): record every outcome, and
# run the check that reads them last.
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "after_proofs: runs after every other test; reads the session's outcomes")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from tests.extensions.proof_session import last

    last(items)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    from tests.extensions.proof_session import record

    record(report)

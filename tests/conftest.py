"""Shared helpers for quartify's own tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
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


# The suite on every core (pytest-xdist, `-n auto --dist loadgroup` in pyproject.toml): which tests
# share a worker is decided in tests/xdist_groups.py.
@pytest.hookimpl(optionalhook=True, tryfirst=True)  # before xdist's own
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    from tests import xdist_groups

    return xdist_groups.make_scheduler(config, log) if config.getvalue("dist") == "loadgroup" else None


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    from tests.extensions.proof_session import record

    record(report)


@pytest.fixture(autouse=True, scope="session")
def _index_cache_outside_the_trees(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI keeps its index cache in the project by default; tests that snapshot a tree after
    a run must see only what quartify migrated, so every CLI run of the suite shares one cache
    directory elsewhere (as QUARTIFY_CACHE_DIR, like RUFF_CACHE_DIR). The cache never changes a
    result (tests/core/test_index_cache.py), so this only makes the suite's runs warmer."""
    old = os.environ.get("QUARTIFY_CACHE_DIR")
    os.environ["QUARTIFY_CACHE_DIR"] = str(tmp_path_factory.mktemp("quartify-cache"))
    yield
    if old is None:
        os.environ.pop("QUARTIFY_CACHE_DIR", None)
    else:
        os.environ["QUARTIFY_CACHE_DIR"] = old

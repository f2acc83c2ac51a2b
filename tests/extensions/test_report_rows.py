"""Rows with no automatic path (strategy "report"): the proof is that quartify says what to do
and breaks nothing. One project holds one module per row (importing the extension beside a
Flask app) and a requirements file listing every row's distribution; it is migrated once."""

from __future__ import annotations

import pytest

from quartify.core.types import Status
from quartify.rules.extensions import ExtensionRow, Strategy, load
from tests.extensions.harness import Migrated, migrate_files

REPORTED = [r for r in load() if r.strategy is Strategy.REPORT]
IMPORTED = [r for r in REPORTED if r.modules and r.kind != "plugins"]
LISTED = [r for r in REPORTED if r.kind != "imports"]


def _module_name(row: ExtensionRow) -> str:
    return "app_" + row.dist.replace("-", "_")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Migrated]:
    files = {
        f"{_module_name(row)}.py": f"import flask\nimport {row.modules[0]}\n\napp = flask.Flask(__name__)\n"
        for row in IMPORTED
    }
    files["requirements.txt"] = "flask\n" + "".join(f"{row.dist}\n" for row in LISTED)
    return migrate_files(tmp_path_factory.mktemp("report-rows"), files)


@pytest.mark.parametrize("row", IMPORTED, ids=lambda r: r.dist)
def test_the_import_is_reported_with_the_rows_advice_and_kept(migrated: dict[str, Migrated], row: ExtensionRow) -> None:
    result = migrated[f"{_module_name(row)}.py"]
    assert result.status is Status.CHANGED  # Flask still became Quart: nothing else broke
    assert result.text == f"import quart\nimport {row.modules[0]}\n\napp = quart.Quart(__name__)\n"
    found = [f for f in result.findings if f.code == "QFY140"]
    assert [f.line for f in found] == [2]
    assert row.advice in found[0].message


def test_the_requirements_keep_every_reported_distribution(migrated: dict[str, Migrated]) -> None:
    """...but a pytest plugin that would stop every test (a `drop` row: pytest-flask) goes."""
    result = migrated["requirements.txt"]
    assert result.text == "quart>=0.22\n" + "".join(f"{row.dist}\n" for row in LISTED if not row.drop)


@pytest.mark.parametrize("row", LISTED, ids=lambda r: r.dist)
def test_the_dependency_is_reported_with_the_rows_advice(migrated: dict[str, Migrated], row: ExtensionRow) -> None:
    line = 2 + LISTED.index(row)
    found = [f for f in migrated["requirements.txt"].findings if f.line == line]
    assert [f.code for f in found] == ["QFY121" if row.kind == "plugins" else "QFY120"]
    assert row.advice in found[0].message

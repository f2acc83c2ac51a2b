"""The matrix (quartify/rules/extensions.toml) holds together: docs/extensions.md is generated
from it, every proof it names exists, and quartify only renames an import to a native row's port."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from quartify.rules import loader
from quartify.rules.extensions import (
    ExtensionRow,
    Strategy,
    by_dist,
    by_module,
    load,
    parse,
)
from quartify.rules.schema import TableError

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_extensions_doc", ROOT / "scripts" / "gen_extensions_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_docs_page_is_generated_from_the_table() -> None:
    page = (ROOT / "docs" / "extensions.md").read_text(encoding="utf-8")
    assert _generator().render(load()) in page, "run: python scripts/gen_extensions_doc.py"


def test_the_page_leads_with_the_counts_per_strategy() -> None:
    section = _generator().render(load())
    counts = {s: sum(1 for r in load() if r.strategy is s) for s in Strategy}
    assert f"{len(load())} rows: **{counts[Strategy.NATIVE]} native**, **{counts[Strategy.PATCH]} patch**, " \
           f"**{counts[Strategy.REPORT]} report**." in section.splitlines()[2]


def test_the_matrix_covers_at_least_thirty_extensions() -> None:
    assert sum(1 for r in load() if r.kind == "extensions") >= 30


@pytest.mark.parametrize("row", load(), ids=lambda r: r.dist)
def test_every_named_proof_exists(row: ExtensionRow) -> None:
    if row.proof is None:
        assert row.strategy is Strategy.PATCH and "pending" in row.evidence.lower()
        return
    path, _, test = row.proof.partition("::")
    assert (ROOT / path).exists(), row.proof
    if test:
        assert f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), row.proof


def test_native_and_patch_rows_write_a_requirement_on_their_own_package() -> None:
    for row in load():
        if row.strategy is Strategy.NATIVE:
            assert row.quart_package and row.requirement and row.requirement.startswith(row.quart_package + ">="), row
        elif row.strategy is Strategy.PATCH:
            assert row.requirement == "quart-flask-patch>=0.3", row


def test_an_import_is_only_moved_for_a_native_row() -> None:
    for module in loader.names().extension_modules:
        row = by_module(module)
        assert row is not None and row.strategy is Strategy.NATIVE, module


def test_rows_are_found_by_any_spelling_and_by_submodule() -> None:
    assert by_dist("Flask_CORS") is by_dist("flask-cors") is by_module("flask_cors.extension")
    assert by_module("webargs.flaskparser") is by_dist("webargs")
    assert by_module("webargs") is None


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ('strategy = "native"\nrequirement = "quart-x>=1"', "a native row needs quart_package and requirement"),
        ('strategy = "report"\nrequirement = "quart-x>=1"\nproof = "t"', "a report row writes no requirement"),
        ('strategy = "report"', "a row without proof must say in its evidence that its proof is pending"),
        ('strategy = "ported"\nproof = "t"', "'ported' is not one of 'native', 'patch', 'report'"),
    ],
)
def test_a_malformed_row_is_an_error_naming_its_line(row: str, error: str) -> None:
    text = f'[extensions.flask-x]\nname = "X"\nadvice = "a"\nevidence = "e"\n{row}\n'
    with pytest.raises(TableError, match=r"custom.toml:\d+: extensions.flask-x") as caught:
        parse("custom.toml", text)
    assert error in str(caught.value)

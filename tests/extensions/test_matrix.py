"""The matrix (quartify/rules/extensions.toml) holds together: every row names existing tests as
its proof, each of them passed, docs/extensions.md is what the generator makes of the table and
those outcomes, and quartify only renames an import to a native row's port."""

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
from tests.extensions.proof_session import MARKER, session_outcomes
from tests.xdist_groups import PROOFS, unit_of, without_group

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_extensions_doc", ROOT / "scripts" / "gen_extensions_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _proof_outcomes() -> dict[str, str]:
    """Each proof's outcome: from this session when it ran here (a full run, CI), else from one
    pytest run of the missing ones."""
    wanted = _generator().proof_ids(load())
    seen = session_outcomes()
    missing = [p for p in wanted if p not in seen]
    return {**seen, **(_generator().run_proofs(missing) if missing else {})}


@pytest.mark.after_proofs
def test_every_proof_passed_and_the_page_shows_those_outcomes() -> None:
    outcomes = _proof_outcomes()
    not_passed = {p: _generator().outcome_of(p, outcomes) for p in _generator().proof_ids(load())
                  if _generator().outcome_of(p, outcomes) != "passed"}
    assert not_passed == {}, "proof tests that did not pass (missing: the node id names no test)"
    page = (ROOT / "docs" / "extensions.md").read_text(encoding="utf-8")
    assert _generator().render(load(), outcomes) in page, "run: python scripts/gen_extensions_doc.py"


def test_the_outcome_check_runs_after_every_proof(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    marked = [i for i, item in enumerate(items) if item.get_closest_marker(MARKER)]
    assert all(i >= len(items) - len(marked) for i in marked)


def test_the_proofs_and_their_check_share_one_xdist_worker() -> None:
    """Under pytest-xdist the check reads the outcomes its own worker saw: every test of a module
    holding a proof, and the check, are one unit of work (tests/xdist_groups.py)."""
    check = f"tests/extensions/test_matrix.py::{test_every_proof_passed_and_the_page_shows_those_outcomes.__name__}"
    assert {unit_of(p) for p in _generator().proof_ids(load())} | {unit_of(check)} == {PROOFS}
    assert unit_of("tests/e2e/test_pre_commit.py::test_x") == "tests/e2e/test_pre_commit.py"  # module fixtures
    assert unit_of("tests/test_serving.py::test_x") == "tests/test_serving.py::test_x"  # free


def test_the_xdist_group_suffix_is_taken_off_a_recorded_node_id() -> None:
    assert without_group("tests/t.py::test_a@extension-proofs") == "tests/t.py::test_a"
    assert without_group("tests/t.py::test_a[x@y]@extension-proofs") == "tests/t.py::test_a[x@y]"
    assert without_group("tests/t.py::test_a[x@y]") == "tests/t.py::test_a[x@y]"


def test_the_page_leads_with_the_counts_per_strategy() -> None:
    section = _generator().render(load(), {})
    counts = {s: sum(1 for r in load() if r.strategy is s) for s in Strategy}
    assert f"{len(load())} rows: **{counts[Strategy.NATIVE]} native**, **{counts[Strategy.PATCH]} patch**, " \
           f"**{counts[Strategy.REPORT]} report**." in section.splitlines()[2]


def test_the_matrix_covers_at_least_thirty_extensions() -> None:
    assert sum(1 for r in load() if r.kind == "extensions") >= 30


@pytest.mark.parametrize("row", load(), ids=lambda r: r.dist)
def test_every_row_names_tests_that_exist(row: ExtensionRow) -> None:
    assert row.proofs, f"{row.dist} names no test"
    for nodeid in row.proofs:
        path, _, test = nodeid.partition("::")
        function = test.partition("[")[0].rpartition("::")[2]
        assert (ROOT / path).is_file() and function, nodeid
        assert f"def {function}(" in (ROOT / path).read_text(encoding="utf-8"), nodeid


def test_a_proof_that_failed_or_names_no_test_shows_on_the_page() -> None:
    row = load()[0]
    section = _generator().render([row], {row.proofs[0]: "failed"})
    assert f"failed: `{row.proofs[0]}`" in section
    assert f"Proofs: **0 of {len(row.proofs)}**" in section
    assert "not run: `" in _generator().render([row], {})


def test_outcomes_are_read_from_a_junit_file() -> None:
    junit = (
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_x" name="test_a[p]" file="tests/test_x.py"/>'
        '<testcase classname="tests.test_x" name="test_b" file="tests/test_x.py"><failure message="no"/></testcase>'
        "</testsuite></testsuites>"
    )
    assert _generator().read_outcomes(junit) == {"tests/test_x.py::test_a[p]": "passed",
                                                 "tests/test_x.py::test_b": "failed"}


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
        ('strategy = "report"\nrequirement = "quart-x>=1"\nproofs = ["t"]', "a report row writes no requirement"),
        ('strategy = "report"', "a row names the tests that prove it"),
        ('strategy = "ported"\nproofs = ["t"]', "'ported' is not one of 'native', 'patch', 'report'"),
    ],
)
def test_a_malformed_row_is_an_error_naming_its_line(row: str, error: str) -> None:
    text = f'[extensions.flask-x]\nname = "X"\nadvice = "a"\nevidence = "e"\n{row}\n'
    with pytest.raises(TableError, match=r"custom.toml:\d+: extensions.flask-x") as caught:
        parse("custom.toml", text)
    assert error in str(caught.value)

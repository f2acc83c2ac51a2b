"""Forms that repeat a key (tests/fixtures/repeated_fields), run for real under Quart.

Flask's test client sends one field per value of a list in a `data=` dict, and every value of a
Werkzeug MultiDict; Quart's `form=` urlencodes the mapping's `items()`, so a list arrives as its
repr and a MultiDict gives its first value only, without an error. The converted tests send the
body urlencoded with every value (`data=urlencode(...)` and its Content-Type) and pass; each
fails as quartify wrote it before (`form={...}` with the list, `data=` left as the MultiDict)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_into, migrated_copy, pytest_run, pytest_under_flask

REPEATED = Path(__file__).parent / "fixtures" / "repeated_fields"
FILES = ("pollapp.py", "test_poll.py")

# test name -> (the call the migration writes, what quartify wrote before)
UNDO = {
    "test_ticked_boxes_from_a_list": (
        'data=urlencode({"voter": "ann", "choice": ["tea", "cake"]}, doseq=True), '
        'headers={"Content-Type": "application/x-www-form-urlencoded"})',
        'form={"voter": "ann", "choice": ["tea", "cake"]})'),
    "test_ticked_boxes_from_a_multidict_literal": (
        'data=urlencode([("choice", "jam"), ("choice", "scones")]),\n'
        '                     headers={"X-Poll": "1", "Content-Type": "application/x-www-form-urlencoded"})',
        'data=ImmutableMultiDict([("choice", "jam"), ("choice", "scones")]),\n'
        '                     headers={"X-Poll": "1"})'),
    "test_ticked_boxes_from_a_built_multidict": (
        'data=urlencode(list(ballot.items(multi=True))), headers={"Content-Type": "application/x-www-form-urlencoded"})',
        'data=ballot, headers={"Content-Type": "application/x-www-form-urlencoded"})'),
}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("repeated")
    return migrated_copy(directory, (REPEATED / name for name in FILES))


def test_flask_originals_pass_under_flask(tmp_path: Path) -> None:
    copy_into(tmp_path, (REPEATED / name for name in FILES))
    proc = pytest_under_flask(tmp_path, "test_poll.py")
    assert proc.returncode == 0, proc.stdout
    assert f"{len(UNDO)} passed" in proc.stdout


def test_converted_tests_pass_under_quart(migrated: Path) -> None:
    text = (migrated / "test_poll.py").read_text()
    for written, _before in UNDO.values():
        assert written in text
    proc = pytest_run(migrated, "test_poll.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(UNDO)} passed" in proc.stdout


@pytest.mark.parametrize("test", sorted(UNDO))
def test_each_fails_as_written_before(migrated: Path, tmp_path: Path, test: str) -> None:
    for name in FILES:
        shutil.copy(migrated / name, tmp_path / name)
    written, before = UNDO[test]
    tests = tmp_path / "test_poll.py"
    tests.write_text(tests.read_text().replace(written, before))
    proc = pytest_run(tmp_path, f"test_poll.py::{test}")
    assert proc.returncode != 0 and "1 failed" in proc.stdout, proc.stdout

"""Upload helpers (issue 10, shape 20's third form) run for real under Quart.

A test builds its upload with a helper, `def upload(name): return {"k": "v", "file": (stream, name)}`,
and passes the result as `data=`, directly or through a local it edits by key. quartify makes the
helper return Quart's `form=`/`files=` keyword arguments and splats them at each call
(tests/fixtures/rewrites/test_upload_helpers). The converted tests pass under Quart; putting back
any part of the rewrite as Flask wrote it makes them fail (every assertion compares the response's
content, warnings are errors: an unawaited coroutine cannot pass). The helper whose result is also
read another way keeps `data=` and its QFY130 finding, and that test really fails under Quart.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import migrate_one, pytest_run

SOURCE = Path(__file__).parent / "fixtures" / "rewrites" / "test_upload_helpers.in.py"
CONVERTED = ("test_module_helper", "test_nested_helper_edited_in_a_loop")

# (test, text the migration produced, the same text as Flask had it)
UNDO = (
    ("test_module_helper", "**_invoice(7)", "data=_invoice(7)"),
    ("test_module_helper", '{"form": {"number": f"n-{number}"}, "files": {"scan": FileStorage(io.BytesIO(b"owed"), '
     'filename="invoice.pdf", content_type="application/pdf")}}',
     '{"number": f"n-{number}", "scan": (io.BytesIO(b"owed"), "invoice.pdf", "application/pdf")}'),
    ("test_nested_helper_edited_in_a_loop", '**upload("2020-01-02 bill")', 'data=upload("2020-01-02 bill")'),
    ("test_nested_helper_edited_in_a_loop", 'del body["form"][dropped]', "del body[dropped]"),
    ("test_nested_helper_edited_in_a_loop", 'body["form"]["ledger"] = "office"', 'body["ledger"] = "office"'),
)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("upload_helpers")
    shutil.copy(SOURCE, directory / "test_upload_helpers.py")
    proc = subprocess.run([sys.executable, "-m", "quartify", "migrate", str(directory)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return directory


def test_the_flask_original_passes_under_flask(tmp_path: Path) -> None:
    shutil.copy(SOURCE, tmp_path / "test_upload_helpers.py")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", "test_upload_helpers.py"],
        cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(tmp_path), "PATH": ""},
    )
    assert "3 passed" in proc.stdout, proc.stdout


def test_converted_helpers_pass_under_quart(migrated: Path) -> None:
    proc = pytest_run(migrated, "test_upload_helpers.py", "-k", " or ".join(CONVERTED))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(CONVERTED)} passed" in proc.stdout


def test_an_unproven_helper_keeps_data_and_says_so(migrated: Path) -> None:
    """`attachment()["scan"]` reads the helper's result for its file tuple: rewriting the helper would
    break that read, so the call keeps `data=` (which Quart sends empty) and carries the finding."""
    result = migrate_one(SOURCE.read_bytes(), "test_upload_helpers.py")
    assert [(f.code, f.line) for f in result.findings] == [("QFY130", 57)]
    assert "`attachment(...)`" in result.findings[0].message
    proc = pytest_run(migrated, "test_upload_helpers.py", "-k", "test_helper_result_read_for_its_file")
    assert "1 failed" in proc.stdout, proc.stdout


@pytest.mark.parametrize(("test_name", "fixed", "broken"), UNDO, ids=[f"{t}:{b}" for t, _, b in UNDO])
def test_undoing_the_rewrite_makes_the_test_fail(test_name: str, fixed: str, broken: str, migrated: Path,
                                                tmp_path: Path) -> None:
    source = (migrated / "test_upload_helpers.py").read_text(encoding="utf-8")
    assert source.count(fixed) == 1, f"quartify did not produce {fixed!r} once"
    (tmp_path / "test_upload_helpers.py").write_text(source.replace(fixed, broken), encoding="utf-8")
    proc = pytest_run(tmp_path, "test_upload_helpers.py", "-k", test_name)
    assert "1 failed" in proc.stdout, f"{test_name} still passes with {broken!r}: it does not guard the rewrite"

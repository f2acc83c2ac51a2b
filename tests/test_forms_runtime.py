"""Flask-WTF forms under Quart-WTF, run for real (issue 10, shapes 8 and 19).

QuartForm's `validate` and `validate_on_submit` are coroutines. A call left bare is a coroutine
object, which is truthy: `if form.validate_on_submit():` would accept every submission, and a
`validate()` override left sync would hand `validate_on_submit` a bool to await. The converted
app must reject bad input, and each check fails again when the rewrite that fixed it is undone.

WTForms and Flask-WTF come with the test extra. The port is quart-wtforms (module `quart_wtf`;
the Quart-WTF distribution's only release requires quart<0.19): the lowest release the matrix
writes to dependency files (quartify/rules/extensions.toml) is installed with `--no-deps` into a
directory of its own, put on the test runs' path, so this module proves that floor.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quartify.rules.extensions import by_dist
from tests.helpers import migrated_copy

QUART_WTF = "quart-wtforms==1.0.2"  # the matrix row's requirement floor (tested below)

FORMS = Path(__file__).parent / "fixtures" / "forms"
REWRITES = Path(__file__).parent / "fixtures" / "rewrites"
ASYNC_FORM_METHODS = {"validate", "validate_on_submit", "create_form"}

# what the rewrite produced -> the spelling it replaced; each undo must make a test fail
UNDO = {
    "validate override": ("async def validate(self, extra_validators=None):\n        if not await super()",
                          "def validate(self, extra_validators=None):\n        if not super()"),
    "form on an attribute": ("return await self.form.validate_on_submit()", "return self.form.validate_on_submit()"),
    "form from a factory": ("if not await form.validate_on_submit():", "if not form.validate_on_submit():"),
    "validate called in a test": ("assert not await form.validate()", "assert not form.validate()"),
}


_SITE: list[Path] = []  # where Quart-WTF was installed for this session


@pytest.fixture(scope="module", autouse=True)
def quart_wtf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """quart-wtforms (module `quart_wtf`), in a directory only these runs see."""
    target = tmp_path_factory.mktemp("quart-wtf")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), QUART_WTF],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _SITE[:] = [target]
    return target


def run_tests(directory: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(directory), *map(str, _SITE)])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, "test_formsapp.py"],
        cwd=directory, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path},
    )


def run_quart(directory: Path) -> subprocess.CompletedProcess[str]:
    return run_tests(directory, "-W", "error", "-o", "asyncio_mode=auto",
                     "-o", "asyncio_default_fixture_loop_scope=function")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("forms")
    return migrated_copy(directory, FORMS.glob("*.py"))


def test_flask_original_passes_under_flask(tmp_path: Path) -> None:
    for source in FORMS.glob("*.py"):
        shutil.copy(source, tmp_path / source.name)
    proc = run_tests(tmp_path, "-p", "no:asyncio")
    assert proc.returncode == 0 and "9 passed" in proc.stdout, proc.stdout


def test_converted_forms_validate_under_quart(migrated: Path) -> None:
    proc = run_quart(migrated)
    assert proc.returncode == 0 and "9 passed" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("undo", sorted(UNDO))
def test_undoing_a_rewrite_fails(migrated: Path, tmp_path: Path, undo: str) -> None:
    done, flask_spelling = UNDO[undo]
    for source in migrated.glob("*.py"):
        text = source.read_text()
        (tmp_path / source.name).write_text(text.replace(done, flask_spelling))
    assert any(done in p.read_text() for p in migrated.glob("*.py")), f"the rewrite for {undo} is missing"
    proc = run_quart(tmp_path)
    assert proc.returncode != 0, f"{undo}: still passes with the rewrite undone\n{proc.stdout}"


def bare_async_form_calls(source: str) -> list[str]:
    """Calls of QuartForm's coroutine methods that are not directly awaited."""
    tree = ast.parse(source)
    awaited = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Await)}
    return [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in ASYNC_FORM_METHODS and id(node) not in awaited
    ]


def test_no_converted_form_call_is_a_truthy_coroutine(migrated: Path) -> None:
    outputs = [*migrated.glob("*.py"), *REWRITES.glob("forms*.out.py")]
    assert len(outputs) >= 3  # the migrated app, its tests, the rewrite fixture
    for path in outputs:
        assert bare_async_form_calls(path.read_text()) == [], path.name


def test_the_installed_port_is_the_floor_the_matrix_writes() -> None:
    row = by_dist("flask-wtf")
    assert row is not None and row.requirement == QUART_WTF.replace("==", ">=")

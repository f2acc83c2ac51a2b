"""Flask-WTF forms under Quart-WTF, run for real (issue 10, shapes 8 and 19).

QuartForm's `validate` and `validate_on_submit` are coroutines. A call left bare is a coroutine
object, which is truthy: `if form.validate_on_submit():` would accept every submission, and a
`validate()` override left sync would hand `validate_on_submit` a bool to await. The converted
app must reject bad input, and each check fails again when the rewrite that fixed it is undone.

WTForms and Flask-WTF come with the test extra. Quart-WTF 0.0.1 (the only release) declares
`quart<0.19`, so pip would refuse it beside Quart 0.22; its code runs on 0.22, so this module
installs it with `--no-deps` into a directory of its own and puts that on the test runs' path.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quartify.analysis.graph import quart_wtf_port

# While Flask-WTF takes the quart-flask-patch route (planners/flask_patch.py, proven by
# tests/test_extension_apps.py), quartify does not port forms to Quart-WTF: this module guards
# that port for when the extensions matrix selects it again.
pytestmark = pytest.mark.skipif(not quart_wtf_port(), reason="Flask-WTF takes the quart-flask-patch route")

QUART_WTF = "quart-wtf==0.0.1"

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
    """Quart-WTF without its stale `quart<0.19` pin, in a directory only these runs see."""
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
    for source in FORMS.glob("*.py"):
        shutil.copy(source, directory / source.name)
    proc = subprocess.run([sys.executable, "-m", "quartify", "migrate", str(directory)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return directory


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

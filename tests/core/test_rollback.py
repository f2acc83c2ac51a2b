"""A file kept unchanged must leave every other file consistent with it (issue 12, reproducer 3),
and verification uses the compiler's own rules for where `await` may stand."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartify.core import workers
from quartify.core.config import Options
from quartify.core.pipeline import InputFile, migrate
from quartify.core.stages import TransformFailed
from quartify.core.types import Finding, RunResult, Severity, Status
from tests.helpers import assert_valid_async, migrate_one

HELPERS = """\
from flask import request


def payload_name():
    return request.get_json()["name"]
"""

VIEWS = """\
from flask import Flask

from helpers import payload_name

app = Flask(__name__)


@app.route("/", methods=["POST"])
def index():
    return payload_name()
"""


def _run(files: dict[str, str]) -> RunResult:
    inputs = [InputFile(Path(name), name, name[:-3], False, text.encode()) for name, text in files.items()]
    return migrate(inputs, Options(jobs=1))


def _by_name(result: RunResult) -> dict[str, object]:
    return {r.path.as_posix(): r for r in result.files}


def test_callers_await_the_helper_when_both_files_migrate() -> None:
    files = _by_name(_run({"helpers.py": HELPERS, "views.py": VIEWS}))
    assert "return await payload_name()" in files["views.py"].new_source  # type: ignore[attr-defined]


def test_a_helper_file_that_fails_is_not_awaited_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    real = workers.transform_file

    def failing(text: str, plan: object) -> object:
        if plan.path == "helpers.py":  # type: ignore[attr-defined]
            return TransformFailed("helpers.py", Finding("QFY001", Severity.ERROR, "boom", "helpers.py", 1))
        return real(text, plan)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "transform_file", failing)
    files = _by_name(_run({"helpers.py": HELPERS, "views.py": VIEWS}))
    helpers, views = files["helpers.py"], files["views.py"]
    assert helpers.status is Status.FAILED  # type: ignore[attr-defined]
    new_views = views.new_source  # type: ignore[attr-defined]
    assert "async def index():" in new_views
    assert "return payload_name()" in new_views and "await payload_name" not in new_views
    note = next(f for f in helpers.findings if f.code == "QFY005")  # type: ignore[attr-defined]
    assert "`payload_name` stay sync" in note.message
    assert [(step.path, step.line) for step in note.chain] == [("views.py", 10)]


def test_an_await_in_a_lambda_default_is_kept_it_runs_in_the_view() -> None:
    source = (
        "from flask import Flask, request\napp = Flask(__name__)\n\n"
        "@app.route('/')\ndef view():\n    pick = lambda form=request.form: form\n    return 'ok'\n"
    )
    result = migrate_one(source, "app.py")
    assert result.status is Status.CHANGED
    assert "pick = lambda form=await request.form: form" in result.new_source  # type: ignore[operator]
    assert_valid_async(result.new_source or "")


def test_verify_compiles_the_output_not_only_parses_it() -> None:
    from quartify.core.stages import await_outside_async

    with pytest.raises(SyntaxError, match="async generator"):
        await_outside_async("async def g():\n    yield 1\n    return 'done'\n")
    assert await_outside_async("def f():\n    return lambda: (await x)\n") == 2
    assert await_outside_async("async def f():\n    return lambda q=(await x): q\n") is None


def test_verify_refuses_an_output_that_reads_a_name_nothing_binds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rename of the import without its use compiles; verify must still refuse it."""
    from quartify.core.stages import Transformed

    source = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"
    broken = "from quart import Quart\n\n\ndef create_app():\n    return Flask(__name__)\n"
    monkeypatch.setattr(workers, "transform_file",
                        lambda text, plan: Transformed(plan.path, broken, (), 0, 0))
    result = _run({"factory.py": source})
    failed = result.files[0]
    assert failed.status is Status.FAILED and failed.new_source is None
    assert any("reads names nothing binds (Flask)" in f.message for f in failed.findings if f.code == "QFY002")


def test_unbound_names_follow_quartifys_renames() -> None:
    from quartify.core.free_names import newly_unbound, unbound_names

    assert unbound_names("import os\n\ndef f():\n    return os, app, len\n") == {"app"}
    assert newly_unbound("app = Flask()\n", "app = Quart()\n") == []  # Flask was unbound before: Quart may be
    assert newly_unbound("from flask import Flask\napp = Flask()\n", "from quart import Quart\napp = Flask()\n") == ["Flask"]

"""Bootstrap-Flask and Flask-Bootstrap both install the module `flask_bootstrap`: the project's
dependency files say which one it uses; when they name neither, quartify takes Bootstrap-Flask
(the more downloaded) and its finding says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartify.rules.extensions import (
    by_dist,
    by_module,
    project_dists,
    shared_module_note,
)
from tests.extensions.harness import migrate_files

APP = """\
from flask import Flask, render_template_string
from flask_bootstrap import Bootstrap

app = Flask(__name__)
bootstrap = Bootstrap(app)


@app.route("/")
def index():
    return render_template_string("{{ bootstrap }}")
"""


def test_the_dependency_files_decide_which_distribution_the_module_is() -> None:
    with project_dists(["Flask-Bootstrap"]):
        assert by_module("flask_bootstrap") is by_dist("flask-bootstrap")
        assert shared_module_note("flask_bootstrap") == ""
    with project_dists(["bootstrap_flask"]):
        assert by_module("flask_bootstrap") is by_dist("bootstrap-flask")
        assert shared_module_note("flask_bootstrap") == ""


def test_named_by_neither_the_more_downloaded_is_taken_and_the_note_says_so() -> None:
    with project_dists(["flask"]):
        assert by_module("flask_bootstrap") is by_dist("bootstrap-flask")
        note = shared_module_note("flask_bootstrap")
    assert "installed by Bootstrap-Flask and by Flask-Bootstrap" in note and "quartify took Bootstrap-Flask" in note


def test_a_project_on_flask_bootstrap_gets_its_rows_advice(tmp_path: Path) -> None:
    out = migrate_files(tmp_path, {"app.py": APP, "requirements.txt": "flask\nFlask-Bootstrap==3.3.7.1\n"})
    row = by_dist("flask-bootstrap")
    assert row is not None
    [finding] = [f for f in out["app.py"].findings if f.code == "QFY140"]
    assert "(Flask-Bootstrap)" in finding.message and row.advice in finding.message
    assert "quart_flask_patch" not in out["app.py"].text  # a report row takes no patch
    assert [f.code for f in out["requirements.txt"].findings if f.line == 2] == ["QFY120"]


def test_a_project_on_bootstrap_flask_takes_the_patch(tmp_path: Path) -> None:
    out = migrate_files(tmp_path, {"app.py": APP, "requirements.txt": "flask\nbootstrap-flask>=2\n"})
    assert out["app.py"].text.startswith("import quart_flask_patch")
    [cost] = [f for f in out["app.py"].findings if f.code == "QFY143"]
    assert cost.message.startswith("flask_bootstrap run unchanged") and "name neither" not in cost.message


@pytest.mark.parametrize("files", [{}, {"requirements.txt": "flask\n"}], ids=["no-dependency-file", "named-neither"])
def test_named_by_neither_the_patch_finding_says_which_was_taken(tmp_path: Path, files: dict[str, str]) -> None:
    out = migrate_files(tmp_path, {"app.py": APP, **files})
    [cost] = [f for f in out["app.py"].findings if f.code == "QFY143"]
    assert "the dependency files name neither, so quartify took Bootstrap-Flask" in cost.message

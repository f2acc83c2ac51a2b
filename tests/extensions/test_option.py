"""`--extensions {native,patch,report}` and `[tool.quartify] extensions`: an extension's import is
moved only when its row is native under the option, and the same run writes the port's
requirement in place of the extension's line (dependencies follow imports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartify.cli.options import load_options
from quartify.core.types import Status
from quartify.rules.extensions import Strategy, by_dist
from tests.extensions.harness import migrate_files

APP = """\
from flask import Flask, request
from flask_bcrypt import Bcrypt
from flask_cors import CORS
from flask_wtf import FlaskForm
from wtforms import StringField

app = Flask(__name__)
CORS(app)
bcrypt = Bcrypt(app)


class NameForm(FlaskForm):
    name = StringField()


@app.route("/", methods=["POST"])
def index():
    form = NameForm()
    if form.validate_on_submit():
        return bcrypt.generate_password_hash(form.name.data)
    return "no", 400
"""
REQUIREMENTS = "flask>=3\nFlask-Bcrypt>=1.0  # hashing\nflask-cors\nFlask-WTF==1.2.1\nflask-sqlalchemy\n"


def _requirement(dist: str) -> str:
    row = by_dist(dist)
    assert row is not None and row.requirement is not None
    return row.requirement


def test_native_moves_the_imports_and_the_requirements_follow(tmp_path: Path) -> None:
    out = migrate_files(tmp_path, {"app.py": APP, "requirements.txt": REQUIREMENTS})
    app, reqs = out["app.py"].text, out["requirements.txt"].text
    assert "from quart_bcrypt import Bcrypt" in app
    assert "from quart_cors import cors" in app and "app = cors(app)" in app
    assert "from quart_wtf import QuartForm" in app and "await NameForm.create_form()" in app
    assert reqs == (
        f"quart>=0.22\n{_requirement('flask-bcrypt')}  # hashing\n{_requirement('flask-cors')}\n"
        f"{_requirement('flask-wtf')}\nflask-sqlalchemy\n"
    )
    ported = [f for f in out["requirements.txt"].findings if f.code == "QFY126"]
    assert [f.line for f in ported] == [2, 3, 4]
    assert [f.line for f in out["requirements.txt"].findings if f.code == "QFY120"] == [5]  # the patch row stays


def test_report_changes_no_extension_and_no_extension_requirement(tmp_path: Path) -> None:
    out = migrate_files(tmp_path, {"app.py": APP, "requirements.txt": REQUIREMENTS}, Strategy.REPORT)
    app = out["app.py"]
    assert app.status is Status.CHANGED  # Flask itself still becomes Quart
    for line in ("from flask_bcrypt import Bcrypt", "from flask_cors import CORS", "from flask_wtf import FlaskForm",
                 "CORS(app)\n", "form = NameForm()", "if form.validate_on_submit():", "class NameForm(FlaskForm):"):
        assert line in app.text
    assert "QFY141" not in app.codes()
    assert app.codes().count("QFY140") == 3
    assert out["requirements.txt"].text == REQUIREMENTS.replace("flask>=3", "quart>=0.22")


def test_patch_leaves_native_rows_to_the_migrator_and_says_so(tmp_path: Path) -> None:
    out = migrate_files(tmp_path, {"app.py": APP}, Strategy.PATCH)
    app = out["app.py"]
    assert "from flask_bcrypt import Bcrypt" in app.text and "QFY141" not in app.codes()
    messages = [f.message for f in app.findings if f.code == "QFY140"]
    assert len(messages) == 3 and all("--extensions patch" in m and "native" in m for m in messages)


def test_a_cors_call_quartify_cannot_map_keeps_flask_cors_in_the_requirements(tmp_path: Path) -> None:
    app = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origins=['x'])\n"
    out = migrate_files(tmp_path, {"app.py": app, "requirements.txt": "flask\nflask-cors\n"})
    assert "from flask_cors import CORS" in out["app.py"].text
    assert out["requirements.txt"].text == "quart>=0.22\nflask-cors\n"


def test_an_already_listed_port_replaces_the_extension_line(tmp_path: Path) -> None:
    app = "from flask import Flask\nfrom flask_bcrypt import Bcrypt\n\napp = Flask(__name__)\nbcrypt = Bcrypt(app)\n"
    out = migrate_files(tmp_path, {"app.py": app, "requirements.txt": "flask\nflask-bcrypt\nquart-bcrypt\n"})
    assert out["requirements.txt"].text == "quart>=0.22\nquart-bcrypt\n"


def test_a_pyproject_and_poetry_get_the_port_too(tmp_path: Path) -> None:
    app = "from flask import Flask\nfrom flask_bcrypt import Bcrypt\n\napp = Flask(__name__)\nbcrypt = Bcrypt(app)\n"
    pyproject = (
        '[project]\nname = "a"\ndependencies = ["flask", "flask-bcrypt>=1"]\n\n'
        '[tool.poetry.dependencies]\nflask = "^3"\nFlask-Bcrypt = "^1.0"\n'
    )
    out = migrate_files(tmp_path, {"app.py": app, "pyproject.toml": pyproject})
    text = out["pyproject.toml"].text
    floor = _requirement("flask-bcrypt")
    assert f'"{floor}"' in text
    assert f'quart-bcrypt = "{floor.removeprefix("quart-bcrypt")}"' in text
    assert "flask-bcrypt" not in text.lower().replace("quart-bcrypt", "")


@pytest.mark.parametrize("value", ["native", "patch", "report"])
def test_the_project_setting_is_read_and_the_command_line_wins(tmp_path: Path, value: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.quartify]\nextensions = "{value}"\n')
    assert load_options((tmp_path,), None, 0, (), None, (), ()).extensions == Strategy(value)
    assert load_options((tmp_path,), None, 0, (), None, (), (), "report").extensions is Strategy.REPORT


def test_an_unknown_setting_is_a_usage_error(tmp_path: Path) -> None:
    import click

    (tmp_path / "pyproject.toml").write_text('[tool.quartify]\nextensions = "ports"\n')
    with pytest.raises(click.UsageError, match="tool.quartify.extensions"):
        load_options((tmp_path,), None, 0, (), None, (), ())


def test_a_plain_import_of_a_native_extension_is_reported_and_its_requirement_kept(tmp_path: Path) -> None:
    app = "import flask\nimport flask_bcrypt\n\napp = flask.Flask(__name__)\nbcrypt = flask_bcrypt.Bcrypt(app)\n"
    out = migrate_files(tmp_path, {"app.py": app, "requirements.txt": "flask\nflask-bcrypt\n"})
    assert "import flask_bcrypt\n" in out["app.py"].text
    assert out["requirements.txt"].text == "quart>=0.22\nflask-bcrypt\n"
    assert any(f.code == "QFY140" and "by hand" in f.message for f in out["app.py"].findings)


BCRYPT_APP = "from flask import Flask\nfrom flask_bcrypt import Bcrypt\n\napp = Flask(__name__)\nbcrypt = Bcrypt(app)\n"


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("requirements.txt", "flask\nclick\n", "quart>=0.22\n{floor}\nclick\n"),
        ("pyproject.toml", '[project]\nname = "a"\ndependencies = ["flask", "click"]\n',
         '[project]\nname = "a"\ndependencies = ["quart>=0.22", "{floor}", "click"]\n'),
        ("pyproject.toml", '[tool.poetry.dependencies]\nflask = "^3"\n',
         '[tool.poetry.dependencies]\nquart = ">=0.22"\nquart-bcrypt = "{spec}"\n'),
    ],
)
def test_a_port_the_file_does_not_name_is_added_beside_quart(tmp_path: Path, name: str, before: str, after: str) -> None:
    floor = _requirement("flask-bcrypt")
    out = migrate_files(tmp_path, {"app.py": BCRYPT_APP, name: before})
    # (a pyproject.toml also gets its pytest settings after the lists)
    assert out[name].text.startswith(after.format(floor=floor, spec=floor.removeprefix("quart-bcrypt")))
    assert any(f.code == "QFY126" and floor in f.message for f in out[name].findings)


def test_setup_py_gets_the_port_beside_quart_too(tmp_path: Path) -> None:
    setup = "from setuptools import setup\nsetup(install_requires=['flask'])\n"
    out = migrate_files(tmp_path, {"app.py": BCRYPT_APP, "setup.py": setup})
    floor = _requirement("flask-bcrypt")
    assert out["setup.py"].text == f"from setuptools import setup\nsetup(install_requires=['quart>=0.22', '{floor}'])\n"
    added = [f for f in out["setup.py"].findings if f.code == "QFY126"]
    assert len(added) == 1 and added[0].severity.value == "info" and floor in added[0].message

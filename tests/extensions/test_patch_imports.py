"""A Flask helper inside a package that is not a Flask extension (an [imports] row of the matrix)
takes the patch route by its own module: `playhouse.flask_utils` brings quart-flask-patch in,
the rest of peewee's `playhouse` package does not, and QFY143 names the helper module, not the
whole package. (The route running for real: tests/test_extension_apps.py, peewee_shelf.)"""

from __future__ import annotations

from pathlib import Path

from quartify.analysis.planners.flask_patch import PATCH_REQUIREMENT, takes_patch
from quartify.rules.extensions import Strategy
from tests.extensions.harness import migrate_files

APP = """\
from flask import Flask
from peewee import CharField
from playhouse.flask_utils import FlaskDB, get_object_or_404

app = Flask(__name__)
app.config["DATABASE"] = "sqlite:///shelf.db"
db = FlaskDB(app)


class Book(db.Model):
    title = CharField()


@app.route("/books/<int:book_id>")
def one_book(book_id):
    return get_object_or_404(Book, Book.id == book_id).title
"""
PATCH_LINES = [
    "import quart_flask_patch  # noqa: F401,I001  quartify: Flask extensions run on a patched flask",
    "import quart_flask_compat  # noqa: F401  completes quart-flask-patch for Quart >= 0.19",
]


def test_only_the_flask_helper_module_takes_the_patch() -> None:
    assert takes_patch("playhouse.flask_utils")
    assert not takes_patch("playhouse.sqlite_ext")
    assert not takes_patch("playhouse")
    assert not takes_patch("playhouse.flask_utils", Strategy.REPORT)


def test_the_helper_is_kept_under_the_patch_and_named_by_its_module(tmp_path: Path) -> None:
    out = migrate_files(tmp_path, {"app.py": APP, "requirements.txt": "flask>=3\npeewee>=3.17\n"})
    app = out["app.py"]
    assert app.text.splitlines()[:2] == PATCH_LINES
    assert "from playhouse.flask_utils import FlaskDB, get_object_or_404" in app.text
    assert "QFY140" not in app.codes()
    [cost] = [f for f in app.findings if f.code == "QFY143"]
    assert cost.message.startswith("playhouse.flask_utils run unchanged under quart-flask-patch")
    assert out["requirements.txt"].text.splitlines() == ["quart>=0.22", PATCH_REQUIREMENT, "peewee>=3.17"]
    assert out["quart_flask_compat.py"].text.startswith("# Written by quartify")


def test_report_keeps_the_finding_and_adds_no_patch(tmp_path: Path) -> None:
    out = migrate_files(tmp_path, {"app.py": APP, "requirements.txt": "flask>=3\npeewee>=3.17\n"}, Strategy.REPORT)
    app = out["app.py"]
    assert "quart_flask_patch" not in app.text and "QFY143" not in app.codes()
    [finding] = [f for f in app.findings if f.code == "QFY140"]
    assert "--extensions patch" in finding.message
    assert "quart_flask_compat.py" not in out


MODULE_ATTRIBUTE_APP = APP.replace("from playhouse.flask_utils import FlaskDB, get_object_or_404",
                                   "from playhouse import flask_utils").replace(
    "FlaskDB(app)", "flask_utils.FlaskDB(app)").replace("get_object_or_404(Book", "flask_utils.get_object_or_404(Book")


def test_the_helper_imported_as_a_package_attribute_takes_the_patch_too(tmp_path: Path) -> None:
    # `from playhouse import flask_utils` names the helper module as an attribute of its package.
    out = migrate_files(tmp_path, {"app.py": MODULE_ATTRIBUTE_APP, "requirements.txt": "flask>=3\npeewee>=3.17\n"})
    app = out["app.py"]
    assert app.text.splitlines()[:2] == PATCH_LINES
    assert "from playhouse import flask_utils" in app.text
    [cost] = [f for f in app.findings if f.code == "QFY143"]
    assert cost.message.startswith("playhouse.flask_utils run unchanged under quart-flask-patch")
    assert out["requirements.txt"].text.splitlines() == ["quart>=0.22", PATCH_REQUIREMENT, "peewee>=3.17"]


def test_another_playhouse_module_imported_from_the_package_takes_no_patch(tmp_path: Path) -> None:
    app = APP.replace("from playhouse.flask_utils import FlaskDB, get_object_or_404", "from playhouse import shortcuts")
    out = migrate_files(tmp_path, {"app.py": app.replace("FlaskDB(app)", "None"), "requirements.txt": "flask\n"})
    assert "quart_flask_patch" not in out["app.py"].text and "QFY143" not in out["app.py"].codes()

"""Every module quartify's edits import is installed by the project's dependency files after the
run, or a QFY127 finding says which requirement is missing (quartify.deps.provided)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from textwrap import dedent

import pytest

from quartify.core.config import Options
from quartify.core.finish import Finished, finish
from quartify.core.pipeline import migrate_paths
from quartify.core.types import FileResult, Status
from quartify.deps.declared import declared_names
from quartify.deps.provided import added_imports, check_imports, wanted
from quartify.rules.extensions import Strategy

APP = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"
"""
PATCHED = """\
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


@app.route("/")
def index():
    return str(db.session.execute(db.text("select 1")).scalar())
"""
FORMS = """\
from flask import Flask
from flask_wtf import FlaskForm
from wtforms import StringField

app = Flask(__name__)


class NameForm(FlaskForm):
    name = StringField()


@app.route("/", methods=["POST"])
def index():
    form = NameForm()
    return "ok" if form.validate_on_submit() else "no"
"""


def run(tmp_path: Path, files: dict[str, str], extensions: Strategy = Strategy.NATIVE) -> Finished:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(dedent(text), encoding="utf-8")
    result = migrate_paths([tmp_path], Options(extensions=extensions))
    return finish(result, tmp_path.resolve(), format_code=False, run_typecheck=False, python_executable=None,
                  whole_tree=True)


def qfy127(done: Finished) -> list[str]:
    return [f.message for f in done.result.all_findings() if f.code == "QFY127"]


def test_a_requirements_file_that_gets_quart_provides_every_import(tmp_path: Path) -> None:
    done = run(tmp_path, {"app.py": APP, "requirements.txt": "flask>=3\n"})
    assert done.imports.written == ("quart",)
    assert done.imports.all_provided and qfy127(done) == []


def test_a_project_without_dependency_files_gets_a_requirements_file_naming_what_it_imports(tmp_path: Path) -> None:
    done = run(tmp_path, {"app.py": APP})
    [written] = [f for f in done.result.files if f.path.name == "requirements.txt"]
    assert written.status is Status.CHANGED and "quart>=0.22\n" in (written.new_source or "")
    assert done.imports.all_provided and qfy127(done) == []
    assert [f.code for f in done.result.all_findings() if f.code == "QFY128"] == ["QFY128"]


def test_a_project_whose_tests_became_async_gets_pytest_asyncio_in_the_written_file(tmp_path: Path) -> None:
    test = "from app import app\n\n\ndef test_home():\n    assert app.test_client().get('/').status_code == 200\n"
    done = run(tmp_path, {"app.py": APP, "test_app.py": test})
    [written] = [f for f in done.result.files if f.path.name == "requirements.txt"]
    assert (written.new_source or "").splitlines()[1:] == ["pytest-asyncio>=0.24", "quart>=0.22"]


def test_a_run_on_some_files_of_a_project_never_adds_a_dependency_file(tmp_path: Path, quartify_cmd: list[str]) -> None:
    (tmp_path / ".git").mkdir()  # a project: the app file is passed alone, as pre-commit does
    (tmp_path / "app.py").write_text(dedent(APP), encoding="utf-8")
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    proc = subprocess.run([*quartify_cmd, "migrate", "app.py"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "requirements.txt").exists()
    assert "warning QFY127" in proc.stderr


def test_a_project_whose_only_dependency_file_quartify_cannot_edit_is_told_what_to_install(tmp_path: Path) -> None:
    done = run(tmp_path, {"app.py": APP, "Pipfile": "[packages]\nflask = '*'\n"})
    assert done.imports.unprovided == ("quart",)
    assert not any(f.path.name == "requirements.txt" for f in done.result.files)
    [message] = qfy127(done)
    assert "no dependency file quartify can edit" in message and "`quart>=0.22`" in message
    [finding] = [f for f in done.result.all_findings() if f.code == "QFY127"]
    assert (finding.path, finding.line) == ("app.py", 1)


def test_the_patch_route_writes_quart_flask_patch_where_quart_goes(tmp_path: Path) -> None:
    done = run(tmp_path, {"app.py": PATCHED, "requirements.txt": "flask\nflask-sqlalchemy\n"}, Strategy.PATCH)
    assert "quart_flask_patch" in done.imports.written
    assert done.imports.all_provided, done.imports


def test_a_port_is_provided_by_the_requirement_the_run_wrote(tmp_path: Path) -> None:
    done = run(tmp_path, {"app.py": FORMS, "pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask", "flask-wtf"]\n'})
    assert {"quart", "quart_wtf"} <= set(done.imports.written)
    assert done.imports.all_provided, done.imports


def test_a_setup_py_whose_requirements_are_computed_cannot_provide_quart(tmp_path: Path) -> None:
    setup = "from setuptools import setup\nsetup(name='x', install_requires=open('deps.txt').read().split())\n"
    done = run(tmp_path, {"app.py": APP, "setup.py": setup})
    [message] = qfy127(done)
    assert "none of the project's dependency files (setup.py) installs it" in message


def test_an_import_a_file_already_had_is_not_the_runs_to_provide(tmp_path: Path) -> None:
    already = "import quart\nfrom flask import Flask\n\napp = Flask(__name__)\n"
    done = run(tmp_path, {"app.py": already})
    assert "quart" not in done.imports.written


def test_one_finding_per_module_names_how_many_files_import_it(tmp_path: Path) -> None:
    done = run(tmp_path, {"app.py": APP, "other.py": APP.replace("index", "other"), "Pipfile": "[packages]\n"})
    [message] = qfy127(done)
    assert "`quart` (and 1 more file)" in message


def test_added_imports_are_top_level_modules_new_to_the_file() -> None:
    old = "import os\nfrom flask import Flask\nfrom . import views\n"
    new = "import os\nimport quart.cli\nfrom quart import Quart\nfrom quart_flask_patch import x\nfrom . import views\n"
    assert added_imports(old, new) == {"quart": 2, "quart_flask_patch": 4}


@pytest.mark.parametrize(
    ("module", "dist"),
    [("quart", "quart"), ("quart_wtf", "quart-wtforms"), ("quart_cors", "quart-cors"),
     ("quart_flask_patch", "quart-flask-patch"), ("dotenv", "python-dotenv"), ("httpx", "httpx")],
)
def test_modules_map_to_the_distribution_that_installs_them(module: str, dist: str) -> None:
    assert wanted(module).dist == dist


def test_the_brought_requirements_count_as_provided(tmp_path: Path) -> None:
    requirements = FileResult(tmp_path / "requirements.txt", Status.UNCHANGED, "quart>=0.22\n")
    edited = FileResult(tmp_path / "app.py", Status.CHANGED, "", "import click\nimport werkzeug\nimport httpx\n")
    check = check_imports((requirements, edited), tmp_path)
    assert check.written == ("click", "httpx", "werkzeug")
    assert check.unprovided == ("httpx",)


# --- what each format declares ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "names"),
    [
        ({"requirements-dev.txt": "-r requirements/base.txt\npytest  # tests\n",
          "requirements/base.txt": "quart>=0.22 ; python_version >= '3.10'\n-c constraints.txt\n",
          "constraints.txt": "httpx==1\n"}, {"pytest", "quart"}),
        ({"requirements.txt": "--requirement=more.txt\n-e .\n", "more.txt": "Quart_CORS\n"}, {"quart-cors"}),
        ({"pyproject.toml": dedent("""\
            [project]
            dependencies = ["quart>=0.22"]
            optional-dependencies = {test = ["pytest-asyncio"]}
            [dependency-groups]
            dev = ["ruff"]
            [tool.poetry.dependencies]
            python = "^3.11"
            Quart-WTForms = "^1.0"
            [tool.poetry.group.test.dependencies]
            pytest = "*"
            """)}, {"quart", "pytest-asyncio", "ruff", "quart-wtforms", "pytest"}),
        ({"setup.py": dedent("""\
            from setuptools import setup
            REQS = ["quart>=0.22", "quart-flask-patch>=0.3"]
            setup(install_requires=REQS, extras_require={"test": ["pytest"]}, tests_require=("mock",))
            """)}, {"quart", "quart-flask-patch", "pytest", "mock"}),
        ({"setup.cfg": "[options]\ninstall_requires =\n    quart>=0.22\n    click\n[options.extras_require]\n"
                       "test = pytest\n"}, {"quart", "click", "pytest"}),
    ],
    ids=["requirements-includes", "requirement-option", "pyproject", "setup.py", "setup.cfg"],
)
def test_each_format_declares_its_requirements(files: dict[str, str], names: set[str]) -> None:
    roots = [p for p in files if "/" not in p and p != "constraints.txt" and p != "more.txt"]
    assert declared_names(roots, files.get) == names


def test_imports_anywhere_in_a_module_are_found_with_their_first_line() -> None:
    from quartify.deps.provided import top_level_imports

    source = dedent("""\
        import os.path
        try:
            import ujson as json
        except ImportError:
            import json
        def f():
            if True:
                from httpx import AsyncClient
            with open("x") as fh:
                import aiofiles
        class A:
            import re
        match 1:
            case 1:
                import zlib
        import os
        from . import local
        """)
    assert top_level_imports(source) == {"os": 1, "ujson": 3, "json": 5, "httpx": 8, "aiofiles": 10, "re": 12,
                                         "zlib": 15}


def test_verification_hands_the_check_the_same_added_imports_it_would_read_from_the_texts(tmp_path: Path) -> None:
    for name, text in {"app.py": PATCHED, "forms.py": FORMS}.items():
        (tmp_path / name).write_text(dedent(text), encoding="utf-8")
    result = migrate_paths([tmp_path], Options())
    # The migrated modules (a file quartify adds, like the compat module, is read by the check itself).
    migrated = [f for f in result.files if f.new_source is not None and f.old_source]
    assert {f.path.name for f in migrated} == {"app.py", "forms.py"}
    for f in migrated:
        assert f.added_imports is not None
        assert dict(f.added_imports) == added_imports(f.old_source, f.new_source)

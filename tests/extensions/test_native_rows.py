"""Proofs of the native rows: a tiny Flask app of our own per extension, with its Flask test
suite, passes under Flask; quartify migrates it; the converted suite passes under Quart with the
port at the version floor the matrix writes, and the migrated requirements name that port.

One extra directory is installed per session (`--no-deps --target`, beside this interpreter's
Flask and Quart): the Flask extensions and the ports at their floors, which shadow any newer
port installed in the environment. It needs PyPI, like tests/test_forms_runtime.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from quartify.rules.extensions import by_dist

NATIVE = ("flask-cors", "flask-bcrypt")


def _floor(dist: str) -> str:
    row = by_dist(dist)
    assert row is not None and row.requirement is not None
    return row.requirement.replace(">=", "==")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Flask-CORS, Flask-Bcrypt and the ports at the matrix's floors, in a directory of their own."""
    target = tmp_path_factory.mktemp("extension-site")
    specs = [*NATIVE, *(_floor(dist) for dist in NATIVE)]
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), *specs],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


def _pytest(directory: Path, site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(directory), str(site)])}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, "test_app.py"],
        cwd=directory, capture_output=True, text=True, env=env, check=False,
    )


def prove(tmp_path: Path, site: Path, files: dict[str, str], tests: int) -> dict[str, str]:
    """Run the Flask suite, migrate, run the converted suite; return the migrated files."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    flask_run = _pytest(tmp_path, site, "-p", "no:asyncio")
    assert flask_run.returncode == 0 and f"{tests} passed" in flask_run.stdout, flask_run.stdout + flask_run.stderr
    migrate = subprocess.run([sys.executable, "-m", "quartify", "migrate", str(tmp_path)],
                             capture_output=True, text=True, check=False)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    quart_run = _pytest(tmp_path, site, "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function")
    assert quart_run.returncode == 0 and f"{tests} passed" in quart_run.stdout, quart_run.stdout + quart_run.stderr
    return {name: (tmp_path / name).read_text(encoding="utf-8") for name in files}


CORS_APP = '''\
from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
CORS(app)


@app.route("/items")
def items():
    return jsonify(["a", "b"])
'''
CORS_TESTS = '''\
from app import app


def test_a_cross_origin_get_is_allowed():
    client = app.test_client()
    response = client.get("/items", headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    # Flask-CORS 6 echoes the origin, Quart-CORS answers "*": both allow it
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://example.org")
    assert response.get_json() == ["a", "b"]


def test_a_same_origin_get_still_answers():
    response = app.test_client().get("/items")
    assert response.get_json() == ["a", "b"]
'''


def test_flask_cors(tmp_path: Path, site: Path) -> None:
    out = prove(tmp_path, site, {"app.py": CORS_APP, "test_app.py": CORS_TESTS, "requirements.txt": "flask\nflask-cors\n"}, 2)
    assert "from quart_cors import cors" in out["app.py"] and "app = cors(app)" in out["app.py"]
    assert out["requirements.txt"] == f"quart>=0.22\n{by_dist('flask-cors').requirement}\n"  # type: ignore[union-attr]


BCRYPT_APP = '''\
from flask import Flask, request
from flask_bcrypt import Bcrypt

app = Flask(__name__)
app.config["BCRYPT_LOG_ROUNDS"] = 4
bcrypt = Bcrypt(app)
USERS = {}


@app.route("/register", methods=["POST"])
def register():
    USERS[request.form["name"]] = bcrypt.generate_password_hash(request.form["password"])
    return "registered"


@app.route("/login", methods=["POST"])
def login():
    hashed = USERS.get(request.form["name"])
    if hashed is not None and bcrypt.check_password_hash(hashed, request.form["password"]):
        return "welcome"
    return "no", 401
'''
BCRYPT_TESTS = '''\
from app import app


def test_a_registered_user_logs_in_with_the_right_password_only():
    client = app.test_client()
    assert client.post("/register", data={"name": "ann", "password": "s3cret"}).status_code == 200
    assert client.post("/login", data={"name": "ann", "password": "s3cret"}).get_data(as_text=True) == "welcome"
    assert client.post("/login", data={"name": "ann", "password": "wrong"}).status_code == 401


def test_an_unknown_user_is_refused():
    assert app.test_client().post("/login", data={"name": "bob", "password": "x"}).status_code == 401
'''


def test_flask_bcrypt(tmp_path: Path, site: Path) -> None:
    files = {"app.py": BCRYPT_APP, "test_app.py": BCRYPT_TESTS, "requirements.txt": "flask\nFlask-Bcrypt>=1.0\n"}
    out = prove(tmp_path, site, files, 2)
    assert "from quart_bcrypt import Bcrypt" in out["app.py"]
    assert out["requirements.txt"] == f"quart>=0.22\n{by_dist('flask-bcrypt').requirement}\n"  # type: ignore[union-attr]

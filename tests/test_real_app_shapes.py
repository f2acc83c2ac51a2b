"""Shapes found in real apps (docs/compatibility-history.md), each reduced to a few lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from tests.helpers import write_tree


def migrate(root: Path) -> dict[str, str]:
    subprocess.run([sys.executable, "-m", "quartify", "migrate", str(root)], check=True, capture_output=True)
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*") if p.is_file()}


def run_pytest(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)})


APP = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get('/')\ndef index():\n    return 'hi'\n"


def test_unittest_base_class_switches_when_subclasses_get_async_tests(tmp_path: Path) -> None:
    out = migrate(write_tree(tmp_path, {
        "app.py": APP,
        "test_app.py": (
            "import unittest\n\nfrom app import app\n\n\n"
            "class Base(unittest.TestCase):\n    def setUp(self):\n        self.client = app.test_client()\n\n\n"
            "class PagesTest(Base):\n    def test_index(self):\n        self.assertEqual(self.client.get('/').data, b'hi')\n\n"
            "    def test_missing(self):\n        self.assertEqual(self.client.get('/nope').status_code, 404)\n"
        ),
    }))
    assert "class Base(unittest.IsolatedAsyncioTestCase):" in out["test_app.py"]
    proc = run_pytest(tmp_path)
    assert proc.returncode == 0 and "2 passed" in proc.stdout, proc.stdout


def test_pytest_ini_is_written_when_the_project_configures_pytest_nowhere(tmp_path: Path) -> None:
    out = migrate(write_tree(tmp_path, {
        "app.py": APP,
        "test_app.py": "from app import app\n\n\ndef test_index():\n    assert app.test_client().get('/').data == b'hi'\n",
    }))
    assert "asyncio_mode = auto" in out["pytest.ini"]
    assert run_pytest(tmp_path).returncode == 0


def test_decorator_factory_applied_by_call_wraps_an_async_view(tmp_path: Path) -> None:
    out = migrate(write_tree(tmp_path, {"app.py": (
        "import functools\nfrom flask import Flask, abort, request\n\napp = Flask(__name__)\n\n\n"
        "def require_key(key):\n    def decorator(view):\n        @functools.wraps(view)\n"
        "        def wrapper(*args, **kwargs):\n            if request.args.get('key') != key:\n                abort(403)\n"
        "            return view(*args, **kwargs)\n        return wrapper\n    return decorator\n\n\n"
        "def echo():\n    return 'echo'\n\n\napp.add_url_rule('/echo', view_func=require_key('k')(echo))\n"
    )}))
    # The wrapper is the view: async, awaiting what it wraps only when that gives an awaitable.
    # `echo`, applied by a call, keeps its own name and reaches nothing async: it stays sync.
    assert "async def wrapper(" in out["app.py"]
    assert "(await _quartify_rv) if inspect.isawaitable(_quartify_rv := view(*args, **kwargs))" in out["app.py"]
    assert "\ndef echo():" in out["app.py"]


def test_star_reexported_app_types_the_test_client(tmp_path: Path) -> None:
    out = migrate(write_tree(tmp_path, {
        "pkg/__init__.py": "from .core import *  # noqa: F403\n",
        "pkg/core.py": APP,
        "test_pkg.py": "import pkg\n\n\ndef test_index():\n    assert pkg.app.test_client().get('/').status_code == 200\n",
    }))
    assert "assert (await pkg.app.test_client().get('/')).status_code == 200" in out["test_pkg.py"]


def test_flask_only_request_attributes_are_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": APP.replace("return 'hi'", "return request.environ.get('SERVER_SOFTWARE', '')").replace(
        "import Flask", "import Flask, request")})
    findings = migrate_paths([tmp_path], Options()).all_findings()
    assert [(f.code, f.line) for f in findings if f.code == "QFY150"] == [("QFY150", 8)]


def test_a_test_double_does_not_turn_the_shipped_client_async(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "client.py": "class ApiClient:\n    def get_raw(self, path):\n        raise NotImplementedError\n\n"
                     "    def get_text(self, path):\n        return self.get_raw(path).decode()\n",
        "app.py": APP,
        "tests.py": "from app import app\nfrom client import ApiClient\n\n\nclass InProcess(ApiClient):\n"
                    "    def get_raw(self, path):\n        return app.test_client().get(path).data\n",
    })
    result = migrate_paths([tmp_path], Options())
    shipped = next(f for f in result.files if f.path.name == "client.py")
    assert shipped.new_source is None  # client.py keeps its sync methods
    assert [f.code for f in result.all_findings() if f.path == "tests.py"] == ["QFY106"]


def test_raw_text_bodies_are_not_mistaken_for_dicts(tmp_path: Path) -> None:
    write_tree(tmp_path, {"test_bodies.py": (
        "import json\n\nimport pytest\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n"
        "@pytest.fixture\ndef client():\n    return app.test_client()\n\n\n"
        "@pytest.mark.parametrize('body', ['a', 'b'])\ndef test_param(client, body):\n    client.post('/', data=body)\n\n\n"
        "def test_vars(client, thing):\n    payload = json.dumps({'a': 1})\n    client.post('/', data=payload)\n"
        "    client.post('/', data=thing)\n"
    )})
    findings = migrate_paths([tmp_path], Options()).all_findings()
    assert [(f.code, f.line) for f in findings if f.code == "QFY130"] == [("QFY130", 22)]  # only `thing`


def test_a_decorator_applied_in_a_registration_loop_awaits_only_what_is_awaitable(tmp_path: Path) -> None:
    out = migrate(write_tree(tmp_path, {
        "app.py": (
            "from functools import wraps\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
            "def auth(fn):\n    @wraps(fn)\n    def inner(*args, **kwargs):\n"
            "        if request.headers.get('key') != 'k':\n            return {'error': 'bad key'}, 401\n"
            "        return fn(*args, **kwargs)\n    return inner\n\n\n"
            "def show():\n    return {'ok': True}\n\n\n@auth\ndef decorated():\n    return {'decorated': True}\n\n\n"
            "for url, view in (('/show', show),):\n    app.add_url_rule(url, view.__name__, view_func=auth(view))\n"
            "app.add_url_rule('/decorated', view_func=decorated)\n"
        ),
        "test_app.py": (
            "from app import app\n\n\ndef test_show():\n"
            "    assert app.test_client().get('/show', headers={'key': 'k'}).json == {'ok': True}\n\n\n"
            "def test_decorated():\n"
            "    assert app.test_client().get('/decorated', headers={'key': 'k'}).json == {'decorated': True}\n"
        ),
    }))
    # `show` reaches the wrapper through a loop variable and stays sync; `decorated` is async.
    assert "inspect.isawaitable(_quartify_rv := fn(*args, **kwargs))" in out["app.py"]
    proc = run_pytest(tmp_path)
    assert proc.returncode == 0 and "2 passed" in proc.stdout, proc.stdout
    again = subprocess.run([sys.executable, "-m", "quartify", "migrate", "--check", str(tmp_path)], capture_output=True)
    assert again.returncode == 0

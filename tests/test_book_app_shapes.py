"""Shapes from book and video-course apps (corpus: oreilly-orders), each reduced to a few lines and
run under Quart after migration: a package that re-exports a submodule's function under the
submodule's name, a repo decorator stacked above a library's, and a request dispatched by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from quartify.analysis.index import index_source
from quartify.analysis.link import Linker
from tests.helpers import write_tree


def migrate(root: Path) -> dict[str, str]:
    subprocess.run([sys.executable, "-m", "quartify", "migrate", "--no-cache", str(root)], check=True,
                   capture_output=True)
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.py")}


def run_pytest(root: Path, *extra_path: Path) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(str(p) for p in (root, *extra_path))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error::RuntimeWarning"],
                          cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": path})


def check_again(root: Path) -> int:
    return subprocess.run([sys.executable, "-m", "quartify", "migrate", "--check", "--no-cache", str(root)],
                          capture_output=True).returncode


AS_JSON = (
    "import functools\n\nfrom flask import jsonify\n\n\n"
    "def json(f):\n    @functools.wraps(f)\n    def wrapped(*args, **kwargs):\n"
    "        rv = f(*args, **kwargs)\n        status = 200\n"
    "        if isinstance(rv, tuple):\n            rv, status = rv\n"
    "        response = jsonify(rv)\n        response.status_code = status\n        return response\n"
    "    return wrapped\n"
)


def test_a_package_reexporting_a_submodules_function_under_its_name(tmp_path: Path) -> None:
    # `shop/decorators/__init__.py` does `from .json import json`: Python rebinds the package's
    # `json` from the submodule to the function, so `@json` (and `@decorators.json`) wrap views.
    out = migrate(write_tree(tmp_path, {
        "shop/__init__.py": "",
        "shop/decorators/__init__.py": "from .json import json\n",
        "shop/decorators/json.py": AS_JSON,
        "shop/views.py": (
            "from flask import Flask, request\n\nfrom shop import decorators\nfrom .decorators import json\n\n"
            "app = Flask(__name__)\n\n\n"
            "@app.route('/items', methods=['POST'])\n@json\ndef new_item():\n"
            "    return {'name': request.json['name']}, 201\n\n\n"
            "@app.route('/ping')\n@decorators.json\ndef ping():\n    return {'ping': request.args['q']}\n"
        ),
        "test_views.py": (
            "import unittest\n\nfrom shop.views import app\n\n\n"
            "class ViewsTest(unittest.TestCase):\n    def setUp(self):\n        self.client = app.test_client()\n\n"
            "    def test_new_item(self):\n        response = self.client.post('/items', json={'name': 'pen'})\n"
            "        self.assertEqual(response.status_code, 201)\n        self.assertEqual(response.json, {'name': 'pen'})\n\n"
            "    def test_ping(self):\n        self.assertEqual(self.client.get('/ping?q=x').json, {'ping': 'x'})\n"
        ),
    }))
    assert "    async def wrapped(*args, **kwargs):\n        rv = await f(*args, **kwargs)\n" in out["shop/decorators/json.py"]
    proc = run_pytest(tmp_path)
    assert proc.returncode == 0 and "2 passed" in proc.stdout, proc.stdout + proc.stderr
    assert check_again(tmp_path) == 0


def test_the_linker_reads_a_rebound_submodule_name_as_the_package_binding() -> None:
    modules = [
        index_source("", "shop/__init__.py", "shop", True),
        index_source("from .json import json\nfrom . import views\n", "shop/decorators/__init__.py", "shop.decorators", True),
        index_source("def json(f):\n    return f\n", "shop/decorators/json.py", "shop.decorators.json", False),
        index_source("def views():\n    pass\n", "shop/decorators/views.py", "shop.decorators.views", False),
    ]
    linker = Linker(modules)
    assert linker.resolve("shop.decorators.json") == "shop.decorators.json.json"
    assert linker.resolve("shop.decorators.json.json") == "shop.decorators.json.json"
    # `from . import views` binds the submodule itself: it stays the module.
    assert linker.resolve("shop.decorators.views") == "shop.decorators.views"
    assert linker.resolve("shop.decorators.views.views") == "shop.decorators.views.views"


def test_a_decorator_over_a_library_decorator_awaits_only_what_is_awaitable(tmp_path: Path) -> None:
    # A library's sync wrapper (outside the migrated tree, already reading Quart's request) answers
    # early with a plain tuple, as Flask-HTTPAuth's does on a failed login, and otherwise hands
    # back the view's coroutine.
    vendor = write_tree(tmp_path / "vendor", {"keycheck.py": (
        "import functools\n\nfrom quart import request\n\n\n"
        "def required(f):\n    @functools.wraps(f)\n    def inner(*args, **kwargs):\n"
        "        if request.headers.get('key') != 'k':\n            return {'error': 'no key'}, 401\n"
        "        return f(*args, **kwargs)\n    return inner\n"
    )})
    project = write_tree(tmp_path / "project", {
        "shop/__init__.py": "",
        "shop/deco.py": AS_JSON,
        "shop/views.py": (
            "from flask import Flask, request\n\nimport keycheck\nfrom shop.deco import json\n\napp = Flask(__name__)\n\n\n"
            "@app.route('/secret')\n@json\n@keycheck.required\ndef secret():\n    return {'q': request.args['q']}\n"
        ),
        "test_views.py": (
            "from shop.views import app\n\n\n"
            "def test_with_key():\n    response = app.test_client().get('/secret?q=x', headers={'key': 'k'})\n"
            "    assert response.status_code == 200 and response.json == {'q': 'x'}\n\n\n"
            "def test_without_key():\n    response = app.test_client().get('/secret?q=x')\n"
            "    assert response.status_code == 401 and response.json == {'error': 'no key'}\n"
        ),
    })
    out = migrate(project)
    assert "inspect.isawaitable(_quartify_rv := f(*args, **kwargs))" in out["shop/deco.py"]
    proc = run_pytest(project, vendor)
    assert proc.returncode == 0 and "2 passed" in proc.stdout, proc.stdout + proc.stderr


def test_a_request_dispatched_by_hand_inside_a_test_request_context(tmp_path: Path) -> None:
    # A test helper that drives the request cycle itself instead of the test client: each step is
    # a coroutine in Quart, and what process_response returns is a response (`.data` is awaited).
    # (On an error path Quart's make_response turns the HTTPException into a Werkzeug response,
    # whose `.data` is plain bytes: the 404 reads only the status.)
    out = migrate(write_tree(tmp_path, {
        "app.py": (
            "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
            "@app.route('/hello')\ndef hello():\n    return 'hello ' + request.args.get('who', 'you')\n"
        ),
        "caller.py": (
            "class Caller:\n    def __init__(self, app):\n        self.app = app\n\n"
            "    def call(self, url):\n        with self.app.test_request_context(url):\n"
            "            try:\n                rv = self.app.preprocess_request()\n"
            "                if rv is None:\n                    rv = self.app.dispatch_request()\n"
            "            except Exception as e:\n                rv = self.app.handle_user_exception(e)\n"
            "            rv = self.app.make_response(rv)\n            return self.app.process_response(rv)\n\n"
            "    def text(self, url):\n        rv = self.call(url)\n        return rv.status_code, rv.data\n"
        ),
        "test_app.py": (
            "import unittest\n\nfrom app import app\nfrom caller import Caller\n\n\n"
            "class DispatchTest(unittest.TestCase):\n    def setUp(self):\n        self.caller = Caller(app)\n\n"
            "    def test_hello(self):\n        self.assertEqual(self.caller.text('/hello?who=me'), (200, b'hello me'))\n\n"
            "    def test_missing(self):\n        self.assertEqual(self.caller.call('/nowhere').status_code, 404)\n"
        ),
    }))
    assert "rv = await self.app.dispatch_request()" in out["caller.py"]
    assert "rv = await self.app.handle_user_exception(e)" in out["caller.py"]
    assert "return rv.status_code, await rv.data\n" in out["caller.py"]  # what process_response returns
    proc = run_pytest(tmp_path)
    assert proc.returncode == 0 and "2 passed" in proc.stdout, proc.stdout + proc.stderr
    assert check_again(tmp_path) == 0


def test_a_thread_target_entering_the_app_context_is_reported(tmp_path: Path) -> None:
    # The Flask book's mail helper: the app goes to the thread through `args=`, and the thread
    # enters its context with a plain `with`, which Quart's AppContext does not support. The
    # target must stay sync (a thread runs it): quartify cannot rewrite it, so it says so.
    write_tree(tmp_path, {"mailer.py": (
        "from threading import Thread\n\nfrom flask import Flask, current_app\n\napp = Flask(__name__)\n"
        "outbox = []\n\n\n"
        "def send_async(app, msg, *, tag):\n    with app.app_context():\n        outbox.append((msg, tag))\n\n\n"
        "def send(msg):\n    app = current_app._get_current_object()\n"
        "    thr = Thread(target=send_async, args=(app, msg), kwargs={'tag': 'mail'})\n    thr.start()\n    return thr\n\n\n"
        "@app.route('/')\ndef index():\n    send('hi')\n    return 'ok'\n"
    )})
    proc = subprocess.run([sys.executable, "-m", "quartify", "migrate", "--check", "--no-cache", "-v", str(tmp_path)],
                          capture_output=True, text=True)
    assert ":10:5: QFY102 this `with` needs `async with` under Quart, but `mailer.send_async` must stay sync" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert "it enters app.app_context(), an async context manager in Quart" in proc.stdout + proc.stderr


def test_thread_arguments_type_the_targets_parameters() -> None:
    source = (
        "import threading\nfrom flask import current_app\n\n\n"
        "def work(app, n, *, label):\n    pass\n\n\n"
        "def start():\n    app = current_app._get_current_object()\n"
        "    threading.Thread(target=work, args=[app, 1], kwargs={'label': current_app}).start()\n"
    )
    linker = Linker([index_source(source, "jobs.py", "jobs", False)])
    assert linker.resolve("@param:jobs.work:app.app_context") == "flask.Flask().app_context"
    assert linker.resolve("@param:jobs.work:label") == "flask.Flask()"


def test_a_call_passed_as_an_argument_types_the_parameter_by_its_result() -> None:
    # The Mega-Tutorial spelling of the mail thread hands the app over as a call's result.
    source = (
        "from threading import Thread\nfrom flask import current_app\n\n\n"
        "def send_async(app, msg):\n    pass\n\n\n"
        "def send(msg):\n    Thread(target=send_async, args=(current_app._get_current_object(), msg)).start()\n"
    )
    linker = Linker([index_source(source, "mail.py", "mail", False)])
    assert linker.resolve("@param:mail.send_async:app.app_context") == "flask.Flask().app_context"

"""Which `with` blocks can move into a nested function unchanged (analysis/closure_body.py), and
what the app factory planner does with the ones that cannot (QFY102 stays)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from quartify.analysis.closure_body import movable_into_closure
from tests.helpers import migrate_one, output_of


def _first_with(body: str) -> tuple[ast.With, ast.FunctionDef]:
    tree = ast.parse("def create_app(app, items):\n" + textwrap.indent(textwrap.dedent(body), "    "))
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    found = next(n for n in ast.walk(function) if isinstance(n, ast.With))
    return found, function


@pytest.mark.parametrize("body", [
    "with app.app_context():\n    db.create_all()\n",
    "with app.app_context():\n    app.config['N'] = len(items)\n    registry[app.name] = app\n",
    "with app.app_context():\n    for model in items:\n        admin.add(model)\n        if model.skip:\n            continue\n",
    "with app.app_context():\n    from .models import User\n    seed(User)\n",
    "with app.app_context():\n    try:\n        db.create_all()\n    except OSError as error:\n        log(error)\n",
    "with app.app_context():\n    names = [m.name for m in items if m]\n    app.config['NAMES'] = names\n",
    "for x in items:\n    with app.app_context():\n        load(x)\n",
], ids=["call", "stores_into_objects", "local_loop", "local_import", "except_name", "comprehension"] + ["inside_a_loop"])
def test_a_block_that_only_reads_the_function_can_move(body: str) -> None:
    stmt, function = _first_with(body)
    assert movable_into_closure(stmt, function)


@pytest.mark.parametrize("body", [
    "with app.app_context() as ctx:\n    load(ctx)\n",
    "with app.app_context():\n    count = db.count()\nreturn count\n",
    "with app.app_context():\n    items = load()\n",
    "with app.app_context():\n    return app\n",
    "for x in items:\n    with app.app_context():\n        if x:\n            break\n",
    "with app.app_context():\n    global ready\n    ready = True\n",
    "with app.app_context():\n    if (n := count()):\n        load(n)\n",
    "with app.app_context():\n    def helper():\n        pass\n    helper()\n",
    "with app.app_context():\n    for x in items:\n        load(x)\nprint(x)\n",
], ids=["as_target", "name_read_after", "rebinds_a_parameter", "return", "break_out", "global", "walrus",
        "nested_def", "loop_name_read_after"])
def test_a_block_that_binds_what_the_function_sees_or_leaves_it_stays(body: str) -> None:
    stmt, function = _first_with(body)
    assert not movable_into_closure(stmt, function)


FACTORY = '''from flask import Flask


def create_app():
    app = Flask(__name__)
    with app.app_context():
        tables = db.create_all()
    app.config["TABLES"] = tables
    return app
'''


def test_a_factory_block_that_cannot_move_is_left_and_reported() -> None:
    result = migrate_one(FACTORY, "factory.py")
    assert "    with app.app_context():\n        tables = db.create_all()\n" in output_of(result)
    assert [f.code for f in result.findings if f.code in ("QFY102", "QFY108")] == ["QFY102"]


def test_a_factory_block_that_can_move_runs_from_a_worker_thread() -> None:
    result = migrate_one(FACTORY.replace("tables = db.create_all()", "db.create_all()").replace(
        '    app.config["TABLES"] = tables\n', ""), "factory.py")
    text = output_of(result)
    assert "    async def _in_app_context():\n        async with app.app_context():\n            db.create_all()\n" in text
    assert "    ThreadPoolExecutor(1).submit(asyncio.run, _in_app_context()).result()\n" in text
    assert [f.code for f in result.findings if f.code in ("QFY102", "QFY108")] == ["QFY108"]


def test_a_factory_block_holding_something_to_await_is_left_and_reported() -> None:
    source = FACTORY.replace("tables = db.create_all()", 'app.config["HOME"] = render_template("home.html")').replace(
        '    app.config["TABLES"] = tables\n', "").replace("import Flask", "import Flask, render_template")
    result = migrate_one(source, "factory.py")
    assert "    with app.app_context():\n" in output_of(result)
    assert "QFY102" in [f.code for f in result.findings]
    assert "QFY108" not in [f.code for f in result.findings]

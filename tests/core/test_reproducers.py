"""Issue 12's reproducers 1 and 2, each the smallest program that broke, run through the core."""

from __future__ import annotations

from quartify.core.types import Status
from tests.helpers import assert_valid_async, migrate_one


def test_a_function_local_flask_import_renames_its_uses() -> None:
    source = "def create_app():\n    from flask import Flask\n    app = Flask(__name__)\n    return app\n"
    out = migrate_one(source, "factory.py").new_source
    assert out == "def create_app():\n    from quart import Quart\n    app = Quart(__name__)\n    return app\n"


def test_a_function_local_module_import_renames_attribute_uses() -> None:
    source = "def create_app():\n    import flask\n    return flask.Flask(__name__)\n"
    out = migrate_one(source, "factory.py").new_source
    assert out == "def create_app():\n    import quart\n    return quart.Quart(__name__)\n"


def test_a_local_name_that_is_not_an_import_is_not_renamed() -> None:
    source = "from flask import Flask\n\n\ndef shadow():\n    Flask = dict\n    return Flask()\n"
    out = migrate_one(source, "shadow.py").new_source or ""
    assert "    Flask = dict\n    return Flask()\n" in out


def test_a_class_body_import_renames_its_uses() -> None:
    source = "class Factory:\n    from flask import Flask\n    app = Flask('x')\n"
    assert migrate_one(source, "k.py").new_source == "class Factory:\n    from quart import Quart\n    app = Quart('x')\n"


STREAMED = """\
from flask import Flask, request, stream_with_context

app = Flask(__name__)


@app.route("/s")
def stream():
    def gen():
        yield request.args["x"]
        return "done"
    return stream_with_context(gen())
"""


def test_a_streamed_generator_returning_a_value_drops_the_value() -> None:
    result = migrate_one(STREAMED, "app.py")
    assert result.status is Status.CHANGED
    out = result.new_source or ""
    assert "    async def gen():\n        yield request.args[\"x\"]\n        return\n" in out
    assert_valid_async(out)
    assert [f.code for f in result.findings] == ["QFY107"]


def test_a_returned_value_with_effects_is_still_evaluated() -> None:
    out = migrate_one(STREAMED.replace('return "done"', "return log()"), "app.py").new_source or ""
    assert "        log(); return\n" in out
    assert_valid_async(out)


def test_a_helper_generator_returning_a_value_stays_sync_with_a_finding() -> None:
    source = (
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
        "def rows():\n    yield request.form\n    return 3\n\n\n"
        "@app.route('/')\ndef view():\n    return str(list(rows()))\n"
    )
    result = migrate_one(source, "app.py")
    out = result.new_source or ""
    assert "def rows():" in out and "async def rows" not in out
    assert_valid_async(out)
    qfy101 = [f for f in result.findings if f.code == "QFY101"]
    assert qfy101 and "generator that returns a value" in qfy101[0].message

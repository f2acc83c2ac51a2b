"""Findings the app-side shapes of issue 10 leave where a rewrite cannot be made safely: a
coroutine must never silently stand where a value is expected."""

from __future__ import annotations

from tests.helpers import migrate_one, output_of

STAMPED = '''from decorator import decorator
from flask import Flask, g, render_template_string

app = Flask(__name__)


@decorator
def stamped(view, *args, **kwargs):
    g.stamp = "s"
    return view(*args, **kwargs)


@app.route("/a")
@stamped
def a():
    return render_template_string("x")


@stamped
def allowed():
    return True


CHECKS = [allowed]


def gate():
    if allowed():
        return "yes"
'''


def test_a_sync_def_under_a_decorator_that_became_async_is_flagged() -> None:
    result = migrate_one(STAMPED)
    assert "async def stamped(" in output_of(result) and "\ndef allowed():" in output_of(result)
    flagged = [f for f in result.findings if f.code == "QFY109"]
    assert [(f.line, "allowed" in f.message) for f in flagged] == [(20, True)]


def test_a_decorated_view_is_not_flagged() -> None:
    result = migrate_one(STAMPED.replace("CHECKS = [allowed]\n", ""))
    assert "async def allowed():" in output_of(result)
    assert not [f for f in result.findings if f.code == "QFY109"]


def test_an_augmented_data_update_in_a_function_that_stays_sync_is_reported() -> None:
    source = '''from flask import Flask, jsonify

app = Flask(__name__)


@app.template_filter("padded")
def padded(value):
    reply = jsonify(value)
    reply.data += b"\\n"
    return reply
'''
    result = migrate_one(source)
    assert 'reply.data += b"\\n"' in output_of(result)
    assert [f.code for f in result.findings if f.line == 9] == ["QFY101"]

"""Planners on short snippets: which edits (and findings) each concern plans, without LibCST.

A failing test here says the detection is wrong; tests/codemods says the rewrite is wrong.
"""

from __future__ import annotations

from textwrap import dedent

from quartify.analysis.edits import Edit
from quartify.analysis.index import index_source
from quartify.analysis.planners import asyncify, client_calls, extensions, imports, unittest_cases
from quartify.analysis.planners.context import FileContext
from quartify.core.pipeline import plan_repo
from quartify.core.types import Finding


def context(source: str, path: str = "app.py") -> FileContext:
    module = index_source(dedent(source), path, path[:-3].replace("/", "."), False)
    return FileContext(plan_repo([module]), module)


def kinds(items: list[Edit | Finding]) -> list[tuple[str, int]]:
    return [(type(i).__name__ if isinstance(i, Edit) else i.code, i.span.line if isinstance(i, Edit) else i.line)
            for i in items]


VIEW = """\
from flask import Flask, request

app = Flask(__name__)


@app.route("/", methods=["POST"])
def index():
    name = request.form["name"]
    return name
"""


def test_a_view_is_made_async_and_its_form_read_awaited() -> None:
    ctx = context(VIEW)
    assert kinds(list(asyncify.plan_make_async(ctx))) == [("MakeAsync", 7)]
    awaits = list(asyncify.plan_awaits(ctx))
    assert kinds(awaits) == [("Await", 8)]
    assert isinstance(awaits[0], asyncify.Await) and awaits[0].parens


def test_an_await_in_a_lambda_body_becomes_a_finding() -> None:
    ctx = context(VIEW.replace('name = request.form["name"]', "name = (lambda: request.form)()"))
    assert kinds(list(asyncify.plan_awaits(ctx))) == [("QFY101", 8)]


def test_flask_imports_and_renamed_names_are_planned() -> None:
    edits = list(imports.plan_imports(context(VIEW)))
    assert ("FlaskImport", 1) in kinds(edits)
    renames = [e for e in edits if isinstance(e, imports.RenameReference)]
    assert [(r.span.line, r.new) for r in renames] == [(3, "Quart")]


def test_a_test_client_post_with_a_dict_variable_plans_form() -> None:
    ctx = context(
        """\
        import pytest
        from flask import Flask
        app = Flask(__name__)
        @pytest.fixture
        def client():
            return app.test_client()
        def test_login(client):
            payload = {"user": "a"}
            client.post("/login", data=payload)
        """,
        "tests/test_login.py",
    )
    calls = [e for e in client_calls.plan_client_calls(ctx) if isinstance(e, client_calls.ClientCall)]
    assert [(c.span.line, c.data) for c in calls] == [(9, "dict")]


def test_form_construction_in_a_view_plans_create_form() -> None:
    ctx = context(
        """\
        from flask import Flask
        from flask_wtf import FlaskForm
        app = Flask(__name__)
        class NameForm(FlaskForm):
            pass
        @app.route("/")
        def index():
            form = NameForm()
            return "ok"
        """
    )
    assert kinds(list(extensions.plan_forms(ctx))) == [("FormCreate", 8)]


def test_a_testcase_with_async_tests_and_setup_is_planned_whole() -> None:
    ctx = context(
        """\
        import unittest
        from flask import Flask
        app = Flask(__name__)
        class T(unittest.TestCase):
            def setUp(self):
                self.client = app.test_client()
            def test_home(self):
                self.client.get("/")
        """,
        "tests/test_t.py",
    )
    assert kinds(list(unittest_cases.plan_unittest_cases(ctx))) == [("AsyncTestCase", 4)]


MACRO_VIEW = """\
from flask import Flask, get_template_attribute
{binding}
app = Flask(__name__)


@app.route("/")
def index():
    badge = get_template_attribute("macros.html", "badge")
    return badge("x")
"""


def test_get_template_attribute_is_rewritten_when_current_app_is_free() -> None:
    from quartify.analysis.planners import template_attribute

    items = list(template_attribute.plan_template_attribute(context(MACRO_VIEW.format(binding=""))))
    assert kinds(items) == [("AsyncTemplateModule", 8), ("Await", 9)]


def test_get_template_attribute_is_reported_when_current_app_names_something_else() -> None:
    """The rewrite reads `current_app.jinja_env`: a module that binds `current_app` to its own
    object would get that object's attribute instead, so the load is left and reported."""
    from quartify.analysis.planners import template_attribute

    source = MACRO_VIEW.format(binding="from mylib import current_app")
    items = list(template_attribute.plan_template_attribute(context(source)))
    assert kinds(items) == [("QFY153", 8), ("QFY153", 9)]


def test_cross_origin_echo_is_kept_when_the_module_binds_re_to_something_else() -> None:
    """An echoed Origin is written `allow_origin=re.compile(".*")`; with `re` bound to the
    module's own object that would call the wrong thing, so the decorator stays, reported."""
    source = """\
from flask import Flask
from flask_cors import cross_origin
{binding}
app = Flask(__name__)


@app.route("/x")
@cross_origin()
def x():
    return "ok"
"""
    rewritten = list(extensions.plan_extension_imports(context(source.format(binding=""))))
    assert "CrossOrigin" in [kind for kind, _ in kinds(rewritten)]
    kept = list(extensions.plan_extension_imports(context(source.format(binding="from mylib import re"))))
    assert "CrossOrigin" not in [kind for kind, _ in kinds(kept)]
    assert any(isinstance(i, Finding) and "binds `re`" in i.message for i in kept)

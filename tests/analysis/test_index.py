"""What `index_source` records for one file: functions, uses, imports, Flask facts."""

from __future__ import annotations

from textwrap import dedent

import pytest

from quartify.analysis.index import PARAM_PREFIX, UnindexableSource, index_source
from quartify.analysis.model import (
    CTX_LAMBDA,
    CTX_MODULE,
    FunctionInfo,
    ModuleIndex,
    Use,
)
from quartify.core.types import Span


def index(source: str, module: str = "app", is_package: bool = False) -> ModuleIndex:
    path = module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
    return index_source(dedent(source), path, module, is_package)


def function(idx: ModuleIndex, name: str) -> FunctionInfo:
    return next(f for f in idx.functions if f.name == name)


def refs(func: FunctionInfo, kind: str) -> list[str]:
    return [u.ref for u in func.uses if u.kind == kind]


def use(func: FunctionInfo, ref: str) -> Use:
    return next(u for u in func.uses if u.ref == ref)


def test_functions_methods_and_nested_defs_get_qualnames_and_parents() -> None:
    idx = index(
        """\
        class Store:
            def load(self): ...

        def outer():
            async def inner(): ...
            return inner
        """
    )
    by_name = {f.name: f for f in idx.functions}
    assert by_name["load"].qualname == "app.Store.load"
    assert by_name["load"].class_qualname == "app.Store"
    assert by_name["inner"].qualname == "app.outer.<locals>.inner"
    assert by_name["inner"].parent == "app.outer" and by_name["inner"].is_async
    assert by_name["outer"].returned_names == ("inner",)
    assert idx.classes[0].methods == ("load",)


def test_redefined_function_gets_a_numbered_qualname() -> None:
    idx = index("def f(): ...\ndef f(): ...\n")
    assert [f.qualname for f in idx.functions] == ["app.f", "app.f@2"]


def test_use_kinds_and_spans_of_call_attribute_and_argument_name() -> None:
    idx = index(
        """\
        from flask import request

        def view():
            data = request.get_json()
            return len(data)
        """
    )
    view = function(idx, "view")
    call = use(view, "flask.request.get_json")
    assert (call.kind, call.span, call.text, call.nargs) == ("call", Span(4, 11, 4, 29), "request.get_json", 0)
    passed = use(view, "flask.request.get_json()")
    assert (passed.kind, passed.arg_of, passed.arg_key) == ("name", "builtins.len", "#0")


def test_call_receiver_is_recorded_as_attribute_read_needing_parens() -> None:
    idx = index("from flask import request\ndef v():\n    return request.form.get('a')\n")
    attr = use(function(idx, "v"), "flask.request.form")
    assert attr.kind == "attr" and attr.parens


def test_awaited_call_is_marked_awaited() -> None:
    idx = index("from flask import request\nasync def v():\n    return await request.get_data()\n")
    assert use(function(idx, "v"), "flask.request.get_data").awaited is True


def test_import_alias_resolves_to_the_flask_name() -> None:
    idx = index("from flask import request as rq\ndef v():\n    return rq.args\n")
    assert refs(function(idx, "v"), "attr") == ["flask.request.args"]
    assert dict(idx.bindings)["rq"] == "flask.request"


def test_relative_imports_resolve_against_module_and_package() -> None:
    idx = index("from . import helpers\nfrom ..db import get_db\n", module="pkg.sub.views")
    assert dict(idx.bindings) == {"helpers": "pkg.sub.helpers", "get_db": "pkg.db.get_db"}
    package = index("from .db import get_db\n", module="pkg.sub", is_package=True)
    assert dict(package.bindings) == {"get_db": "pkg.sub.db.get_db"}


def test_local_named_request_shadows_flask_request() -> None:
    idx = index(
        """\
        from flask import request
        from forms import make

        def helper(request):
            return request.form

        def other():
            request = make()
            return request.form
        """
    )
    assert refs(function(idx, "helper"), "attr") == [f"{PARAM_PREFIX}app.helper:request.form"]
    assert refs(function(idx, "other"), "attr") == ["forms.make().form"]


def test_global_declaration_reads_the_module_binding() -> None:
    idx = index(
        """\
        from flask import request

        def view():
            global request
            request = None
            return request.form
        """
    )
    assert refs(function(idx, "view"), "attr") == ["flask.request.form"]


def test_name_bound_two_ways_at_module_level_is_ambiguous() -> None:
    idx = index("try:\n    import json\nexcept ImportError:\n    import simplejson as json\n")
    assert dict(idx.bindings)["json"] == ""


def test_self_is_an_instance_and_attributes_set_on_it_are_recorded() -> None:
    idx = index(
        """\
        class Cart:
            def __init__(self, store):
                self.items = list()

            def total(self):
                return self.items
        """
    )
    assert refs(function(idx, "total"), "attr") == ["app.Cart().items"]
    assert idx.classes[0].attributes == (("items", "builtins.list()"),)


def test_super_call_in_a_method_is_a_super_reference() -> None:
    idx = index("class A(Base):\n    def load(self):\n        return super().load()\n")
    assert "@super:app.A().load" in refs(function(idx, "load"), "call")


def test_annotated_and_parametrized_parameters_get_their_types() -> None:
    idx = index(
        """\
        import pytest
        from flask.testing import FlaskClient

        @pytest.mark.parametrize("form", [{"a": 1}, {"b": 2}])
        def test_post(client: FlaskClient, form):
            client.post(data=form)
        """
    )
    test = function(idx, "test_post")
    assert refs(test, "call") == ["flask.testing.FlaskClient().post"]
    assert use(test, "builtins.dict()").arg_key == "data"


def test_lambda_body_uses_carry_the_lambda_context() -> None:
    idx = index("from flask import request\ndef v():\n    f = lambda: request.form\n")
    assert use(function(idx, "v"), "flask.request.form").ctx == CTX_LAMBDA


def test_comprehension_targets_shadow_module_names() -> None:
    idx = index("from flask import request\ndef v(xs):\n    return [request.x for request in xs]\n")
    assert "flask.request.x" not in refs(function(idx, "v"), "attr")


def test_module_level_uses_are_kept_apart_from_functions() -> None:
    idx = index("from flask import Flask\napp = Flask(__name__)\n")
    assert [u.ref for u in idx.module_uses if u.kind == "call"] == ["flask.Flask"]
    assert idx.module_uses[0].ctx == CTX_MODULE
    assert dict(idx.bindings)["app"] == "flask.Flask()"


def test_function_calling_flask_app_class_is_an_app_factory() -> None:
    idx = index("from flask import Flask\ndef create_app():\n    return Flask(__name__)\n")
    assert function(idx, "create_app").makes_app


def test_with_site_notes_its_items_and_app_global_reads() -> None:
    idx = index(
        """\
        from flask import g

        def v(app):
            with app.app_context():
                return g.user
        """
    )
    (site,) = function(idx, "v").withs
    assert site.items == (Span(4, 9, 4, 26),) and site.touches_app_globals and not site.is_async


def test_g_attribute_assignments_record_what_g_holds() -> None:
    idx = index(
        """\
        import sqlite3
        from flask import g

        def get_db():
            g.db = sqlite3.connect("x")
            g.user = 1
            g.user = "a"
        """
    )
    assert idx.g_attributes == (("db", "sqlite3.connect()"), ("user", ""))


def test_monkeypatch_setattr_records_target_and_fake() -> None:
    idx = index(
        """\
        from pkg import db

        def fake(): ...

        def test_it(monkeypatch):
            monkeypatch.setattr("pkg.db.init_db", fake)
            monkeypatch.setattr(db, "get_db", fake)
        """
    )
    assert function(idx, "test_it").patches == (
        ("pkg.db.init_db", "app.fake", 6),
        ("pkg.db.get_db", "app.fake", 7),
    )


def test_suppression_comments_are_read_by_line() -> None:
    idx = index("x = 1  # quartify: ignore[QFY251, QFY300]\ny = 2  # quartify: ignore\n")
    assert idx.suppressions == ((1, ("QFY251", "QFY300")),)


def test_renames_cover_flask_names_and_attributes_but_not_locals() -> None:
    idx = index(
        """\
        import flask
        from flask import Flask

        app = Flask(__name__)
        other = flask.Flask(__name__)

        def f(Flask):
            return Flask
        """
    )
    assert [(r.span, r.new) for r in idx.renames] == [
        (Span(4, 6, 4, 11), "Quart"),
        (Span(5, 8, 5, 13), "quart"),
        (Span(5, 14, 5, 19), "Quart"),
    ]


def test_flask_and_extension_import_lines_are_recorded() -> None:
    idx = index("import os\nfrom flask import Flask\n\ndef f():\n    from flask_cors import CORS\n")
    assert idx.imports_flask
    assert idx.flask_import_lines == (2, 5)
    assert idx.extension_imports == ((5, 4, "flask_cors", True),)


def test_star_import_and_gunicorn_worker_class_are_recorded() -> None:
    idx = index("from .core import *\nworker_class = 'gevent'\n", module="pkg.conf")
    assert idx.star_imports == ("pkg.core",)
    assert idx.worker_class == (2, "gevent")


def test_non_ascii_line_spans_count_characters() -> None:
    idx = index("from flask import request\ndef v():\n    s = 'é'; return request.form\n")
    assert use(function(idx, "v"), "flask.request.form").span == Span(3, 20, 3, 32)


def test_syntax_error_is_unindexable_with_its_position() -> None:
    with pytest.raises(UnindexableSource) as caught:
        index("def broken(:\n    pass\n")
    assert caught.value.line == 1 and "syntax error" in str(caught.value)

"""`Linker`: reference strings followed across modules, classes and the Flask API tables."""

from __future__ import annotations

from textwrap import dedent

from quartify.analysis.index import index_source
from quartify.analysis.link import UNKNOWN, Linker


def link(**modules: str) -> Linker:
    """Modules by dotted name (`pkg__init__` for a package's __init__)."""
    indexes = []
    for name, source in modules.items():
        is_package = name.endswith("__init__")
        module = name.removesuffix("__init__").rstrip("_").replace("__", ".")
        path = module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
        indexes.append(index_source(dedent(source), path, module, is_package))
    return Linker(indexes)


def test_reexport_through_a_package_init_resolves_to_the_defining_function() -> None:
    linker = link(
        pkg__init__="from .db import get_db\n",
        pkg__db="def get_db(): ...\n",
        app="from pkg import get_db\n",
    )
    assert linker.resolve("app.get_db") == "pkg.db.get_db"
    assert linker.is_function(linker.resolve("app.get_db"))


def test_module_variable_holding_an_app_resolves_to_flask_instance_methods() -> None:
    linker = link(
        pkg__init__="from flask import Flask\napp = Flask(__name__)\n",
        views="from pkg import app\n",
    )
    assert linker.resolve("views.app.route") == "flask.Flask().route"


def test_flask_aliases_fold_to_one_canonical_name() -> None:
    linker = link(app="")
    assert linker.resolve("flask.globals.request") == linker.resolve("flask.request")


def test_method_call_on_a_repo_instance_resolves_to_the_method() -> None:
    linker = link(app="class Store:\n    def load(self): ...\n")
    assert linker.resolve("app.Store().load") == "app.Store.load"


def test_inherited_method_resolves_to_the_base_class_definition() -> None:
    linker = link(
        base="class Base:\n    def load(self): ...\n",
        app="from base import Base\nclass Child(Base): ...\n",
    )
    assert linker.resolve("app.Child().load") == "base.Base.load"


def test_mro_lists_repo_classes_first_then_canonical_external_bases() -> None:
    linker = link(
        base="from flask.views import MethodView\nclass Base(MethodView): ...\n",
        app="from base import Base\nclass Child(Base): ...\n",
    )
    assert linker.mro("app.Child") == ["app.Child", "base.Base", "flask.MethodView"]


def test_inherits_sees_an_external_base_through_repo_classes() -> None:
    linker = link(
        forms="from flask_wtf import FlaskForm\nclass Base(FlaskForm): ...\nclass Login(Base): ...\n"
    )
    assert linker.inherits("forms.Login", "flask_wtf.FlaskForm")
    assert not linker.inherits("forms.Login", "flask.MethodView")


def test_function_return_value_is_followed() -> None:
    linker = link(app="class Db: ...\ndef get_db():\n    return Db()\n")
    assert linker.resolve("app.get_db()") == "app.Db()"


def test_instance_attribute_set_in_init_is_followed() -> None:
    linker = link(
        app="""\
        class Cart:
            def save(self): ...

        class Shop:
            def __init__(self):
                self.cart = Cart()
        """
    )
    assert linker.resolve("app.Shop().cart.save") == "app.Cart.save"


def test_pytest_parameter_resolves_to_the_conftest_fixture_value() -> None:
    linker = link(
        tests__conftest="""\
        import pytest
        from flask import Flask

        @pytest.fixture
        def client():
            return Flask(__name__).test_client()
        """,
        tests__test_views="def test_home(client):\n    client.get('/')\n",
    )
    ref = next(u.ref for u in linker.functions["tests.test_views.test_home"].uses if u.kind == "call")
    assert linker.resolve(ref) == linker.resolve("flask.Flask().test_client().get")


def test_unknown_names_in_a_repo_module_stay_unknown() -> None:
    linker = link(app="x = 1\n")
    assert linker.resolve("app.missing") == UNKNOWN


def test_the_tables_of_defs_and_bindings_follow_the_modules() -> None:
    linker = link(
        pkg__init__="from .views import index as home\n",
        pkg__views="def index(): ...\nclass Form:\n    def validate(self): ...\n",
    )
    views = linker.modules["pkg.views"]
    assert list(linker.functions) == ["pkg.views.index", "pkg.views.Form.validate"]
    assert linker.functions["pkg.views.index"] is views.functions[0]
    assert list(linker.classes) == ["pkg.views.Form"]
    assert {name: m.module for name, m in linker.module_of.items()} == dict.fromkeys(
        ["pkg.views.index", "pkg.views.Form.validate", "pkg.views.Form"], "pkg.views")
    assert linker.bindings["pkg"] == {"home": "pkg.views.index"}
    assert linker.resolve("pkg.home") == "pkg.views.index"
    try:
        linker.bindings["elsewhere"]
    except KeyError:
        pass
    else:
        raise AssertionError("a module outside the repo has no bindings")


def test_a_linker_taking_over_answers_takes_the_class_orders_worked_out_with_them() -> None:
    modules = dict(
        base="class Base: ...\n",
        mid="from base import Base\nclass Mid(Base): ...\n",
        app="import unittest\nfrom mid import Mid\nclass Case(Mid, unittest.TestCase): ...\nclass Other: ...\n",
    )
    earlier = link(**modules)
    assert earlier.mro("app.Case") == ["app.Case", "mid.Mid", "unittest.TestCase", "base.Base"]
    later = link(**modules)
    assert later.adopt(earlier)
    assert "app.Case" in later._mro  # taken over, not worked out again
    assert later.mro("app.Case") == link(**modules).mro("app.Case")
    assert later.inherits("app.Case", "unittest.TestCase") and not later.inherits("app.Other", "unittest.TestCase")
    assert "app.Other" not in earlier._mro  # the later linker's own orders stay its own

"""`graph.build`: how each function is classified, and what the solver is handed."""

from __future__ import annotations

from textwrap import dedent

from quartify.analysis import graph
from quartify.analysis.index import index_source
from quartify.analysis.link import Linker


def build(source: str, module: str = "app") -> graph.RepoGraph:
    return graph.build(Linker([index_source(dedent(source), f"{module}.py", module, False)]))


def kind(repo: graph.RepoGraph, qualname: str) -> str:
    return repo.kinds[qualname].kind


def test_route_decorated_function_is_a_forced_view() -> None:
    repo = build("from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef home(): ...\n")
    assert kind(repo, "app.home") == "view"
    assert [s.node for s in repo.graph.seeds if s.forced] == ["app.home"]


def test_before_request_function_is_a_hook() -> None:
    repo = build("from flask import Blueprint\nbp = Blueprint('b', __name__)\n@bp.before_request\ndef load(): ...\n")
    assert kind(repo, "app.load") == "hook"


def test_add_url_rule_view_func_keyword_registers_a_view() -> None:
    repo = build(
        """\
        from flask import Flask
        app = Flask(__name__)
        def echo(): ...
        app.add_url_rule("/e", view_func=echo)
        """
    )
    assert kind(repo, "app.echo") == "view"


def test_untyped_app_parameter_still_registers_distinctive_methods() -> None:
    repo = build("def init(app):\n    @app.route('/')\n    def home(): ...\n")
    assert kind(repo, "app.init.<locals>.home") == "view"


def test_click_command_is_a_cli_barrier() -> None:
    repo = build("import click\n@click.command()\ndef init_db(): ...\n")
    assert kind(repo, "app.init_db") == "cli"
    assert repo.barriers["app.init_db"] == graph.BARRIER_WHY["cli"]


def test_property_and_dunder_methods_are_barriers() -> None:
    repo = build("class User:\n    @property\n    def name(self): ...\n    def __repr__(self): ...\n")
    assert kind(repo, "app.User.name") == "property"
    assert kind(repo, "app.User.__repr__") == "dunder"
    assert set(repo.barriers) == {"app.User.name", "app.User.__repr__"}


def test_app_factory_is_a_barrier() -> None:
    repo = build("from flask import Flask\ndef create_app():\n    return Flask(__name__)\n")
    assert kind(repo, "app.create_app") == "factory"


def test_method_view_handler_is_a_view() -> None:
    repo = build("from flask.views import MethodView\nclass Items(MethodView):\n    def get(self): ...\n")
    assert kind(repo, "app.Items.get") == "view"


def test_function_passed_as_a_value_is_a_barrier() -> None:
    repo = build("def key(x): ...\ndef sort(xs):\n    return sorted(xs, key=key)\n")
    assert repo.value_uses["app.key"] == "sorted()"
    assert repo.barriers["app.key"].startswith("it is passed as a value")


def test_decorator_wrappers_and_the_parameters_they_call() -> None:
    repo = build(
        """\
        def login_required(view):
            def wrapped(*args):
                return view(*args)
            return wrapped
        """
    )
    assert repo.wrappers == {"app.login_required": {"app.login_required.<locals>.wrapped"}}
    assert repo.wrapper_params == {"app.login_required.<locals>.wrapped": {"@param:app.login_required:view"}}


def test_decorated_view_shares_a_colour_group_with_the_wrapper() -> None:
    repo = build(
        """\
        from flask import Flask
        app = Flask(__name__)

        def login_required(view):
            def wrapped():
                return view()
            return wrapped

        @app.route("/")
        @login_required
        def home(): ...
        """
    )
    assert frozenset({"app.login_required.<locals>.wrapped", "app.home"}) in repo.graph.groups


def test_call_edges_and_awaitable_seeds_reach_the_solver() -> None:
    repo = build(
        """\
        from flask import request
        def read():
            return request.get_json()
        def place():
            return read()
        """
    )
    assert [(e.caller, e.callee) for e in repo.graph.edges] == [("app.place", "app.read")]
    assert [(s.node, s.forced) for s in repo.graph.seeds] == [("app.read", False)]


def test_coroutine_handed_to_asyncio_run_is_no_edge() -> None:
    repo = build("import asyncio\nasync def main(): ...\ndef cli():\n    asyncio.run(main())\n")
    assert repo.graph.edges == ()


def test_monkeypatched_fake_shares_a_group_with_the_real_function() -> None:
    repo = build(
        """\
        def init_db(): ...
        def fake(): ...
        def test_init(monkeypatch):
            monkeypatch.setattr("app.init_db", fake)
        """
    )
    assert frozenset({"app.init_db", "app.fake"}) in repo.graph.groups


def test_a_decorator_called_by_hand_does_not_make_its_argument_a_value() -> None:
    # `f` is typed by the one explicit call (`guard(handler)`); `functools.wraps(f)` inside the
    # decorator must not turn `handler` into "a value passed to wraps()" (a barrier).
    repo = build(
        """\
        import functools
        from flask import Flask, send_file
        app = Flask(__name__)
        def guard(f):
            @functools.wraps(f)
            def wrapper(*args, **kwargs):
                return f(*args, **kwargs)
            return wrapper
        def register(path):
            def handler():
                return send_file(path)
            handler = guard(handler)
            app.add_url_rule("/" + path, view_func=handler)
        """
    )
    assert "app.register.<locals>.handler" not in repo.barriers


def test_calls_of_functions_async_before_the_migration_colour_nobody() -> None:
    repo = build(
        """\
        import asyncio
        async def close(c): ...
        def close_all(cs):
            return asyncio.run(asyncio.gather(*[close(c) for c in cs]))
        """
    )
    assert not [e for e in repo.graph.edges if e.callee == "app.close"]

"""`blocking.loop_set`: which functions run on the event loop, each with the chain of calls from
the view or hook that reaches it (what a blocking-call finding quotes)."""

from __future__ import annotations

from textwrap import dedent

from quartify.analysis import graph
from quartify.analysis.blocking import Hop, loop_set
from quartify.analysis.index import index_source
from quartify.analysis.link import Linker

APP = """\
    import click
    from flask import Flask
    app = Flask(__name__)

    def leaf():
        return 1

    def middle():
        return leaf()

    def other():
        return leaf()

    @app.get("/")
    def index():
        return str(middle() + other())

    @app.cli.command()
    def seed():
        return helper_of_cli()

    def helper_of_cli():
        return 2

    def unused():
        return leaf()
    """


def loop_of(source: str, skip: frozenset[tuple[str, int, str]] = frozenset()) -> dict[str, tuple[Hop, ...]]:
    linker = Linker([index_source(dedent(source), "app.py", "app", False)])
    return dict(loop_set(linker, graph.build(linker), skip).paths)


def test_each_function_on_the_loop_carries_its_first_chain_from_the_view() -> None:
    paths = loop_of(APP)
    assert list(paths) == ["app.index", "app.middle", "app.other", "app.leaf"]  # entries, then as the walk reached them
    assert paths["app.index"] == ()
    assert paths["app.middle"] == (Hop("app.index", 16, "app.middle"),)
    # reached first through middle (index calls middle before other on line 16)
    assert paths["app.leaf"] == (Hop("app.index", 16, "app.middle"), Hop("app.middle", 9, "app.leaf"))


def test_cli_commands_and_functions_no_view_reaches_are_off_the_loop() -> None:
    linker = Linker([index_source(dedent(APP), "app.py", "app", False)])
    loop = loop_set(linker, graph.build(linker))
    for name in ("app.seed", "app.helper_of_cli", "app.unused"):
        assert name not in loop
        assert loop.paths.get(name) is None
    assert len(loop.paths) == 4


def test_a_skipped_call_takes_its_callee_off_the_loop_unless_another_call_reaches_it() -> None:
    paths = loop_of(APP, skip=frozenset({("app.index", 16, "app.middle")}))
    assert "app.middle" not in paths
    assert paths["app.leaf"] == (Hop("app.index", 16, "app.other"), Hop("app.other", 12, "app.leaf"))


def test_a_path_asked_for_first_deep_down_is_the_same_as_asked_for_top_down() -> None:
    source = "from flask import Flask\napp = Flask(__name__)\n" + "".join(
        f"def f{i}():\n    return f{i + 1}()\n" for i in range(40)) + "def f40():\n    return 0\n"
    source += "@app.get('/')\ndef index():\n    return f0()\n"
    linker = Linker([index_source(source, "app.py", "app", False)])
    deep_first = loop_set(linker, graph.build(linker)).paths
    assert len(deep_first["app.f40"]) == 41
    top_down = loop_set(linker, graph.build(linker)).paths
    for i in range(41):
        assert top_down[f"app.f{i}"] == deep_first[f"app.f{i}"] == deep_first["app.f40"][: i + 1]

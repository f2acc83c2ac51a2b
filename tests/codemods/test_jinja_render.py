"""`t.render(...)` -> `await t.render_async(...)` on a Quart template (codemods/jinja_render.py),
and which values the planner takes for Quart templates (analysis/planners/jinja_render.py)."""

from __future__ import annotations

from quartify.analysis.planners.asyncify import Await
from quartify.analysis.planners.jinja_render import RenderAsync
from tests.codemods.helpers import at, check_noop, check_transformed
from tests.helpers import migrate_one, output_of


def test_render_is_renamed_and_awaited() -> None:
    call = "page.render(x=1)"
    src = f"async def f(page):\n    return {call}\n"
    span = at(src, call)
    check_transformed(src, "async def f(page):\n    return await page.render_async(x=1)\n",
                      RenderAsync(span), Await(span, parens=False))


def test_a_call_through_another_name_is_not_renamed() -> None:
    src = "async def f(draw):\n    return draw(x=1)\n"
    check_noop(src, RenderAsync(at(src, "draw(x=1)")))


def _out(src: str) -> str:
    return output_of(migrate_one(src.encode(), "views.py"))


def test_a_plain_jinja_environment_is_left_alone() -> None:
    """Only the app's environment is async under Quart: a jinja2.Environment the code builds is not."""
    src = ("from flask import Flask\nfrom jinja2 import Environment\napp = Flask(__name__)\nENV = Environment()\n\n"
           "@app.route('/')\ndef home():\n    return ENV.from_string('hi').render()\n")
    assert "ENV.from_string('hi').render()" in _out(src)
    assert not [f for f in migrate_one(src.encode(), "views.py").findings if f.code in ("QFY154", "QFY155")]


def test_the_overlay_of_the_app_environment_is_rendered_async() -> None:
    src = ("from flask import Flask, current_app\napp = Flask(__name__)\n\n"
           "@app.route('/')\ndef home():\n    env = current_app.jinja_env.overlay(autoescape=False)\n"
           "    return env.get_or_select_template(['a.txt']).render()\n")
    assert "return await env.get_or_select_template(['a.txt']).render_async()" in _out(src)


def test_an_attribute_defined_by_two_classes_is_not_guessed() -> None:
    """`x.env` on an untyped `x`: two classes define `env`, so the read is not taken for either."""
    src = ("from functools import cached_property\nfrom flask import Flask, current_app\napp = Flask(__name__)\n\n"
           "class A:\n    @cached_property\n    def env(self):\n        return current_app.jinja_env\n\n"
           "class B:\n    def __init__(self):\n        self.env = object()\n\n"
           "@app.route('/')\ndef home():\n    x = LOOKUP['a']\n    return x.env.get_template('t').render()\n")
    out = _out(src)
    assert "x.env.get_template('t').render()" in out and "render_async" not in out
    assert [f.code for f in migrate_one(src.encode(), "views.py").findings] == ["QFY155"]

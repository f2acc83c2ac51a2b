"""Issue 10: templates of the app's Jinja environment rendered by hand
(tests/fixtures/rewrites/jinja_render) really render under Quart after the migration.

Quart's Jinja environment is async; a sync `render()` on one of its templates calls asyncio.run
inside the running loop and the view answers 500. Each rewritten render is checked by the page
text it produces, and undone one at a time to show the page breaks again without it: the
template straight from `current_app.jinja_env`, the one a sync helper returned (the helper became
async), the cached_property overlay of a plugin reached through an untyped registry lookup, the
attribute holding the app's environment, and the property returning a template."""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path

import pytest

from tests.helpers import migrate_one
from tests.test_rewrite_runtime import REWRITES, load, load_text

OUT = REWRITES / "jinja_render.out.py"

# What the migration wrote -> the sync render it replaced.
UNDO = {
    "straight from current_app.jinja_env": (
        "await page.render_async(body=", "page.render(body="),
    "returned by a helper": (
        "(await greeting_template().render_async(who=who))", "greeting_template().render(who=who)"),
    "cached_property overlay of an untyped lookup": (
        'await widget.panel_env.get_template("panel.html").render_async(',
        'widget.panel_env.get_template("panel.html").render('),
    "attribute holding the app environment": (
        'await widget.base_env.get_template("base.html").render_async(',
        'widget.base_env.get_template("base.html").render('),
    "property returning a template": (
        "await Widget(slug).card.render_async(slug=slug)", "Widget(slug).card.render(slug=slug)"),
}


async def _pages(module: object) -> tuple[tuple[int, str], tuple[int, str]]:
    client = module.app.test_client()  # type: ignore[attr-defined]
    hello = await client.get("/hello?who=ann")
    panel = await client.get("/panel/news")
    return ((hello.status_code, await hello.get_data(as_text=True)),
            (panel.status_code, await panel.get_data(as_text=True)))


def test_the_flask_original_gives_the_same_pages() -> None:
    client = load_text_from(REWRITES / "jinja_render.in.py").app.test_client()  # type: ignore[attr-defined]
    assert client.get("/hello?who=ann").get_data(as_text=True) == "[HELLO ANN]"
    assert client.get("/panel/news").get_data(as_text=True) == "[&lt;news:4&gt;]card(news)"
    assert client.get("/lines").get_data(as_text=True) == "012True"


def load_text_from(path: Path) -> object:
    spec = importlib.util.spec_from_file_location("flask_jinja_render", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_every_hand_render_produces_its_page() -> None:
    hello, panel = await _pages(load("jinja_render"))
    assert hello == (200, "[HELLO ANN]")
    assert panel == (200, "[&lt;news:4&gt;]card(news)")  # base.html autoescapes the panel's markup


# The failing sync render leaves Jinja's own render_async coroutine unawaited: expected here.
@pytest.mark.filterwarnings("ignore:coroutine 'Template.render_async' was never awaited:RuntimeWarning")
@pytest.mark.parametrize("case", sorted(UNDO))
async def test_putting_one_sync_render_back_breaks_its_page(case: str, tmp_path: Path) -> None:
    written, before = UNDO[case]
    text = OUT.read_text(encoding="utf-8")
    assert text.count(written) == 1
    hello, panel = await _pages(load_text("jinja_render", text.replace(written, before), tmp_path))
    assert 500 in (hello[0], panel[0])
    assert "[HELLO ANN]" not in hello[1] or "card(news)" not in panel[1]
    gc.collect()  # the unawaited coroutine is reported now, under this test's filter


def test_what_cannot_be_awaited_is_reported_not_rewritten() -> None:
    """A render in a lambda and a `generate()` stay as written, with QFY154; a template loaded
    from an untyped parameter may be Quart's (QFY155): nothing is rewritten there either."""
    source = (REWRITES / "jinja_render.in.py").read_text(encoding="utf-8")
    result = migrate_one(source.encode(), "jinja_render.py")
    lines = source.splitlines()
    found = sorted((f.code, lines[f.line - 1].strip()) for f in result.findings)
    assert found == [
        ("QFY154", "later = lambda: template.render()  # noqa: E731"),
        ("QFY154", 'return "".join(template.generate()) + str(callable(later))'),
        ("QFY155", 'return environment.get_template("base.html").render(body="?")'),
    ]
    out = OUT.read_text(encoding="utf-8")
    assert "lambda: template.render()" in out and "template.generate()" in out
    assert 'environment.get_template("base.html").render(body="?")' in out

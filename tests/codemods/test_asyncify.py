"""`def` -> `async def`, `await` at planned spans, `with` -> `async with` (codemods/asyncify.py)."""

from __future__ import annotations

from quartify.analysis.planners.asyncify import AsyncWith, Await, MakeAsync
from tests.codemods.helpers import at, check_noop, check_transformed, def_at, stmt_at

VIEW = """\
def view():
    data = request.form["x"]
    return data
"""


def test_def_becomes_async() -> None:
    check_transformed(VIEW, VIEW.replace("def view", "async def view"), MakeAsync(def_at(VIEW, "view")))


def test_await_is_parenthesised_when_the_value_is_subscripted() -> None:
    expected = VIEW.replace('request.form["x"]', '(await request.form)["x"]')
    check_transformed(VIEW, expected, Await(at(VIEW, "request.form"), parens=True))


def test_plain_await_keeps_the_expression() -> None:
    src = "async def view():\n    return render_template('a.html')\n"
    expected = "async def view():\n    return await render_template('a.html')\n"
    check_transformed(src, expected, Await(at(src, "render_template('a.html')"), parens=False))


def test_as_text_reads_the_body_through_get_data() -> None:
    src = "async def test(resp):\n    assert 'x' in resp.text\n"
    expected = "async def test(resp):\n    assert 'x' in await resp.get_data(as_text=True)\n"
    check_transformed(src, expected, Await(at(src, "resp.text"), parens=False, as_text=True))


def test_maybe_await_checks_the_value_first() -> None:
    src = "async def wrapper(*a):\n    return view(*a)\n"
    out = "import inspect\n\nasync def wrapper(*a):\n    return ((await _quartify_rv) if inspect.isawaitable(_quartify_rv := view(*a)) else _quartify_rv)\n"
    check_transformed(src, out, Await(at(src, "view(*a)"), parens=False, maybe=True))


def test_with_becomes_async_with() -> None:
    src = "async def test(app):\n    with app.app_context():\n        pass\n"
    check_transformed(src, src.replace("    with", "    async with"), AsyncWith(stmt_at(src, 2)))


def test_client_with_enters_the_app_context_first() -> None:
    src = "async def test(client):\n    with client:\n        g.user\n"
    expected = "async def test(client):\n    async with client.app.app_context(), client:\n        g.user\n"
    check_transformed(src, expected, AsyncWith(stmt_at(src, 2), client=at(src, "client")))


def test_an_already_async_def_is_left_alone() -> None:
    src = "async def view():\n    return 1\n"
    check_noop(src, MakeAsync(def_at(src, "view")))


def test_edits_elsewhere_do_not_touch_this_statement() -> None:
    src = "def a():\n    return request.form\n\ndef b():\n    return request.form\n"
    expected = "async def a():\n    return await request.form\n\ndef b():\n    return request.form\n"
    check_transformed(src, expected, MakeAsync(def_at(src, "a")), Await(at(src, "request.form"), parens=False))

"""Fixtures wider than a function made async get a matching loop scope
(analysis/planners/fixture_loops.py, codemods/fixture_loops.py)."""

from __future__ import annotations

from quartify.analysis.planners.fixture_loops import FixtureLoopScope
from tests.codemods.helpers import at, check_noop, check_transformed
from tests.helpers import assert_valid_async, migrate_one, output_of

# A session-wide app whose fixture enters an app context by hand; a module-scoped one that only
# builds the app (stays sync); a function-scoped one and one whose scope is computed (made async,
# nothing more to do).
_CONFTEST = '''\
import flask
import pytest


def make_shop():
    return flask.Flask(__name__)


@pytest.fixture(scope="session")
def shop_app(request):
    app = make_shop()
    ctx = app.app_context()
    ctx.push()
    return app


@pytest.fixture(scope="module", autouse=True)
def plain_app():
    return make_shop()


@pytest.fixture
def per_test_app():
    app = make_shop()
    ctx = app.app_context()
    ctx.push()
    return app


@pytest.fixture(scope=pick_scope)
def dynamic_app():
    app = make_shop()
    ctx = app.app_context()
    ctx.push()
    return app
'''


def test_session_fixture_made_async_runs_on_a_session_loop() -> None:
    out = output_of(migrate_one(_CONFTEST, "tests/conftest.py"))
    assert_valid_async(out)
    assert 'import pytest_asyncio\n' in out
    assert '@pytest_asyncio.fixture(scope="session", loop_scope="session")\nasync def shop_app(request):' in out
    # made async without a wider scope, sync, or a scope known only at run time: left as written
    assert '@pytest.fixture\nasync def per_test_app():' in out
    assert '@pytest.fixture(scope="module", autouse=True)\ndef plain_app():' in out
    assert '@pytest.fixture(scope=pick_scope)\nasync def dynamic_app():' in out


def test_keyword_goes_last_and_keeps_a_trailing_comma_layout() -> None:
    call = 'pytest.fixture(\n    scope="module",\n    autouse=True,\n)'
    src = f"import pytest\n\n@{call}\nasync def app():\n    pass\n"
    check_transformed(
        src,
        "import pytest\nimport pytest_asyncio\n\n"
        '@pytest_asyncio.fixture(\n    scope="module",\n    autouse=True,\n    loop_scope="module",\n)\n'
        "async def app():\n    pass\n",
        FixtureLoopScope(at(src, call)),
    )


def test_a_call_without_scope_is_left_alone() -> None:
    call = "pytest.fixture(autouse=True)"
    src = f"@{call}\nasync def app():\n    pass\n"
    check_noop(src, FixtureLoopScope(at(src, call)))

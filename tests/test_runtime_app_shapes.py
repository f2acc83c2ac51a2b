"""Rewrite fixtures for app-side shapes seen in real Flask apps (issue 10): the converted module
must *run* under Quart, and each check must fail again when the rewrite that fixed it is undone
(the undone text is what quartify used to leave, or the Flask original), so no check passes
vacuously."""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import sys
import traceback
import unittest
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType

import pytest

REWRITES = Path(__file__).parent / "fixtures" / "rewrites"


def load_text(text: str, tmp_path: Path) -> ModuleType:
    """Import `text` as a fresh module (a unique name, so each test gets its own app)."""
    name = f"shape_{uuid.uuid4().hex}"
    path = tmp_path / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def converted(name: str) -> str:
    return (REWRITES / f"{name}.out.py").read_text(encoding="utf-8")


def undone(name: str, fixed: str, broken: str) -> str:
    text = converted(name)
    assert fixed in text, f"quartify did not produce {fixed!r}"
    return text.replace(fixed, broken)


async def fails(check: Callable[[ModuleType], Awaitable[None]], load: Callable[[], ModuleType]) -> bool:
    """Whether `check` fails on the module `load` imports. The module is dropped and collected
    before returning, so its never-awaited coroutines warn inside the test that expects them."""
    module = load()
    name = module.__name__
    if hasattr(module, "app"):
        module.app.logger.disabled = True  # a logged error would keep the broken frames alive
    try:
        await check(module)
    except Exception as error:  # noqa: BLE001  an assertion, or the broken code raising on its own
        traceback.clear_frames(error.__traceback__)
        return True
    finally:
        sys.modules.pop(name, None)
        del module
        gc.collect()
    return False


# --- shape 9: `app.errorhandler(404)(f)` and friends -------------------------------------------

async def check_registered_by_call(module: ModuleType) -> None:
    client = module.app.test_client()
    missing = await client.get("/nowhere")
    assert missing.status_code == 404
    assert await missing.get_data(as_text=True) == "<p>404: visitor</p>"
    crash = await client.get("/boom")
    assert crash.status_code == 500
    assert await crash.get_data(as_text=True) == "<p>500: server</p>"
    gone = await client.get("/gone")
    assert gone.status_code == 410
    assert await gone.get_data(as_text=True) == "<p>410: archive</p>"
    page = await client.get("/dashboard")
    assert page.status_code == 200
    assert await page.get_data(as_text=True) == "<p>200: member</p>"


async def test_handlers_registered_by_call_run_under_quart(tmp_path: Path) -> None:
    await check_registered_by_call(load_text(converted("registered_by_call"), tmp_path))


@pytest.mark.parametrize(
    ("fixed", "broken"),
    [
        ("async def render_error(error):\n    return await render_template_string",
         "def render_error(error):\n    return render_template_string"),
        ("async def render_crash(error):\n    return await render_template_string",
         "def render_crash(error):\n    return render_template_string"),
        ("async def guarded(**kwargs):\n        g.who = \"member\"\n        return await view(**kwargs)",
         "def guarded(**kwargs):\n        g.who = \"member\"\n        return view(**kwargs)"),
    ],
    ids=["errorhandler", "app_errorhandler", "route_through_wrapper"],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unawaited render is the point
async def test_handler_registered_by_call_left_sync_fails(fixed: str, broken: str, tmp_path: Path) -> None:
    assert await fails(check_registered_by_call, lambda: load_text(undone("registered_by_call", fixed, broken), tmp_path))


# --- shape 7: a response's `.data` read or edited in helpers and hooks --------------------------

async def check_response_data(module: ModuleType) -> None:
    client = module.app.test_client()
    record = await client.get("/record")
    body = await record.get_data()
    assert record.status_code == 200 and body.endswith(b"\n\n") and b'"id":7' in body.replace(b" ", b"")
    assert record.headers["X-Body-Length"] == str(len(body))
    assert record.headers["X-Json"] == "yes"
    page = await client.get("/page")
    assert page.status_code == 200
    assert await page.get_data() == b"<p>hello</p><!-- served -->"
    assert "X-Json" not in page.headers


async def test_response_data_helpers_and_hooks_run_under_quart(tmp_path: Path) -> None:
    await check_response_data(load_text(converted("response_data"), tmp_path))


@pytest.mark.parametrize(
    ("fixed", "broken"),
    [
        ('reply.set_data(await reply.get_data() + b"\\n")', 'reply.data += b"\\n"'),
        ("async def body_length(response):\n    return len(await response.data)",
         "def body_length(response):\n    return len(response.data)"),
        ("(await resp.data).startswith", "resp.data.startswith"),
        ("page.data = await page.data +", "page.data = page.data +"),
    ],
    ids=["augmented", "helper", "after_app_request", "read_then_set"],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unawaited getter is the point
async def test_response_data_left_sync_fails(fixed: str, broken: str, tmp_path: Path) -> None:
    text = undone("response_data", fixed, broken)
    if broken.startswith("def body_length"):
        text = text.replace("await body_length(", "body_length(")
    assert await fails(check_response_data, lambda: load_text(text, tmp_path))


# --- shape 17: a sync app factory calling helpers that became async ----------------------------

async def check_factory_helpers(module: ModuleType) -> None:
    app = module.create_app({"TESTING": True})  # called from a running loop (an async fixture would)
    assert app.extensions.get("registry") is module.registry
    assert app.config["PLUGIN_COUNT"] == 2
    reply = await app.test_client().get("/plugins")
    assert await reply.get_json() == {"plugins": ["audit", "search"], "registry": True}


def test_factory_helpers_run_when_the_factory_is_called_without_a_loop(tmp_path: Path) -> None:
    app = load_text(converted("factory_helpers"), tmp_path).create_app()
    assert "registry" in app.extensions and app.config["PLUGIN_COUNT"] == 2


async def test_factory_helpers_run_when_the_factory_is_called_from_a_loop(tmp_path: Path) -> None:
    await check_factory_helpers(load_text(converted("factory_helpers"), tmp_path))


@pytest.mark.parametrize(
    ("fixed", "broken"),
    [
        ("ThreadPoolExecutor(1).submit(asyncio.run, init_extensions(app)).result()", "init_extensions(app)"),
        ("ThreadPoolExecutor(1).submit(asyncio.run, discover_plugins(app)).result()", "discover_plugins(app)"),
        # A bare asyncio.run cannot run inside the loop an async fixture or test runs in.
        ("ThreadPoolExecutor(1).submit(asyncio.run, init_extensions(app)).result()", "asyncio.run(init_extensions(app))"),
        # Left sync, the helper's `with app.app_context()` raises: Quart's AppContext has no __enter__.
        ("async def init_extensions(app):\n    async with", "def init_extensions(app):\n    with"),
    ],
    ids=["helper_never_awaited", "value_helper_never_awaited", "bare_asyncio_run", "helper_left_sync"],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the never-awaited coroutine is the point
async def test_factory_helper_not_run_fails(fixed: str, broken: str, tmp_path: Path) -> None:
    text = undone("factory_helpers", fixed, broken)
    if broken.startswith("def init_extensions"):
        text = text.replace("ThreadPoolExecutor(1).submit(asyncio.run, init_extensions(app)).result()", "init_extensions(app)")
    assert await fails(check_factory_helpers, lambda: load_text(text, tmp_path))


# --- a `with app.app_context():` block in the app factory itself (corpus: sandman2) ------------

async def check_factory_with_block(module: ModuleType) -> None:
    app = module.create_app({"AUDIT": True})  # called from a running loop (an async fixture would)
    assert app.extensions.get("catalogue") is module.catalogue
    assert app.config["SECTIONS"] == ["maps", "poetry"]
    assert app.config["AUDITED"] == ["MAPS", "POETRY"]
    reply = await app.test_client().get("/sections")
    assert await reply.get_json() == {"sections": ["maps", "poetry"], "audited": ["MAPS", "POETRY"]}


def test_factory_with_block_runs_when_the_factory_is_called_without_a_loop(tmp_path: Path) -> None:
    app = load_text(converted("factory_with_block"), tmp_path).create_app()
    assert app.config["SECTIONS"] == ["maps", "poetry"] and "AUDITED" not in app.config


async def test_factory_with_block_runs_when_the_factory_is_called_from_a_loop(tmp_path: Path) -> None:
    await check_factory_with_block(load_text(converted("factory_with_block"), tmp_path))


@pytest.mark.parametrize(
    ("fixed", "broken"),
    [
        # What quartify used to leave (QFY102): Quart's AppContext has no __enter__.
        ("    async def _in_app_context():\n        async with app.app_context():\n            catalogue.load()\n"
         "            current_app.config[\"READY\"] = True\n"
         "    ThreadPoolExecutor(1).submit(asyncio.run, _in_app_context()).result()\n",
         "    with app.app_context():\n        catalogue.load()\n        current_app.config[\"READY\"] = True\n"),
        # A bare asyncio.run cannot run inside the loop an async fixture or test runs in.
        ("ThreadPoolExecutor(1).submit(asyncio.run, _in_app_context()).result()", "asyncio.run(_in_app_context())"),
    ],
    ids=["with_left_sync", "bare_asyncio_run"],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the never-awaited coroutine is the point
async def test_factory_with_block_left_or_run_on_the_loop_fails(fixed: str, broken: str, tmp_path: Path) -> None:
    assert await fails(check_factory_with_block, lambda: load_text(undone("factory_with_block", fixed, broken), tmp_path))


# --- the request cycle driven by hand in a test helper (corpus: api-pycon2015) -----------------

async def check_manual_dispatch(module: ModuleType) -> None:
    assert await module.call("/shelves/2") == (200, {"shelf": 2})
    assert await module.call("/shelves/9") == (404, {"error": "no such shelf"})


async def test_manual_dispatch_runs_the_cycle_under_quart(tmp_path: Path) -> None:
    await check_manual_dispatch(load_text(converted("manual_dispatch"), tmp_path))


@pytest.mark.parametrize(
    ("fixed", "broken"),
    [
        ("rv = await app.dispatch_request()", "rv = app.dispatch_request()"),
        ("rv = await app.handle_user_exception(error)", "rv = app.handle_user_exception(error)"),
        ("(await rv.data).decode", "rv.data.decode"),
    ],
    ids=["dispatch_not_awaited", "error_handling_not_awaited", "body_not_awaited"],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the never-awaited coroutine is the point
async def test_manual_dispatch_left_unawaited_fails(fixed: str, broken: str, tmp_path: Path) -> None:
    assert await fails(check_manual_dispatch, lambda: load_text(undone("manual_dispatch", fixed, broken), tmp_path))


# --- exception checks whose callable is a lambda around a client call (corpus: api-pycon2015) ---

async def check_raises_lambda(module: ModuleType) -> None:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(module.NamesTest)
    outcome = unittest.TestResult()
    await asyncio.to_thread(suite.run, outcome)  # IsolatedAsyncioTestCase runs its own loop
    assert outcome.testsRun == 3 and outcome.wasSuccessful(), outcome.failures + outcome.errors
    try:
        await module.test_a_bad_name_is_rejected_in_pytest()
    except pytest.fail.Exception as failed:  # "DID NOT RAISE" is a BaseException: make it a failure here
        raise AssertionError(str(failed)) from None


async def test_raises_lambda_checks_pass_under_quart(tmp_path: Path) -> None:
    await check_raises_lambda(load_text(converted("raises_lambda"), tmp_path))


@pytest.mark.parametrize(
    ("fixed", "broken"),
    [
        ('with self.assertRaises(Rejected):\n            await post("r2d2")', 'self.assertRaises(Rejected, lambda: post("r2d2"))'),
        ('with pytest.raises(Rejected):\n        await post("hal9000")', 'pytest.raises(Rejected, lambda: post("hal9000"))'),
    ],
    ids=["unittest_lambda", "pytest_lambda"],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the never-awaited coroutine is the point
async def test_raises_lambda_left_as_a_lambda_fails(fixed: str, broken: str, tmp_path: Path) -> None:
    assert await fails(check_raises_lambda, lambda: load_text(undone("raises_lambda", fixed, broken), tmp_path))


# --- shape 6: `decorator`-package callers and wrappers handed to other decorators ---------------

# Stands in for a documentation library (flask-smorest's `arguments`/`response` style): its
# decorators annotate the function and return it unchanged, async or not.
APIDOCS = '''
def describe(summary):
    def mark(f):
        f.summary = summary
        return f
    return mark


def status(code):
    def mark(f):
        f.status = code
        return f
    return mark
'''


def load_with_apidocs(text: str, tmp_path: Path) -> ModuleType:
    (tmp_path / "apidocs.py").write_text(APIDOCS, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        return load_text(text, tmp_path)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("apidocs", None)


async def check_decorator_package(module: ModuleType) -> None:
    client = module.app.test_client()
    hello = await client.get("/hello")
    assert hello.status_code == 200 and await hello.get_data(as_text=True) == "hello seen"
    admin = await client.get("/admin?role=admin")
    assert admin.status_code == 200 and await admin.get_data(as_text=True) == "admin page"
    refused = await client.get("/admin?role=guest")
    assert refused.status_code == 403
    item = await client.get("/items/3")
    assert item.status_code == 200 and await item.get_data(as_text=True) == "3: one item"
    about = await client.get("/about")  # a sync view through the same caller as the async ones
    assert about.status_code == 200 and await about.get_json() == {"page": "about", "stamp": "seen"}


async def test_decorator_package_views_run_under_quart(tmp_path: Path) -> None:
    await check_decorator_package(load_with_apidocs(converted("decorator_package"), tmp_path))


MAYBE = "((await _quartify_rv) if inspect.isawaitable(_quartify_rv := view(*args, **kwargs)) else _quartify_rv)"


@pytest.mark.parametrize(
    ("fixed", "broken"),
    [
        (f"async def stamped(view, *args, **kwargs):\n    g.stamp = \"seen\"\n    return {MAYBE}",
         "def stamped(view, *args, **kwargs):\n    g.stamp = \"seen\"\n    return view(*args, **kwargs)"),
        # Awaiting unconditionally breaks the sync view the same caller wraps.
        (MAYBE, "await view(*args, **kwargs)"),
        ("async def require_role(", "def require_role("),
        ("async def wrapper(*args, **kwargs):\n            g.summary = summary\n            return await view(",
         "def wrapper(*args, **kwargs):\n            g.summary = summary\n            return view("),
    ],
    ids=["caller_left_sync", "caller_awaits_sync_view", "factory_caller_left_sync", "wrapper_through_other_decorators"],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unawaited view is the point
async def test_decorator_package_left_sync_fails(fixed: str, broken: str, tmp_path: Path) -> None:
    text = undone("decorator_package", fixed, broken)
    if fixed == "async def require_role(":
        text = text.replace("    return await view(*args, **kwargs)\n\n\ndef documented", "    return view(*args, **kwargs)\n\n\ndef documented")
        assert "def require_role(view, role=\"reader\", *args, **kwargs):\n    if" in text
    assert await fails(check_decorator_package, lambda: load_with_apidocs(text, tmp_path))


async def check_decorator_package_calls(module: ModuleType) -> None:
    client = module.app.test_client()
    visits = await client.get("/visits")
    assert visits.status_code == 200 and await visits.get_data(as_text=True) == "visits: 1"
    greet = await client.get("/greet/ada")
    assert greet.status_code == 200 and await greet.get_data(as_text=True) == "HELLO ADA!"


async def test_decorator_package_call_spellings_run_under_quart(tmp_path: Path) -> None:
    await check_decorator_package_calls(load_text(converted("decorator_package_calls"), tmp_path))


@pytest.mark.parametrize(
    ("fixed", "broken"),
    [
        ("async def _count_visit(view, *args, **kwargs):\n    g.visits = g.get(\"visits\", 0) + 1\n    return await view(",
         "def _count_visit(view, *args, **kwargs):\n    g.visits = g.get(\"visits\", 0) + 1\n    return view("),
        ("async def _shout(view, *args, **kwargs):\n    text = await view(",
         "def _shout(view, *args, **kwargs):\n    text = view("),
    ],
    ids=["decorator_of_caller", "decorate_in_a_decorator"],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the unawaited view is the point
async def test_decorator_package_call_spellings_left_sync_fail(fixed: str, broken: str, tmp_path: Path) -> None:
    text = undone("decorator_package_calls", fixed, broken)
    assert await fails(check_decorator_package_calls, lambda: load_text(text, tmp_path))

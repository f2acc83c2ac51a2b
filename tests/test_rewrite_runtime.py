"""Some rewrite fixtures are whole little apps: their expected output must also *work* under
Quart, not just look right."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REWRITES = Path(__file__).parent / "fixtures" / "rewrites"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"fixture_{name}", REWRITES / f"{name}.out.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_streamed_generators_stream_under_quart() -> None:
    client = load("stream_views").app.test_client()
    numbers = await client.get("/numbers?n=3")
    assert await numbers.get_data(as_text=True) == "0\n1\n2\n"
    letters = await client.get("/letters?first=q")
    assert await letters.get_data(as_text=True) == "qz"
    plain = await client.get("/plain")
    assert await plain.get_data(as_text=True) == "no request access here\n"


async def test_class_views_and_their_decorators_under_quart() -> None:
    client = load("class_views").app.test_client()
    users = await client.get("/users/")
    assert users.status_code == 302 and users.headers["Location"] == "/login"
    item = await client.get("/items/7")
    assert await item.get_json() == {"id": 7}


async def test_hooks_run_and_sync_callbacks_still_work() -> None:
    module = load("hooks_and_views")
    client = module.app.test_client()
    ping = await client.get("/ping")
    assert ping.headers["X-App"] == "demo" and await ping.get_data(as_text=True) == "pong"
    missing = await client.get("/nowhere")
    assert missing.status_code == 404 and await missing.get_json() == {"error": "not found"}
    posted = await client.post("/async", form={"a": "1"})
    assert await posted.get_json() == {"a": "1"}
    assert module.shout("hi") == "HI"



def test_bridged_command_runs_the_async_fake_from_a_sync_test(tmp_path: Path) -> None:
    """A test invoking a bridged CLI command stays sync; its monkeypatched fake turned async."""
    import os
    import shutil
    import subprocess
    import sys

    shutil.copy(REWRITES / "tests_monkeypatch.out.py", tmp_path / "tests_monkeypatch.py")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error",
         "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function", "tests_monkeypatch.py"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def load_text(name: str, text: str, tmp_path: Path) -> ModuleType:
    """A variant of a fixture's output (e.g. with one rewrite undone), imported from tmp_path."""
    path = tmp_path / f"{name}_variant.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"variant_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_template_macros_render_through_an_async_module() -> None:
    module = load("test_template_macro")
    response = await module.app.test_client().get("/badge?word=hi")
    assert await response.get_data(as_text=True) == "<b class=plain>hi</b><b class=loud>hi</b>"
    await module.test_badge_macro()


async def test_template_macro_load_left_as_get_template_attribute_raises(tmp_path: Path) -> None:
    """Undo the load rewrite: Quart's own get_template_attribute hits Jinja's async-mode refusal."""
    text = (REWRITES / "test_template_macro.out.py").read_text(encoding="utf-8")
    undone = text.replace(
        'getattr(await current_app.jinja_env.get_template("tags.html").make_module_async(), "badge")',
        'get_template_attribute("tags.html", "badge")')
    assert undone != text
    module = load_text("test_template_macro", undone, tmp_path)
    with pytest.raises(RuntimeError, match="async mode"):
        await module.test_badge_macro()


async def test_template_macro_call_left_unawaited_gives_no_text(tmp_path: Path) -> None:
    """Undo only the awaits on the macro calls: the comparison meets a coroutine, never the text."""
    text = (REWRITES / "test_template_macro.out.py").read_text(encoding="utf-8")
    undone = text.replace('assert await badge("new")', 'assert badge("new")')
    assert undone != text
    module = load_text("test_template_macro", undone, tmp_path)
    with pytest.raises(AssertionError):
        await module.test_badge_macro()


async def test_annotated_decorator_awaits_async_views_and_keeps_sync_ones() -> None:
    module = load("annotated_decorator_calls")
    client = module.app.test_client()
    echoed = await client.post("/api/echo_body", json={"text": "hello"})
    assert await echoed.get_json() == {"result": "hello"}
    counted = await client.get("/api/word_count")
    assert await counted.get_json() == {"result": 2}
    assert module.footer_note() == "2 words"


async def test_annotated_decorator_without_the_await_fails(tmp_path: Path) -> None:
    """Undo the maybe-await in the wrapper: jsonify meets the coroutine of the async view."""
    text = (REWRITES / "annotated_decorator_calls.out.py").read_text(encoding="utf-8")
    undone = text.replace(
        "((await _quartify_rv) if inspect.isawaitable(_quartify_rv := fn()) else _quartify_rv)", "fn()")
    assert undone != text
    module = load_text("annotated_decorator_calls", undone, tmp_path)
    module.app.testing = False  # the failure becomes the 500 a client sees
    echoed = await module.app.test_client().post("/api/echo_body", json={"text": "hello"})
    assert echoed.status_code == 500


async def test_offloaded_helper_reads_request_g_and_current_app_in_its_worker_thread() -> None:
    """`await asyncio.to_thread(lookup_twice, key)`: the helper runs off the loop's thread, and
    asyncio.to_thread copies the context, so Quart's request, g and current_app work inside it."""
    client = load("helper_offload").app.test_client()
    response = await client.get("/lookup/ab?who=me", headers={"X-User": "ann"})
    body = await response.get_json()
    assert [entry["key"] for entry in body["found"]] == ["ab", "abab"]
    for entry in body["found"]:
        assert (entry["who"], entry["user"], entry["greeting"]) == ("me", "ann", "hello")
        assert entry["thread"] != body["loop_thread"]
    kept = await client.get("/kept")
    assert await kept.get_json() == {"tables": 0, "paused": "paused"}

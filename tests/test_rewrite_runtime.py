"""Some rewrite fixtures are whole little apps: their expected output must also *work* under
Quart, not just look right."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

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

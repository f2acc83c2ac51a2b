"""What the swaps of `--unsafe-fixes` buy at run time, on the linkshelf sample: with them, four
concurrent requests to a view that waits on a slow upstream (0.4 s, a real HTTP server on
127.0.0.1) overlap; without them the migrated view still calls requests on the event loop and
they queue. The same sample's own suite, run before and after (tests/e2e/test_samples.py),
proves the swapped code answers the same."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parents[1] / "fixtures" / "unsafe_apps" / "linkshelf"
DELAY = 0.4  # the fake upstream's /slow (the sample's tests/conftest.py)

PROBE = """
import asyncio, json, sys, threading, time
from http.server import ThreadingHTTPServer
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
from conftest import Upstream
from linkshelf import create_app

server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
threading.Thread(target=server.serve_forever, daemon=True).start()
app = create_app({"TESTING": True, "DATABASE": sys.argv[2], "UPSTREAM": f"http://127.0.0.1:{server.server_port}"})

async def main():
    client = app.test_client()
    await client.get("/slow")  # warm up: imports, the first connection
    start = time.perf_counter()
    responses = await asyncio.gather(*(client.get("/slow") for _ in range(4)))
    elapsed = time.perf_counter() - start
    bodies = [await r.get_json() for r in responses]
    print(json.dumps({"elapsed": elapsed, "bodies": bodies}))

asyncio.run(main())
server.shutdown()
"""


def migrated(tmp_path: Path, *flags: str) -> Path:
    app_dir = tmp_path / "linkshelf"
    shutil.copytree(SAMPLE, app_dir, ignore=shutil.ignore_patterns("__pycache__", "instance"))
    done = subprocess.run([sys.executable, "-m", "quartify", "migrate", "-q", *flags, str(app_dir)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return app_dir


def four_slow_calls(app_dir: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, str(app_dir), str(app_dir / "probe.sqlite")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    out: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["bodies"] == [{"slow": True}] * 4
    return out


@pytest.mark.parametrize(
    ("flags", "swapped", "overlap"),
    [(("--unsafe-fixes",), True, True), ((), False, True), (("--blocking", "todo"), False, False)],
    ids=["unsafe-fixes", "default", "blocking-todo"],
)
def test_slow_upstream_calls_overlap_unless_left_on_the_loop(
    tmp_path: Path, flags: tuple[str, ...], swapped: bool, overlap: bool
) -> None:
    """httpx (`--unsafe-fixes`) and the default thread offload both let the four calls overlap;
    only `--blocking todo` leaves requests on the loop, one call at a time."""
    app_dir = migrated(tmp_path, *flags)
    views = (app_dir / "linkshelf" / "views.py").read_text()
    assert ("quartify_http.client().get(" in views) is swapped
    assert ("asyncio.to_thread(" in views) is (overlap and not swapped)
    elapsed = four_slow_calls(app_dir)["elapsed"]
    assert isinstance(elapsed, float)
    if overlap:
        assert elapsed < 2.5 * DELAY, f"4 calls took {elapsed:.2f}s: they did not overlap"
    else:
        assert elapsed >= 3.5 * DELAY, f"4 calls took {elapsed:.2f}s: requests no longer blocks the loop?"

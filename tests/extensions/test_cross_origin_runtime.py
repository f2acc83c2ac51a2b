"""`@cross_origin(...)` -> `@route_cors(...)` sends the CORS headers Flask-CORS sent: the fixture
app runs under Flask with Flask-CORS and, migrated, under Quart with Quart-CORS; a simple request
and a preflight, each with an Origin header, get the same Access-Control-* answers on every route.
Flask-CORS is installed with `--no-deps --target` (it needs PyPI, like test_native_rows.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import migrate_one, output_of

FIXTURE = Path(__file__).parent.parent / "fixtures" / "rewrites" / "cors_cross_origin.in.py"
ROUTES = ("/public", "/echo", "/partners")
ORIGIN = "https://a.example"
# Compared headers (Vary is not: Quart-CORS adds `Vary: Origin` for a single listed origin).
HEADERS = ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
           "Access-Control-Allow-Methods", "Access-Control-Max-Age")

FLASK_PROBE = f'''
import json, app
client = app.app.test_client()
out = {{}}
for path in {ROUTES!r}:
    simple = client.get(path, headers={{"Origin": "{ORIGIN}"}})
    pre = client.options(path, headers={{"Origin": "{ORIGIN}", "Access-Control-Request-Method": "PUT"}})
    out[path] = [simple.status_code, dict(simple.headers), dict(pre.headers)]
print(json.dumps(out))
'''
QUART_PROBE = f'''
import asyncio, json, app
async def main():
    client = app.app.test_client()
    out = {{}}
    for path in {ROUTES!r}:
        simple = await client.get(path, headers={{"Origin": "{ORIGIN}"}})
        pre = await client.options(path, headers={{"Origin": "{ORIGIN}", "Access-Control-Request-Method": "PUT"}})
        out[path] = [simple.status_code, dict(simple.headers), dict(pre.headers)]
    print(json.dumps(out))
asyncio.run(main())
'''


@pytest.fixture(scope="module")
def flask_cors_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("flask-cors-site")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                           "flask-cors>=6"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


def _probe(directory: Path, source: str, probe: str, site: Path) -> dict[str, list[object]]:
    (directory / "app.py").write_text(source, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(directory), str(site)])}
    proc = subprocess.run([sys.executable, "-c", probe], cwd=directory, capture_output=True, text=True, env=env,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    answers: dict[str, list[object]] = json.loads(proc.stdout)
    return answers


def _cors(headers: object) -> dict[str, str]:
    assert isinstance(headers, dict)
    lower = {str(k).lower(): str(v) for k, v in headers.items()}  # Quart's test client lower-cases names
    # A list header compares as its set of items (the default method lists differ only in order).
    return {h: ", ".join(sorted(item.strip() for item in lower[h.lower()].split(",")))
            for h in HEADERS if lower.get(h.lower())}


def test_route_cors_answers_as_cross_origin_did(tmp_path: Path, flask_cors_site: Path) -> None:
    source = FIXTURE.read_text(encoding="utf-8")
    (tmp_path / "flask").mkdir()
    (tmp_path / "quart").mkdir()
    before = _probe(tmp_path / "flask", source, FLASK_PROBE, flask_cors_site)
    migrated = output_of(migrate_one(source, "app.py"))
    assert "flask_cors" not in migrated
    after = _probe(tmp_path / "quart", migrated, QUART_PROBE, flask_cors_site)
    for path in ROUTES:
        status, simple, preflight = before[path]
        assert after[path][0] == status == 200
        assert _cors(simple)["Access-Control-Allow-Origin"] in ("*", ORIGIN)
        assert _cors(after[path][1]) == _cors(simple), path
        assert _cors(after[path][2]) == _cors(preflight), path

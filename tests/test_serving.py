"""Green-thread stacks and development servers: reported with the Hypercorn way to serve a
Quart app, and app.run() keywords Quart would ignore dropped."""

from __future__ import annotations

from pathlib import Path

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from tests.helpers import migrate_one

SERVING = (Path(__file__).parent / "fixtures" / "rewrites" / "serving.in.py").read_text(encoding="utf-8")


def codes_by_line(source: str) -> dict[int, set[str]]:
    result = migrate_one(source, "serving.py")
    found: dict[int, set[str]] = {}
    for finding in result.findings:
        found.setdefault(finding.line, set()).add(finding.code)
    return found


def test_monkey_patching_socketio_and_app_run_are_reported() -> None:
    found = codes_by_line(SERVING)
    assert "QFY160" in found[3]  # monkey.patch_all()
    assert "QFY161" in found[12]  # @socketio.on handler
    assert "QFY162" in found[18]  # app.run(...)
    assert "QFY161" in found[19]  # socketio.run(app)


def test_app_run_keeps_what_quart_takes_and_renames_tls() -> None:
    out = migrate_one(SERVING, "serving.py").new_source
    assert out is not None
    assert 'app.run(host="0.0.0.0", port=8443, certfile="cert.pem", keyfile="key.pem", debug=False)' in out


def test_green_gunicorn_worker_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gunicorn.conf.py").write_text('bind = "0.0.0.0:8000"\nworker_class = "eventlet"\n', encoding="utf-8")
    (tmp_path / "other.py").write_text('worker_class = "sync"\n', encoding="utf-8")
    findings = migrate_paths([tmp_path], Options()).all_findings()
    assert [(f.path, f.line, f.code) for f in findings] == [("gunicorn.conf.py", 2, "QFY163")]
    assert "hypercorn" in findings[0].message

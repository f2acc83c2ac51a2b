"""Where the per-file work runs must not change what it finds: a run planned, transformed and
verified in a pool forked after solving, the same run without fork (transforms in the index
pool, plans and verification in the calling process) and a run in one process give the same
files, texts and findings."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from quartify.core.config import Options
from quartify.core.pipeline import InputFile, migrate
from quartify.core.types import RunResult
from quartify.core.workers import Workers

HELPER = """\
from flask import request


def read_{n}():
    return request.get_json()["v{n}"]
"""

VIEW = """\
from flask import Blueprint

from helper_{n} import read_{n}

bp = Blueprint("b{n}", __name__)


@bp.route("/{n}", methods=["POST"])
def view_{n}():
    return str(read_{n}())
"""

BROKEN = "def oops(:\n    pass\n"


def _files() -> dict[str, str]:
    files = {f"helper_{n}.py": HELPER.format(n=n) for n in range(6)}
    files.update({f"view_{n}.py": VIEW.format(n=n) for n in range(6)})
    files["plain.py"] = "def add(a, b):\n    return a + b\n"
    files["broken.py"] = BROKEN
    return files


def _run(jobs: int) -> RunResult:
    inputs = [InputFile(Path(name), name, name[:-3], False, text.encode()) for name, text in _files().items()]
    return migrate(inputs, Options(jobs=jobs))


def _outcome(result: RunResult) -> list[tuple[str, str, str | None, list[str]]]:
    return [(r.path.as_posix(), r.status.value, r.new_source,
             sorted(f"{f.code}:{f.line}:{f.message}" for f in r.findings)) for r in result.files]


def test_forked_split_and_serial_runs_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _outcome(_run(1))
    contexts: list[str | None] = []
    real = multiprocessing.get_context

    def spy(method: str | None = None) -> Any:
        contexts.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    forked = _outcome(_run(2))
    assert "fork" in contexts  # the pool after solving was forked (the index pool asks for the default)
    monkeypatch.setattr(Workers, "can_fork", property(lambda self: False))
    split = _outcome(_run(2))
    assert forked == serial
    assert split == serial
    changed = {path for path, status, _new, _findings in serial if status == "changed"}
    assert changed == {f"helper_{n}.py" for n in range(6)} | {f"view_{n}.py" for n in range(6)}
    assert any(path == "broken.py" and status == "failed" for path, status, _new, _findings in serial)


def _square(n: int) -> int:
    return n * n


def test_the_index_pool_runs_the_callers_work_while_its_workers_answer_in_order() -> None:
    calls: list[str] = []
    pool = Workers(2)
    try:
        answers = pool.map(_square, [(n,) for n in range(40)], meanwhile=lambda: calls.append("meanwhile"))
    finally:
        pool.close()
    assert answers == [n * n for n in range(40)]
    assert calls == ["meanwhile"]
    calls.clear()
    assert Workers(1).map(_square, [(3,), (4,)], meanwhile=lambda: calls.append("meanwhile")) == [9, 16]
    assert calls == []  # no pool to wait for: what it loads is loaded when needed, if at all


def test_a_run_that_forks_after_solving_loads_the_rewrites_while_indexing(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    preload, plan = Workers.preload, Workers.plan_transform_verify

    def spy_preload(self: Workers) -> None:
        order.append("preload")
        preload(self)

    def spy_plan(self: Workers, *args: Any) -> Any:
        order.append("plan")
        return plan(self, *args)

    monkeypatch.setattr(Workers, "preload", spy_preload)
    monkeypatch.setattr(Workers, "plan_transform_verify", spy_plan)
    _run(2)
    assert order[:2] == ["preload", "plan"]  # loaded during the index stage, before the plan pool forks
    order.clear()
    _run(1)
    assert "preload" not in order  # one process: nothing forks, nothing is loaded ahead

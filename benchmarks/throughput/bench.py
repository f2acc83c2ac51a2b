"""The run's shared state and small steps: where things are, the endpoints, one measured server.

``Bench`` carries the virtualenv, the work directory and wrk, and collects one report row per
server and endpoint; a server that fails to start or a wrk run that fails becomes a row that
says why (and makes the run exit 1) instead of a number.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import subprocess
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from . import loadgen, report, servers, venv

HERE = Path(__file__).parent
REPO = HERE.parent.parent
UPSTREAM_DELAY_MS = 50.0
ROUNDS_AT = 50  # the concurrency of the acceptance ratios, taken in several rounds

ENDPOINTS = (
    report.Endpoint("io-bound", "/io", f"io-bound: the view calls an upstream answering after {UPSTREAM_DELAY_MS:g} ms"),
    report.Endpoint("sqlite", "/db", "sqlite: get_db()/g.db/teardown, one query on a 60-row table"),
    report.Endpoint("cpu-trivial", "/cpu", "cpu-trivial: a little arithmetic, JSON out"),
)


@dataclass(frozen=True)
class Settings:
    quartify_src: Path
    venv_dir: Path
    seconds: int
    warmup: int
    concurrencies: tuple[int, ...]
    max_requests: int
    keep: bool
    doc: Path | None = None
    rounds: int = 3  # interleaved rounds of every cell at concurrency 50 (the acceptance ratios)
    hypercorn_workers: int = 0  # 0: one per core
    asyncio_workers: bool = False  # also serve each quartify output under Hypercorn's asyncio worker
    also_workers: tuple[int, ...] = ()  # also serve the default output with these worker counts


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def seed_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE parts (sku TEXT PRIMARY KEY, name TEXT NOT NULL, stock INTEGER NOT NULL)")
        db.executemany("INSERT INTO parts VALUES (?, ?, ?)",
                       [(f"P-{n:03d}", f"part number {n}", (n * 37) % 101) for n in range(60)])


def describe_checkout(src: Path) -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(src), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "not a git checkout"
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"{src} at {git('rev-parse', '--abbrev-ref', 'HEAD')} {commit}{dirty}"


@dataclass(frozen=True)
class Target:
    """A server to measure on some endpoints, or (spec None) the reason it cannot be served."""

    series: str
    label: str
    spec: servers.ServerSpec | None
    endpoints: tuple[report.Endpoint, ...]
    error: str = ""
    only_at: tuple[int, ...] = ()  # the concurrencies to measure it at (empty: all)


class Bench:
    """Holds the run's environment, measures the targets and collects one row per target and endpoint."""

    def __init__(self, settings: Settings, env: venv.BenchEnv, work: Path, wrk: str, cores: int) -> None:
        self.cores = cores
        self.settings = settings
        self.env = env
        self.work = work
        self.wrk = wrk
        self.rows: list[report.Row] = []
        self.failed = False
        self.server_env: dict[str, str] = {}
        self.checkout = describe_checkout(settings.quartify_src)  # once: the checkout may move during the run

    def load(self, connections: int, seconds: int) -> loadgen.Load:
        return loadgen.Load(connections, seconds, self.settings.max_requests)

    def settle(self, spec: servers.ServerSpec) -> None:
        waited = servers.settle(spec, probes=2 * self.cores)
        if waited > 2:
            log(f"  (waited {waited:.0f} s for {spec.label} to drain its queue)")

    def _start(self, targets: Sequence[Target], stack: ExitStack) -> tuple[list[tuple[Target, servers.Started]], dict[str, str]]:
        """Launch every server at once, then wait for each; the live ones and why the others are not."""
        launched: list[tuple[Target, servers.Started]] = []
        refused = {t.series: t.error for t in targets if t.spec is None}
        for target in targets:
            if target.spec is not None:
                started = servers.start(target.spec, self.work / f"{target.series}.log")
                stack.callback(started.stop)
                launched.append((target, started))
        deadline = time.monotonic() + 60
        live = []
        for target, started in launched:
            try:
                started.wait_ready(deadline)
                live.append((target, started))
            except servers.ServerError as error:
                refused[target.series] = str(error)
        return live, refused

    def measure_all(self, targets: Sequence[Target], endpoints: Sequence[report.Endpoint]) -> None:
        """Serve every target at once and take each endpoint and concurrency across all of them in turn.

        Interleaving keeps the two numbers of every ratio seconds apart, so a change in the
        shared machine's load between them is small; a warm-up precedes each server's first
        cell, and every cell is followed by a settle (see servers.settle).
        """
        with ExitStack() as stack:
            live, refused = self._start(targets, stack)
            for series, reason in refused.items():
                log(f"FAILED {series}: {reason}")
            cells: dict[tuple[str, str], dict[int, list[loadgen.Measurement]]] = {}
            broken: dict[tuple[str, str], str] = {}
            warmed: set[str] = set()
            for endpoint in endpoints:
                for concurrency in self.settings.concurrencies:
                    rounds = self.settings.rounds if concurrency == ROUNDS_AT else 1
                    for number in range(rounds):
                        for target, started in live:
                            if (endpoint in target.endpoints and (target.series, endpoint.key) not in broken
                                    and concurrency in (target.only_at or (concurrency,))):
                                self._cell(target, started, endpoint, concurrency, target.series not in warmed, cells,
                                           broken)
                                warmed.add(target.series)
                        taken = [f"{t.series} {cells[(t.series, endpoint.key)][concurrency][-1].ok_per_second:.0f}"
                                 for t, _ in live if concurrency in cells.get((t.series, endpoint.key), {})]
                        which = f" round {number + 1}/{rounds}" if rounds > 1 else ""
                        log(f"{endpoint.key} c={concurrency}{which} req/s: " + ", ".join(taken))
        self.failed = self.failed or bool(refused) or bool(broken)
        for target in targets:
            for endpoint in target.endpoints:
                key = (target.series, endpoint.key)
                error = refused.get(target.series) or broken.get(key, "")
                taken = cells.get(key, {})
                median = {c: report.median_round(ms) for c, ms in taken.items()}
                repeated = {c: tuple(ms) for c, ms in taken.items() if len(ms) > 1}
                self.rows.append(report.Row(target.series, target.label, endpoint.key, median, error, repeated))

    def _cell(self, target: Target, started: servers.Started, endpoint: report.Endpoint, concurrency: int, warm_up: bool,
              cells: dict[tuple[str, str], dict[int, list[loadgen.Measurement]]], broken: dict[tuple[str, str], str]) -> None:
        assert target.spec is not None
        key = (target.series, endpoint.key)
        url = target.spec.url(endpoint.path)
        try:
            if warm_up and self.settings.warmup > 0:
                loadgen.drive(self.wrk, url, self.load(concurrency, self.settings.warmup))
                self.settle(target.spec)
            cpu_before = started.cpu_seconds()
            measured = loadgen.drive(self.wrk, url, self.load(concurrency, self.settings.seconds))
            cpu = started.cpu_seconds() - cpu_before
            cells.setdefault(key, {}).setdefault(concurrency, []).append(dataclasses.replace(measured, server_cpu_s=cpu))
            self.settle(target.spec)
        except (loadgen.LoadGenError, OSError, subprocess.SubprocessError) as error:
            broken[key] = str(error)
            log(f"FAILED {target.label} on {endpoint.path}: {error}")


def measure_upstream(bench: Bench, url: str) -> str:
    top = max(bench.settings.concurrencies)
    cell = loadgen.drive(bench.wrk, url, bench.load(top, bench.settings.seconds))
    ideal = top / (UPSTREAM_DELAY_MS / 1000.0)
    verdict = "ok" if cell.p50_ms < UPSTREAM_DELAY_MS * 1.5 and not cell.errors else "WARNING: the upstream is slow, app numbers are capped by it"
    return (f"fake upstream alone at c={top}: {cell.ok_per_second:.0f} req/s (ceiling {ideal:.0f} for a {UPSTREAM_DELAY_MS:g} ms answer), "
            f"p50 {cell.p50_ms:.1f} ms, p99 {cell.p99_ms:.1f} ms, {cell.errors} errors: {verdict}")

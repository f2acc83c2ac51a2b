"""What is served and measured, in which order, and what is printed at the end.

Flask runs under gunicorn (sync and gthread, 2 x cores workers, the usual advice); each
quartify output and the hand-written reference run under Hypercorn (cores workers unless
``--hypercorn-workers``; uvloop workers, and asyncio ones too with ``--asyncio``). quartify's
default output is compared with ``--blocking todo`` and ``--blocking thread`` by fingerprint:
an identical output is measured once and shared. ``--blocking todo`` differs from the default
only in the io-bound view (the sqlite3 calls are thread-affine and stay in both, the cpu view
blocks nothing), so it is measured there only.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from . import migrate, report, servers
from .bench import (
    ENDPOINTS,
    HERE,
    ROUNDS_AT,
    UPSTREAM_DELAY_MS,
    Bench,
    Target,
    log,
    measure_upstream,
    seed_database,
)

GTHREAD_THREADS = 8
IO = ENDPOINTS[0]


def alias_of_default(migrations: dict[str, migrate.Migrated], name: str) -> bool:
    default, other = migrations["default"], migrations[name]
    return bool(default.fingerprint) and default.fingerprint == other.fingerprint


def hypercorn_workers(bench: Bench) -> int:
    return bench.settings.hypercorn_workers or bench.cores


def variant_target(bench: Bench, migrated: migrate.Migrated, series: str, label: str, worker_class: str,
                   endpoints: tuple[report.Endpoint, ...] = ENDPOINTS, only_at: tuple[int, ...] = (),
                   workers: int = 0) -> Target:
    workers = workers or hypercorn_workers(bench)
    full_label = f"{label}: hypercorn {worker_class} x{workers}"
    if migrated.directory is None:
        return Target(series, full_label, None, endpoints, migrated.error, only_at)
    spec = servers.hypercorn(bench.env.bin, migrated.directory, "partsdesk", worker_class, workers, label, "/cpu",
                             bench.server_env)
    return Target(series, full_label, spec, endpoints, only_at=only_at)


def flask_target(bench: Bench, app_dir: Path, series: str, worker_class: str) -> Target:
    spec = servers.gunicorn(bench.env.bin, app_dir, worker_class, 2 * bench.cores, GTHREAD_THREADS, bench.server_env)
    return Target(series, spec.label, spec, ENDPOINTS)


def migrate_all(bench: Bench) -> dict[str, migrate.Migrated]:
    """Every variant, migrated concurrently (each is a quartify process of its own)."""
    quartify = bench.env.tool("quartify")
    with ThreadPoolExecutor(max_workers=len(migrate.VARIANTS)) as pool:
        done = pool.map(lambda v: migrate.migrate(quartify, v, bench.work / f"app-{v.name}"), migrate.VARIANTS)
        migrations = {m.variant.name: m for m in done}
    for migrated in migrations.values():
        log(f"{migrated.variant.command_line}: {migrated.error or 'ok, output ' + migrated.fingerprint[:10]}")
    return migrations


def summary_columns(mode_series: dict[str, str], also_workers: tuple[int, ...] = ()) -> list[tuple[str, str]]:
    """The summary's columns, (series, heading): the default first, then what it is weighed against."""
    columns = [("default-uvloop", "default (uvloop)")]
    columns += [(f"default-uvloop-w{n}", f"default, {n} workers") for n in also_workers]
    columns += [(series, f"--blocking {name}") for name, series in mode_series.items() if series != "default-uvloop"]
    return columns + [("unsafe-uvloop", "--unsafe-fixes"), ("reference-uvloop", "hand-written httpx"),
                      ("flask-gthread", "Flask gthread")]


def run(bench: Bench, started: float) -> int:
    work = bench.work
    database = work / "partsdesk.sqlite3"
    seed_database(database)
    with ExitStack() as stack:
        port = servers.free_port()
        upstream = servers.ServerSpec(
            "fake upstream", (str(bench.env.python), str(HERE / "upstream.py"), "--port", str(port),
                              "--delay-ms", f"{UPSTREAM_DELAY_MS:g}"),
            HERE, port, "/quote")
        stack.enter_context(servers.running(upstream, work / "upstream.log"))
        bench.server_env = {"PARTSDESK_UPSTREAM": upstream.url("/quote"), "PARTSDESK_DB": str(database)}
        upstream_line = measure_upstream(bench, upstream.url("/quote"))
        log(upstream_line)

        migrations = migrate_all(bench)
        flask_dir = migrate.copy_app(work / "app-flask")
        targets = [flask_target(bench, flask_dir, "flask-sync", "sync"), flask_target(bench, flask_dir, "flask-gthread", "gthread")]
        same = [name for name in ("todo", "thread") if alias_of_default(migrations, name)]
        default_label = "quartify default" + (f" (={same[0]})" if same else "")
        worker_classes = ("asyncio", "uvloop") if bench.settings.asyncio_workers else ("uvloop",)
        targets += [variant_target(bench, migrations["default"], f"default-{wc}", default_label, wc) for wc in worker_classes]
        targets += [variant_target(bench, migrations["default"], f"default-uvloop-w{n}", default_label, "uvloop", workers=n)
                    for n in bench.settings.also_workers]
        mode_series = {}
        for name in ("todo", "thread"):
            mode_series[name] = "default-uvloop" if name in same else f"{name}-uvloop"
            if name not in same:
                # todo only where it differs (the io view) and where the acceptance is read (c=50):
                # it blocks, so every other cell would only add a long drain.
                targets.append(variant_target(bench, migrations[name], mode_series[name], f"quartify --blocking {name}",
                                              "uvloop", *(((IO,), (ROUNDS_AT,)) if name == "todo" else (ENDPOINTS, ()))))
        targets += [variant_target(bench, migrations["unsafe-fixes"], f"unsafe-{wc}", "quartify --unsafe-fixes", wc)
                    for wc in worker_classes]
        reference = servers.hypercorn(bench.env.bin, HERE / "reference", "partsdesk_async", "uvloop",
                                      hypercorn_workers(bench), "hand-written httpx", "/io", bench.server_env)
        targets.append(Target("reference-uvloop", reference.label, reference, (IO,)))
        load_before = os.getloadavg()[0]
        bench.measure_all(targets, ENDPOINTS)

    s = bench.settings
    unsafe = migrations["unsafe-fixes"]
    unsafe_reason = unsafe.error or next((r.error for r in bench.rows if r.series == "unsafe-uvloop" and r.error), "")
    lines = [
        (f"machine: {bench.cores} cores, {os.uname().sysname} {os.uname().release}; shared with other work, so compare ratios "
         "within this run only; loopback only"),
        (f"load: wrk 1 thread, {s.seconds} s per cell after a {s.warmup} s warm-up per server; all servers up at once, "
         "each endpoint and concurrency taken across them in turn"
         + (f" ({s.rounds} rounds at c=50)" if s.rounds > 1 else "")
         + "; each cell followed by a drain of the server's queue"),
        (f"workers: gunicorn {2 * bench.cores} (2 x cores), Hypercorn {hypercorn_workers(bench)}"
         f"{' (cores)' if not s.hypercorn_workers else ''}; --blocking todo measured on the io-bound view at c=50 only "
         "(its other views are the default's code)"),
        f"quartify: {bench.checkout}",
        f"virtualenv: {bench.env.setup}",
        upstream_line,
        f"load average (1 min): {load_before:.1f} before the first cell, {os.getloadavg()[0]:.1f} after the last",
        ("req/s: successful responses per second; p50/p99: latency in ms; cpu/r: the server's CPU ms per response "
         "(master and workers; shown when a cell served at least as many responses as it had connections); xsync: req/s over Flask gunicorn sync's, same endpoint and concurrency; "
         + (f"(={same[0]}): quartify's default output is identical to --blocking {same[0]}'s, measured once; " if same else "")
         + f"at c={ROUNDS_AT} the row shows the median round and xsync the median of the per-round ratios"),
        "",
        report.format_table(ENDPOINTS, bench.rows, s.concurrencies),
        "",
        report.format_summary(ENDPOINTS, bench.rows, summary_columns(mode_series, s.also_workers), ROUNDS_AT),
        report.never_slower(ENDPOINTS, bench.rows, "default-uvloop", ROUNDS_AT),
        f"run took {time.monotonic() - started:.0f} s",
        report.last_line(report.ratio(bench.rows, "default-uvloop", IO.key, 50),
                         report.ratio(bench.rows, "unsafe-uvloop", IO.key, 50), unsafe_reason),
    ]
    text = "\n".join(lines)
    if s.doc is not None:
        report.write_into_doc(s.doc, text, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        log(f"wrote the table into {s.doc}")
    print()
    print(text)
    sys.stdout.flush()
    return 1 if bench.failed else 0

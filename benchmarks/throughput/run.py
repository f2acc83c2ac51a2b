"""Entry of the throughput benchmark: arguments, the virtualenv, the work directory, then the plan.

The order is fixed: the fake upstream alone first (it must not be the bottleneck), then
every server at once, each endpoint and concurrency taken across them in turn (see
bench.Bench.measure_all). Failures are printed where they happen and make the run exit 1;
nothing is skipped silently.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from . import loadgen, plan, servers, venv
from .bench import HERE, REPO, Bench, Settings, log

DEFAULT_VENV = HERE.parent / ".venv-throughput"


def parse_args(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(prog="benchmarks/throughput.py", description="Throughput of a Flask app before and after quartify.")
    parser.add_argument("--quartify-src", type=Path, default=REPO, help="quartify checkout to install and migrate with (default: this repo)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="the benchmark's virtualenv (created or reused)")
    parser.add_argument("--seconds", type=int, default=2, help="measured seconds per cell")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up seconds per server, before its first cell")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--max-requests", type=int, default=100_000, help="request cap per cell (the time cap is --seconds)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds of every cell at concurrency 50; ratios there are the median over them")
    parser.add_argument("--hypercorn-workers", type=int, default=0,
                        help="Hypercorn workers per quartify output (default: one per core; gunicorn gets 2 x cores)")
    parser.add_argument("--also-workers", type=int, nargs="+", default=[],
                        help="also serve quartify's default output with these Hypercorn worker counts (same run)")
    parser.add_argument("--asyncio", action="store_true",
                        help="also serve each quartify output under Hypercorn's asyncio worker (uvloop only by default)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (migrated apps, server logs)")
    parser.add_argument("--doc", type=Path, help="also write the table between the throughput markers of this file (docs/performance.md)")
    args = parser.parse_args(argv)
    if 50 not in args.concurrency:
        parser.error("--concurrency must include 50 (the last line's ratio is taken there)")
    if args.rounds < 1 or args.hypercorn_workers < 0:
        parser.error("--rounds must be at least 1 and --hypercorn-workers at least 0")
    return Settings(args.quartify_src.resolve(), args.venv.resolve(), args.seconds, args.warmup,
                    tuple(sorted(set(args.concurrency))), args.max_requests, args.keep,
                    args.doc.resolve() if args.doc else None, args.rounds, args.hypercorn_workers, args.asyncio,
                    tuple(args.also_workers))


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_args(argv)
    started = time.monotonic()
    try:
        wrk = loadgen.find_wrk()
    except loadgen.LoadGenError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    env = venv.ensure_env(settings.venv_dir, settings.quartify_src, log)
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="quartify-throughput-"))
    bench = Bench(settings, env, work, wrk, cores)
    log(f"quartify: {bench.checkout}; work directory {work}")
    try:
        return plan.run(bench, started)
    except servers.ServerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if settings.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

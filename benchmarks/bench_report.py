"""Time the full report run on the bundled example app: migration, all four report formats and
the mypy type-check pass, and print what share of the total the type check takes.

Usage: python benchmarks/bench_report.py [APP_DIR] [--runs N]
The app is copied to a temporary directory and migrated with --check, so nothing is written.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", nargs="?", type=Path, default=ROOT / "examples" / "bookshelf")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "app"
        shutil.copytree(args.app, app, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "instance"))
        out = Path(tmp) / "reports"
        base = [sys.executable, "-m", "quartify", "migrate", "--check", "-q", str(app)]
        reports = [f"--report={fmt}:{out / ('r.' + fmt)}" for fmt in ("json", "sarif", "md", "html")]
        timed(base, app)  # warm imports and the OS cache
        plain = [timed(base, app) for _ in range(args.runs)]
        with_reports = [timed([*base, *reports], app) for _ in range(args.runs)]
        full = [timed([*base, *reports, "--typecheck"], app) for _ in range(args.runs)]
    migrate_s = statistics.median(plain)
    reports_s = statistics.median(with_reports)
    full_s = statistics.median(full)
    typecheck_s = max(full_s - reports_s, 0.0)
    print(f"app:                         {args.app}")
    print(f"runs per figure (median):    {args.runs}")
    print(f"migrate --check:             {migrate_s:.2f}s")
    print(f"+ json/sarif/md/html:        {reports_s:.2f}s  (reports {max(reports_s - migrate_s, 0):.2f}s)")
    print(f"+ --typecheck (full report): {full_s:.2f}s")
    print(f"type-check share of total:   {100 * typecheck_s / full_s:.0f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time one large generated module: the transform's cost must follow the edits, not blow up.

Writes a deterministic Flask module of about 1 MB (`--pairs` views, each with a helper that
reads `request.get_json()`; every function is edited: all become `async def`, every request
read and helper call gets an `await`), then runs
`quartify migrate --check --jobs 1 --max-file-size 0` on it in a child process and prints the
child's CPU seconds and peak RSS.

    python benchmarks/bench_large_module.py [--pairs 4000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def module_text(pairs: int) -> str:
    parts = ['"""A generated app: one large module of views and helpers."""\n',
             "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n"]
    for i in range(pairs):
        parts.append(
            f"\n\ndef helper_{i}(key):\n"
            f"    data = request.get_json()\n"
            f"    # the value for key, or the default\n"
            f"    return data.get(key, {i})\n"
            f"\n\n@app.route('/v{i}', methods=['POST'])\n"
            f"def view_{i}():\n"
            f"    name = request.form['name']\n"
            f"    value = helper_{i}(name)\n"
            f"    return jsonify(name=name, value=value, n={i})\n"
        )
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=4000, help="views (each with a helper); 4000 is about 1 MB")
    parser.add_argument("--keep", type=Path, help="write the module here instead of a temporary directory")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        path = where / "app.py"
        text = module_text(args.pairs)
        path.write_text(text)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "quartify", "migrate", "--check", "--jobs", "1", "--max-file-size", "0", str(where)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=where)  # no stray quartify on sys.path
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"module: {len(text.encode()) / 1e6:.2f} MB, {text.count(chr(10)):,} lines, {2 * args.pairs:,} functions")
    print(f"quartify migrate --check: exit {done.returncode}, wall {wall:.1f} s, CPU {cpu:.1f} s, "
          f"peak RSS {after.ru_maxrss / 1024:.0f} MiB")
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

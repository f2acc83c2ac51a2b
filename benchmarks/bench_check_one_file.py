"""Time what a pre-commit hook or an editor pays: `quartify migrate --check ONE_FILE` on a large
project, as a whole process (interpreter start included), with a cold and a warm index cache.

A one-file check solves the whole project (colouring is a whole-repo fact), so its cost is the
interpreter and imports, reading and hashing every file, loading every file's index from the
cache (or indexing it, cold), and linking and solving the whole repo; a re-check of a project
unchanged since the last run reads that run's stored result instead (core/run_cache.py), so the
warm case is printed twice: unchanged, and with the checked file edited before each run. This script generates the
benchmark_pipeline repo (~N lines, seeded), makes it a project (pyproject.toml), and prints the
median wall time of each command over --runs runs beside `python -c pass` measured in the same
run, then where a warm run's time goes (in-process, per stage). Numbers are printed, never
asserted: the machine decides them.

    python benchmarks/bench_check_one_file.py [--generate-lines N] [--runs N] [--unmigrated]
    python benchmarks/bench_check_one_file.py --repo PATH --file REL [--runs N] [--unmigrated]

--repo checks a copy of an existing project instead (a real one, such as CTFd), --file naming
the file to check and edit, relative to it. By default the repo is migrated first (the steady state a pre-commit hook sees: the checked
file has nothing to change); --unmigrated checks it as generated (Flask code everywhere).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_pipeline import PACKAGE, generate  # noqa: E402

# What `migrate --check -q` imports when the run cache answers (see core/paths.py; a quiet run
# with no report to write loads no rich and no report module, cli/main.py).
CHECK_IMPORTS = "quartify.cli.main, quartify.core.paths, quartify.core.finish"

PYPROJECT = """[project]
name = "synthapp"

[tool.pytest.ini_options]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall(command: list[str], cwd: Path, env: dict[str, str], before: tuple[Path, ...] = ()) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system: what a busy machine does not inflate), exit code."""
    for path in before:
        shutil.rmtree(path, ignore_errors=True)
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, _children_cpu() - cpu, done.returncode


def median_of(runs: int, command: list[str], cwd: Path, env: dict[str, str], before: tuple[Path, ...] = (),
              prepare: Callable[[], None] | None = None) -> str:
    """'W ms wall, C ms CPU (exit N)': medians over `runs` runs."""
    walls, cpus, codes = [], [], set()
    for _ in range(runs):
        if prepare is not None:
            prepare()
        seconds, cpu, code = wall(command, cwd, env, before)
        walls.append(seconds)
        cpus.append(cpu)
        codes.add(code)
    return f"{statistics.median(walls) * 1000:.0f} ms wall, {statistics.median(cpus) * 1000:.0f} ms CPU (exit {max(codes)})"


def stages(root: Path, target: Path, cache: Path) -> list[tuple[str, float]]:
    """One warm run in this process, by stage (imports are already paid here)."""
    from quartify.core.config import Options
    from quartify.core.paths import migrate_paths

    start, cpu = time.perf_counter(), time.process_time()
    result = migrate_paths([target], Options(), whole_project=True, use_cache=True, cache_dir=cache)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    return [*result.timings, ("total in process", total), ("total in process, CPU", cpu)]


def import_cost(env: dict[str, str], cwd: Path, modules: str) -> float:
    code = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return float(done.stdout)


class Edits:
    """Appends a new comment to the checked file before each run (what a pre-commit hook sees
    after an edit: that file's index and the stored run are misses, every other file's index is
    a hit), and restores the file afterwards."""

    def __init__(self, target: Path) -> None:
        self.target, self.original, self.count = target, target.read_bytes(), 0

    def __call__(self) -> None:
        self.count += 1
        # never a text an earlier run saw (whose stored run would answer)
        self.target.write_bytes(self.original + f"\n# edit {self.count} {time.time_ns()}\n".encode())

    def restore(self) -> None:
        self.target.write_bytes(self.original)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate-lines", type=int, default=50_000, metavar="N")
    parser.add_argument("--runs", type=int, default=5, metavar="N", help="runs per command (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--unmigrated", action="store_true", help="check the repo as generated, not migrated")
    parser.add_argument("--keep", action="store_true", help="keep the generated repo and print its path")
    parser.add_argument("--repo", type=Path, help="check a copy of this project instead of a generated one")
    parser.add_argument("--file", default=f"{PACKAGE}/helpers/h_003.py",
                        help="the file to check and edit, relative to the project")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="quartify-bench-one-"))
    try:
        root = workdir / "repo"
        if args.repo is not None:
            shutil.copytree(args.repo, root, ignore=shutil.ignore_patterns(".git", ".quartify_cache", "__pycache__"))
            sources = list(root.rglob("*.py"))
            files, lines = len(sources), sum(len(f.read_bytes().splitlines()) for f in sources)
        else:
            root.mkdir()
            files, lines = generate(root, args.generate_lines, args.seed)
            (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
        env.pop("QUARTIFY_CACHE_DIR", None)
        # An installed quartify has its bytecode compiled (pip does it); a checkout run with
        # PYTHONDONTWRITEBYTECODE=1 compiles every module at every start (~0.4 s here). Measure
        # the installed case: bytecode is written once, under the work directory.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
        subprocess.run([sys.executable, "-m", "quartify", "--version"], env=env, check=True, stdout=subprocess.DEVNULL)
        quartify = [sys.executable, "-m", "quartify"]
        if not args.unmigrated:
            subprocess.run([*quartify, "migrate", "-q", "--no-cache", str(root)], env=env, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        target = root / args.file
        cache = root / ".quartify_cache"
        check = [*quartify, "migrate", "--check", "-q", str(target.relative_to(root))]
        rows: list[tuple[str, str]] = [("repo", f"{files} files, {lines} lines, {'unmigrated' if args.unmigrated else 'migrated'}")]
        rows.append(("python -c pass", median_of(args.runs, [sys.executable, "-c", "pass"], root, env)))
        rows.append(("quartify --version", median_of(args.runs, [*quartify, "--version"], root, env)))
        rows.append(("imports for a stored run (in a child)",
                     f"{import_cost(env, root, CHECK_IMPORTS) * 1000:.0f} ms wall"))
        rows.append(("  ... plus the pipeline (a computed run)",
                     f"{import_cost(env, root, CHECK_IMPORTS + ', quartify.core.pipeline') * 1000:.0f} ms wall"))
        rows.append(("--check ONE_FILE --no-cache",
                     median_of(args.runs, [*check[:4], "--no-cache", *check[4:]], root, env)))
        rows.append(("--check ONE_FILE, cold cache", median_of(args.runs, check, root, env, before=(cache,))))
        wall(check, root, env)  # fill the cache
        rows.append(("--check ONE_FILE, warm cache, unchanged", median_of(args.runs, check, root, env)))
        edits = Edits(target)
        try:
            rows.append(("--check ONE_FILE, warm cache, file edited",
                         median_of(args.runs, check, root, env, prepare=edits)))
        finally:
            edits.restore()
        size = sum(p.stat().st_size for p in cache.glob("*.idx"))
        rows.append(("cache size", f"{size / 2**20:.1f} MiB in {len(list(cache.glob('*.idx')))} index entries, "
                     f"{len(list(cache.glob('run-*.run')))} stored runs"))
        os.chdir(root)
        for stage, seconds in stages(root, target, cache):
            rows.append((f"  warm, unchanged, in process: {stage}", f"{seconds * 1000:.0f} ms"))
        edits = Edits(target)
        try:
            edits()
            for stage, seconds in stages(root, target, cache):
                rows.append((f"  warm, file edited, in process: {stage}", f"{seconds * 1000:.0f} ms"))
        finally:
            edits.restore()
        width = max(len(k) for k, _ in rows)
        for key, value in rows:
            print(f"{key:<{width}}  {value}")
        if args.keep:
            print(f"kept: {root}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

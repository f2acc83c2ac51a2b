"""Where a re-solve after an edit spends its time once the graph is built: `Linker.__init__`,
`solve`, and `RepoPlan` (the loop set and the helper offloads inside it), in CPU milliseconds.

Every one-file check and every language-server keystroke links and solves the whole repo again
(issue 14), so these pieces run per edit. This script generates the benchmark_pipeline repo (a
project, as bench_check_one_file.py makes it; --migrated: migrated first), then runs edited
one-file checks in this process (the file's text changes before each run, the index cache is
warm) and prints each piece's median and range over --runs runs, CPU time (a busy machine
stretches wall time). Printed, never asserted. The first run (cold caches, the rule tables
loaded) is left out.

    python benchmarks/bench_repo_plan.py [--generate-lines N] [--runs N] [--migrated]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_check_one_file import PYPROJECT, Edits  # noqa: E402
from bench_pipeline import PACKAGE, generate  # noqa: E402

from quartify.analysis import link, repo  # noqa: E402
from quartify.core import pipeline  # noqa: E402
from quartify.core.config import Options  # noqa: E402
from quartify.core.paths import migrate_paths  # noqa: E402
from quartify.core.write import write_changes  # noqa: E402

spent: dict[str, float] = {}


def timed(label: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - start
    return run


def instrument() -> None:
    """Wrap the pieces where the pipeline and RepoPlan look them up (module globals)."""
    pipeline.solve = timed("solve", pipeline.solve)  # type: ignore[attr-defined]
    repo.loop_set = timed("  loop_set", repo.loop_set)  # type: ignore[attr-defined]
    repo.plan_helper_offloads = timed("  helper offloads", repo.plan_helper_offloads)  # type: ignore[attr-defined]
    repo.RepoPlan.__post_init__ = timed("RepoPlan", repo.RepoPlan.__post_init__)  # type: ignore[method-assign]
    link.Linker.__init__ = timed("Linker.__init__", link.Linker.__init__)  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--generate-lines", type=int, default=50_000, metavar="N")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--migrated", action="store_true", help="migrate the repo first (the pre-commit steady state)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="quartify-bench-plan-"))
    try:
        root = workdir / "repo"
        root.mkdir()
        files, lines = generate(root, args.generate_lines, args.seed)
        (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        if args.migrated:
            write_changes(migrate_paths([root], Options(), whole_project=True, use_cache=False), root)
        os.chdir(root)
        target, cache = root / PACKAGE / "helpers" / "h_003.py", root / ".quartify_cache"
        migrate_paths([target], Options(), whole_project=True, use_cache=True, cache_dir=cache)  # fill the cache
        instrument()
        rows: dict[str, list[float]] = {}
        edits = Edits(target)
        try:
            for run in range(args.runs + 1):
                spent.clear()
                edits()
                migrate_paths([target], Options(), whole_project=True, use_cache=True, cache_dir=cache)
                if run:
                    for label, seconds in spent.items():
                        rows.setdefault(label, []).append(seconds * 1000)
        finally:
            edits.restore()
        together = [sum(rows[k][i] for k in ("Linker.__init__", "solve", "RepoPlan")) for i in range(args.runs)]
        print(f"{files} files, {lines} lines, {'migrated' if args.migrated else 'as generated'}; "
              f"edited one-file check in process, CPU ms over {args.runs} runs")
        for label, values in [*rows.items(), ("Linker + solve + RepoPlan", together)]:
            print(f"  {label:<26} median {statistics.median(values):6.1f}   range {min(values):6.1f} - {max(values):6.1f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

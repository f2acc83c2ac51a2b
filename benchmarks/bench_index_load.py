"""Time loading a project's cached indexes, the bulk of a warm one-file check's index stage.

An entry is a head and a body (core/lazy_index.py): a one-file check unpickles every other
file's head and only the bodies something reads. This script generates the benchmark_pipeline
repo (~N lines, seeded), indexes every file into a fresh cache and prints the CPU time
(median and range over --runs runs, the collector paused as a run pauses it) of:

- loading every entry (`IndexCache.get_many`): heads only;
- the same, then reading one deferred field of every module: every body decoded too;
- loading each index stored as one eager pickle (the format before heads and bodies).

Numbers are printed, never asserted: the machine decides them.

    python benchmarks/bench_index_load.py [--generate-lines N] [--runs N]
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_pipeline import generate  # noqa: E402

from quartify.analysis.index import index_source  # noqa: E402
from quartify.analysis.model import ModuleIndex  # noqa: E402
from quartify.core import index_cache  # noqa: E402
from quartify.core.index_cache import IndexCache  # noqa: E402


def cpu_ms(runs: int, work: Callable[[], object]) -> str:
    """'median ms (min-max)' of `work`'s CPU time, the collector off (a run pauses it)."""
    times = []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        start = time.process_time()
        kept = work()
        times.append((time.process_time() - start) * 1000)
        del kept
        gc.enable()
    return f"{statistics.median(times):6.1f} ms CPU ({min(times):.1f}-{max(times):.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate-lines", type=int, default=50_000, metavar="N")
    parser.add_argument("--runs", type=int, default=9, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="quartify-bench-load-") as workdir:
        root = Path(workdir) / "repo"
        root.mkdir()
        generate(root, args.generate_lines, args.seed)
        cache = IndexCache(Path(workdir) / "cache")
        indexes = [index_source(p.read_text(encoding="utf-8"), p.relative_to(root).as_posix(), p.stem, False)
                   for p in sorted(root.rglob("*.py"))]
        keys = [f"{n:040x}" for n in range(len(indexes))]
        for key, index in zip(keys, indexes):
            cache.put(key, index)
        # the same indexes as single pickles, read through the same code (a head length of 0)
        eager = IndexCache(Path(workdir) / "eager")
        eager.directory.mkdir()
        for key, index in zip(keys, indexes):
            eager.directory.joinpath(f"{key}.idx").write_bytes(
                index_cache._framed(key, pickle.dumps(index, protocol=5), 0))
        stored, single = (sum(p.stat().st_size for p in c.directory.glob("*.idx")) for c in (cache, eager))

        def every_body() -> object:
            found = cache.get_many(keys)
            for entry in found.values():
                assert isinstance(entry, ModuleIndex)
                _ = entry.module_uses
            return found

        rows = [
            ("entries", f"{len(keys)}, {stored / 2**20:.2f} MiB (one pickle each: {single / 2**20:.2f} MiB)"),
            ("load, heads only (a one-file check)", cpu_ms(args.runs, lambda: cache.get_many(keys))),
            ("load, then every body read", cpu_ms(args.runs, every_body)),
            ("load, one eager pickle each (format 2)", cpu_ms(args.runs, lambda: eager.get_many(keys))),
        ]
        width = max(len(k) for k, _ in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What `graph.build` costs on a re-run after a body edit in one file (printed, not asserted).

Generates the benchmark_pipeline Flask repo (~N lines, seeded) and a migrated copy, then edits a
function body in one view module again and again and prints the CPU time of `graph.build` alone
(`time.process_time`, the collector paused as a run pauses it), in the two ways a re-run gets the
last run's facts: the language server's `Workspace.analyse` (in memory: the same module objects),
and a one-shot check with a cache (a new `LinkMemory` from `.quartify_cache/links.lnk` each time:
module facts read back by text, as `quartify migrate --check FILE` does). Each run's graph is also
built from scratch and compared, so a fast wrong answer cannot pass for a speed-up.

    python benchmarks/bench_graph_rerun.py [--generate-lines N] [--edits N] [--seed N]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lsp import edited, pick_view
from bench_pipeline import generate

from quartify.analysis import graph
from quartify.analysis.graph_memo import BodyMemo
from quartify.analysis.link import Linker
from quartify.analysis.link_memory import LinkMemory
from quartify.core import link_store
from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.core.workspace import Workspace
from quartify.core.write import write_changes


def timed_builds(root: Path, edits: int) -> tuple[list[float], list[float]]:
    """graph.build CPU seconds per re-run: (language server, one-shot from the record)."""
    real = graph.build
    server: list[float] = []
    captured: list[Linker] = []

    def timing(linker: Linker, memo: BodyMemo | None = None) -> graph.RepoGraph:
        started = time.process_time()
        out = real(linker, memo)
        server.append(time.process_time() - started)
        captured.append(linker)
        if out.graph != real(Linker(list(linker.modules.values()), linker.inactive)).graph:
            raise SystemExit("a re-run's graph differs from a fresh build's")
        return out

    graph.build = timing
    try:
        workspace = Workspace(root)
        view = pick_view(root)
        text = view.read_text()
        workspace.set_buffer(view, text, 1)
        workspace.analyse([view])  # cold
        for n in range(edits):
            workspace.set_buffer(view, edited(text, n + 1), n + 2)
            workspace.analyse([view])
    finally:
        graph.build = real
    # One-shot: the record an earlier check wrote, read by a new LinkMemory each time.
    cache = root / ".quartify_cache"
    migrate_paths([view], Options(), whole_project=True, use_cache=True, cache_dir=cache)
    record = link_store.load(cache)
    modules = list(captured[-1].modules.values())
    one_shot = []
    for _ in range(edits):
        memory = LinkMemory(record)
        linker = memory.linker(modules, captured[-1].inactive)
        if not memory.adopted:
            raise SystemExit("the record's answers were not adopted: nothing to measure")
        gc.disable()
        started = time.process_time()
        real(linker, memory.bodies)
        one_shot.append(time.process_time() - started)
        gc.enable()
    return server[1:], one_shot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--generate-lines", type=int, default=50_000, metavar="N")
    parser.add_argument("--edits", type=int, default=7, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="quartify-bench-graph-"))
    try:
        flask_repo = tmp / "flask"
        generate(flask_repo, args.generate_lines, args.seed)
        (flask_repo / "pyproject.toml").write_text('[project]\nname = "synthapp"\n')
        quart_repo = tmp / "quart"
        shutil.copytree(flask_repo, quart_repo)
        write_changes(migrate_paths([quart_repo], Options()), quart_repo)
        for name, root in (("Flask repo", flask_repo), ("migrated repo", quart_repo)):
            server, one_shot = timed_builds(root, args.edits)
            for how, times in (("language server re-run", server), ("one-shot check from links.lnk", one_shot)):
                print(f"{name:14} {how:30} graph.build CPU median {statistics.median(times) * 1000:6.1f} ms"
                      f"  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={len(times)})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

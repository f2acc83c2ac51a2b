"""How long an editor waits for quartify's diagnostics after a keystroke (printed, not asserted).

Generates a Flask repo of about N lines (benchmarks/bench_pipeline.py's generator, seeded), starts
the real `quartify lsp` over stdio, opens one view module and times, from the `didChange` to the
`publishDiagnostics` carrying that version: each edit changes a string in a function body, so the
server re-indexes one file and solves the whole repo again. Two repos: the Flask repo as generated
(the open file has pending edits, so it is transformed and verified too), and the same repo once
migrated by quartify (the steady state of a project that already runs on Quart). It also prints
where one in-process re-run spends its time (`Workspace.analyse`, the same code path).

    python benchmarks/bench_lsp.py [--generate-lines N] [--edits N] [--seed N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import generate  # noqa: E402

from quartify.core.config import Options  # noqa: E402
from quartify.core.pipeline import migrate_paths  # noqa: E402
from quartify.core.workspace import Workspace  # noqa: E402
from quartify.core.write import write_changes  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("bench-lsp", "1")
        self.seen: dict[tuple[str, int | None], float] = {}
        self.arrived = asyncio.Event()

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.seen[(params.uri, params.version)] = time.perf_counter()
            self.arrived.set()

    async def until(self, uri: str, version: int, timeout: float = 600.0) -> float:
        deadline = time.perf_counter() + timeout
        while (uri, version) not in self.seen:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), max(deadline - time.perf_counter(), 0.001))
        return self.seen[(uri, version)]


def pick_view(root: Path) -> Path:
    """The largest view module: the file a developer has open."""
    views = sorted(root.rglob("views*.py")) or sorted(root.rglob("*.py"))
    return max(views, key=lambda p: p.stat().st_size)


def edited(text: str, n: int) -> str:
    """A body-only edit: a string literal in the first `return "..."`-free spot, as typing does."""
    marker = "def "
    at = text.index(marker)
    at = text.index("\n", at) + 1
    indent = " " * (len(text[at:]) - len(text[at:].lstrip(" ")))
    return text[:at] + f'{indent}_typed = "{"x" * n}"\n' + text[at:]


async def session(root: Path, edits: int) -> dict[str, float | list[float]]:
    client = Client()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "quartify", "lsp", env=env)
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri()))
    client.initialized(lsp.InitializedParams())
    view = pick_view(root)
    uri, text = view.as_uri(), view.read_text()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text)))
    first = await client.until(uri, 1) - started
    latencies, cpu = [], []
    pid = client._server.pid if client._server is not None else 0
    for n in range(edits):
        version = n + 2
        sent, spent = time.perf_counter(), cpu_seconds(pid)
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [lsp.TextDocumentContentChangeWholeDocument(edited(text, n + 1))]))
        latencies.append(await client.until(uri, version) - sent)
        cpu.append(cpu_seconds(pid) - spent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"first": first, "latencies": latencies, "cpu": cpu}


def cpu_seconds(pid: int) -> float:
    """The server process's user + system CPU time so far (Linux /proc): a machine shared with other
    work stretches the wall-clock wait, not this."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process(root: Path) -> list[tuple[str, float]]:
    """One warm re-run after an edit, by stage (the server's own code path)."""
    ws = Workspace(root)
    view = pick_view(root)
    ws.set_buffer(view, view.read_text(), 1)
    ws.analyse([view])  # cold
    ws.set_buffer(view, edited(view.read_text(), 1), 2)
    started, cpu = time.perf_counter(), time.process_time()
    analysis = ws.analyse([view])
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    return [*analysis.result.timings, ("re-indexed files", float(ws.indexed_last)), ("total", total),
            ("total, CPU time", cpu)]


def report(name: str, files: int, measured: dict[str, float | list[float]], stages: list[tuple[str, float]]) -> None:
    latencies = measured["latencies"]
    assert isinstance(latencies, list)
    print(f"\n{name} ({files} files)")
    print(f"  start + open + first diagnostics  {measured['first']:.2f}s")
    print(f"  didChange -> diagnostics median   {statistics.median(latencies) * 1000:.0f} ms"
          f"  (min {min(latencies) * 1000:.0f}, max {max(latencies) * 1000:.0f}, n={len(latencies)})")
    cpu = measured["cpu"]
    assert isinstance(cpu, list)
    print(f"  server CPU time per change median {statistics.median(cpu) * 1000:.0f} ms"
          f"  (min {min(cpu) * 1000:.0f}, max {max(cpu) * 1000:.0f})")
    for stage, seconds in stages:
        value = f"{seconds:.0f}" if stage == "re-indexed files" else f"{seconds * 1000:.0f} ms"
        print(f"  in-process {stage:<28} {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--generate-lines", type=int, default=50_000, metavar="N")
    parser.add_argument("--edits", type=int, default=7, metavar="N", help="didChange round trips per repo")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="quartify-bench-lsp-"))
    try:
        flask_repo = tmp / "flask"
        generate(flask_repo, args.generate_lines, args.seed)
        quart_repo = tmp / "quart"
        shutil.copytree(flask_repo, quart_repo)
        write_changes(migrate_paths([quart_repo], Options()), quart_repo)
        files = len(list(flask_repo.rglob("*.py")))
        print(f"generated {args.generate_lines} lines, seed {args.seed}, {os.cpu_count()} cpus, "
              f"load average {os.getloadavg()[0]:.1f} (wall-clock numbers stretch with it; CPU times do not)")
        for name, root in (("Flask repo (the open file has pending edits)", flask_repo),
                           ("migrated repo (nothing pending)", quart_repo)):
            measured = asyncio.run(session(root, args.edits))
            report(name, files, measured, in_process(root))
            print(f"  load average now {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

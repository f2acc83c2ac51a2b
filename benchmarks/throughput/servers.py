"""Start a server under test on a free loopback port, wait until it answers, stop it.

Every server runs in its own session (process group) so that stopping it ends its master
and workers and nothing else; its output goes to a log file whose tail is shown when it
fails to start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"


class ServerError(RuntimeError):
    """The server exited or never answered its readiness URL."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class ServerSpec:
    """A command that serves HTTP on ``port``; ``ready_path`` must answer 200 once it is up."""

    label: str
    argv: tuple[str, ...]
    cwd: Path
    port: int
    ready_path: str
    env: Mapping[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"


def gunicorn(bin_dir: Path, app_dir: Path, worker_class: str, workers: int, threads: int, env: Mapping[str, str]) -> ServerSpec:
    port = free_port()
    argv = [str(bin_dir / "gunicorn"), "--workers", str(workers), "--worker-class", worker_class,
            "--bind", f"{HOST}:{port}", "--log-level", "warning"]
    if worker_class == "gthread":
        argv += ["--threads", str(threads)]
    else:
        threads = 1
    label = f"Flask: gunicorn {worker_class} x{workers}" + (f"x{threads} threads" if worker_class == "gthread" else "")
    return ServerSpec(label, (*argv, "partsdesk:app"), app_dir, port, "/cpu", env)


def hypercorn(bin_dir: Path, app_dir: Path, module: str, worker_class: str, workers: int, label: str,
              ready_path: str, env: Mapping[str, str]) -> ServerSpec:
    port = free_port()
    argv = (str(bin_dir / "hypercorn"), "--workers", str(workers), "--worker-class", worker_class,
            "--bind", f"{HOST}:{port}", f"{module}:app")
    return ServerSpec(f"{label}: hypercorn {worker_class} x{workers}", argv, app_dir, port, ready_path, env)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def _probe_seconds(url: str) -> float:
    started = time.monotonic()
    return time.monotonic() - started if _answers(url) else float("inf")


def settle(spec: ServerSpec, probes: int, budget: float = 30.0, quick: float = 0.3) -> float:
    """Wait until the server has drained what the last load left queued; the seconds waited.

    wrk stops at its deadline, but a server whose workers block (sync workers, or a blocking
    call on the event loop) still owes every request already accepted, and the next cell would
    measure that backlog. ``probes`` parallel requests all answered within ``quick`` seconds
    say the queue is empty; after ``budget`` seconds the run goes on regardless.
    """
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=probes) as pool:
        while time.monotonic() - started < budget:
            if max(pool.map(_probe_seconds, [spec.url(spec.ready_path)] * probes)) < quick:
                break
    return time.monotonic() - started


def session_cpu_seconds(session: int) -> float:
    """CPU seconds (user + system, reaped children included) of every process in a session.

    A server's master and workers share the session it was started in, so the difference
    across a cell is the CPU the server spent on it, a number the other work on a shared
    machine hardly changes (unlike req/s). Linux only; 0.0 where /proc is missing.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        if int(fields[3]) == session:
            total += sum(int(value) for value in fields[11:15])
    return total / ticks


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass
class Started:
    """A launched server process and where its output goes."""

    spec: ServerSpec
    process: subprocess.Popen[bytes]
    log_path: Path

    def wait_ready(self, deadline: float) -> None:
        """Return once ready_path answers 200; ServerError (with the log's tail) if it dies or times out."""
        while not _answers(self.spec.url(self.spec.ready_path)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = self.log_path.read_text(errors="replace").strip().splitlines()[-8:]
                raise ServerError(f"{self.spec.label} did not come up: " + " | ".join(tail))
            time.sleep(0.2)

    def stop(self) -> None:
        _stop(self.process)

    def cpu_seconds(self) -> float:
        return session_cpu_seconds(self.process.pid)


def start(spec: ServerSpec, log_path: Path) -> Started:
    """Launch spec in its own process group, without waiting for it."""
    env = {**os.environ, **spec.env}
    env.pop("PYTHONPATH", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(spec.argv, cwd=spec.cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return Started(spec, process, log_path)


@contextmanager
def running(spec: ServerSpec, log_path: Path, start_timeout: float = 45.0) -> Iterator[ServerSpec]:
    """Serve spec for the duration of the with block; ServerError if it never comes up."""
    started = start(spec, log_path)
    try:
        started.wait_ready(time.monotonic() + start_timeout)
        yield spec
    finally:
        started.stop()

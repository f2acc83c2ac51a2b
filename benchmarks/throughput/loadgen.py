"""Drive one URL with wrk and read back its numbers.

wrk (Debian's package) was picked because it is a C event loop on one thread: at the rates
measured here (tens to a few thousand requests per second) it costs the shared two cores
least, and its Lua hook prints exact percentiles. The run is bounded by wrk's own ``-d``
and by a request cap in ``stop_after.lua``; the Lua ``done`` hook prints one JSON line that
``parse_wrk_output`` reads, so wrk's human output is never scraped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("stop_after.lua")
MARKER = "THROUGHPUT-RESULT "


class LoadGenError(RuntimeError):
    """wrk is missing, or a run printed no result line."""


@dataclass(frozen=True)
class Measurement:
    """One wrk run: successful responses per second and latency percentiles in ms."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    timeouts: int
    capped: bool = False
    server_cpu_s: float | None = None

    @property
    def cpu_ms_per_response(self) -> float | None:
        """Server CPU per successful response (ms), when the server's CPU was taken."""
        good = self.requests - self.errors
        if self.server_cpu_s is None or good <= 0:
            return None
        return self.server_cpu_s * 1000.0 / good

    @property
    def ok_per_second(self) -> float:
        """Responses per second that were not errors (non-2xx/3xx, socket errors)."""
        good = max(self.requests - self.errors, 0)
        return good / self.seconds if self.seconds > 0 else 0.0


def parse_wrk_output(stdout: str, max_requests: int = 0) -> Measurement:
    """The Measurement in wrk's output; LoadGenError when the result line is missing."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            raw = json.loads(line[len(MARKER):])
            errors = sum(
                int(raw[key]) for key in ("connect_errors", "read_errors", "write_errors", "status_errors")
            )
            requests = int(raw["requests"])
            return Measurement(
                requests=requests,
                seconds=int(raw["duration_us"]) / 1e6,
                p50_ms=int(raw["p50_us"]) / 1000.0,
                p99_ms=int(raw["p99_us"]) / 1000.0,
                errors=errors + int(raw["timeouts"]),
                timeouts=int(raw["timeouts"]),
                capped=max_requests > 0 and requests >= max_requests,
            )
    raise LoadGenError("wrk printed no result line:\n" + stdout[-2000:])


def find_wrk() -> str:
    """wrk's path, or a LoadGenError that says how to get it."""
    path = shutil.which("wrk")
    if path is None:
        raise LoadGenError("wrk is not installed: `apt-get install wrk` (Debian's package), then run again")
    return path


@dataclass(frozen=True)
class Load:
    """How hard and how long to drive one URL."""

    connections: int
    seconds: int
    max_requests: int
    timeout_s: int = 15

    def argv(self, wrk: str, url: str) -> list[str]:
        return [
            wrk, "-t1", f"-c{self.connections}", f"-d{self.seconds}s", f"--timeout={self.timeout_s}s",
            "-s", str(SCRIPT), url, "--", str(self.max_requests),
        ]


def drive(wrk: str, url: str, load: Load) -> Measurement:
    """Run wrk once against url; the process gets a hard deadline well past -d."""
    completed = subprocess.run(
        load.argv(wrk, url), capture_output=True, text=True,
        timeout=load.seconds + load.timeout_s + 30, check=False,
    )
    if completed.returncode != 0:
        said = (completed.stderr.strip() or completed.stdout.strip())[-500:]
        raise LoadGenError(f"wrk exited {completed.returncode}: {said}")
    return parse_wrk_output(completed.stdout, load.max_requests)

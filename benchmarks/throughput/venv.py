"""The benchmark's own virtualenv: created once, reused while nothing it holds has changed.

Nothing is installed into the interpreter that runs the benchmark. The venv holds the
pinned servers and clients of ``requirements.txt`` and quartify installed (editable) from the
checkout named by ``--quartify-src``; a stamp file records both (and the checkout's
pyproject.toml, whose dependencies an editable install does not follow), so a second run with the
same inputs starts at once and a run against another checkout reinstalls only quartify.

quartify's dependencies are read from its pyproject.toml and installed in the same pip run as the
servers, except those `quartify migrate` never imports (mypy, for --typecheck only: most of the
download); quartify itself then goes in with --no-deps. On a fresh machine that keeps pip to about
a minute of the five the run may take.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import time
import tomllib
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REQUIREMENTS = Path(__file__).with_name("requirements.txt")
STAMP = "throughput-stamp.json"
NOT_FOR_MIGRATE = frozenset({"mypy"})  # quartify dependencies only --typecheck imports


@dataclass(frozen=True)
class BenchEnv:
    """Paths into the benchmark virtualenv."""

    root: Path
    setup: str = ""  # what preparing it took, for the printout

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def tool(self, name: str) -> str:
        return str(self.bin / name)


def _pip(env: BenchEnv, *args: str) -> None:
    command = [str(env.python), "-m", "pip", "install", "--disable-pip-version-check", "-q", *args]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"pip install failed ({' '.join(args)}):\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}")


def quartify_dependencies(quartify_src: Path) -> list[str]:
    """quartify's declared dependencies, less those `quartify migrate` never imports."""
    project = quartify_src / "pyproject.toml"
    if not project.exists():
        return []
    declared = tomllib.loads(project.read_text()).get("project", {}).get("dependencies", [])
    return [d for d in declared if re.split(r"[\s<>=!~;\[]", d, maxsplit=1)[0].lower() not in NOT_FOR_MIGRATE]


def ensure_env(root: Path, quartify_src: Path, log: Callable[[str], None]) -> BenchEnv:
    """Create or reuse the venv at root with the requirements and quartify from quartify_src."""
    started = time.monotonic()
    steps: list[str] = []
    env = BenchEnv(root)
    dependencies = quartify_dependencies(quartify_src)
    wanted_reqs = hashlib.sha256(REQUIREMENTS.read_bytes() + "\n".join(dependencies).encode()).hexdigest()
    stamp_path = root / STAMP
    stamp: dict[str, str] = {}
    if env.python.exists() and stamp_path.exists():
        stamp = json.loads(stamp_path.read_text())
    else:
        log(f"creating virtualenv {root}")
        venv.EnvBuilder(with_pip=True, clear=True).create(root)
        steps.append(f"created in {time.monotonic() - started:.0f} s")
    if stamp.get("requirements") != wanted_reqs:
        log(f"installing {REQUIREMENTS.name} and quartify's dependencies into {root}")
        began = time.monotonic()
        _pip(env, "-r", str(REQUIREMENTS), *dependencies)
        steps.append(f"pip (servers, clients, quartify's dependencies) {time.monotonic() - began:.0f} s")
        stamp = {"requirements": wanted_reqs}
    project = quartify_src / "pyproject.toml"
    wanted_src = f"{quartify_src} {hashlib.sha256(project.read_bytes()).hexdigest() if project.exists() else '-'}"
    if stamp.get("quartify_src") != wanted_src:
        log(f"installing quartify from {quartify_src} (editable, --no-deps)")
        began = time.monotonic()
        _pip(env, "--no-deps", "-e", str(quartify_src))
        steps.append(f"pip (quartify) {time.monotonic() - began:.0f} s")
        stamp["quartify_src"] = wanted_src
    stamp_path.write_text(json.dumps(stamp, indent=1))
    setup = "; ".join(steps) if steps else "reused"
    log(f"virtualenv {root}: {setup}")
    return BenchEnv(root, setup)

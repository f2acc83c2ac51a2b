"""The benchmark's own virtualenv: created once, reused while nothing it holds has changed.

Nothing is installed into the interpreter that runs the benchmark. The venv holds the
pinned servers and clients of ``requirements.txt`` and quartify installed (editable) from the
checkout named by ``--quartify-src``; a stamp file records both (and the checkout's
pyproject.toml, whose dependencies an editable install does not follow), so a second run with the
same inputs starts at once and a run against another checkout reinstalls only quartify.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REQUIREMENTS = Path(__file__).with_name("requirements.txt")
STAMP = "throughput-stamp.json"


@dataclass(frozen=True)
class BenchEnv:
    """Paths into the benchmark virtualenv."""

    root: Path

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


def ensure_env(root: Path, quartify_src: Path, log: Callable[[str], None]) -> BenchEnv:
    """Create or reuse the venv at root with the requirements and quartify from quartify_src."""
    env = BenchEnv(root)
    wanted_reqs = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp_path = root / STAMP
    stamp: dict[str, str] = {}
    if env.python.exists() and stamp_path.exists():
        stamp = json.loads(stamp_path.read_text())
    else:
        log(f"creating virtualenv {root}")
        venv.EnvBuilder(with_pip=True, clear=True).create(root)
    if stamp.get("requirements") != wanted_reqs:
        log(f"installing {REQUIREMENTS.name} into {root}")
        _pip(env, "-r", str(REQUIREMENTS))
        stamp = {"requirements": wanted_reqs}
    project = quartify_src / "pyproject.toml"
    wanted_src = f"{quartify_src} {hashlib.sha256(project.read_bytes()).hexdigest() if project.exists() else '-'}"
    if stamp.get("quartify_src") != wanted_src:
        log(f"installing quartify from {quartify_src} (editable)")
        _pip(env, "-e", str(quartify_src))
        stamp["quartify_src"] = wanted_src
    stamp_path.write_text(json.dumps(stamp, indent=1))
    return env

"""Migrate the subject app with the benchmark's quartify, once per set of options.

Each variant is a fresh copy of ``app/`` migrated in place by the venv's ``quartify`` console
script (never the caller's PYTHONPATH). A variant that quartify refuses (an unknown option,
a failed file) or whose output does not compile is a failure with quartify's own words,
never a silent fallback to another variant. Identical outputs share one fingerprint, so the
harness can serve and measure them once.
"""

from __future__ import annotations

import hashlib
import os
import py_compile
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).with_name("app")


@dataclass(frozen=True)
class Variant:
    """A named set of quartify options."""

    name: str
    options: tuple[str, ...]

    @property
    def command_line(self) -> str:
        return " ".join(("quartify", "migrate", *self.options, "DIR"))


@dataclass(frozen=True)
class Migrated:
    """A migrated copy of the app (directory and fingerprint), or why there is none."""

    variant: Variant
    directory: Path | None
    fingerprint: str
    error: str = ""


VARIANTS = (
    Variant("default", ()),
    Variant("todo", ("--blocking", "todo")),
    Variant("thread", ("--blocking", "thread")),
    Variant("unsafe-fixes", ("--unsafe-fixes",)),
)


def copy_app(destination: Path) -> Path:
    """A pristine copy of the subject app at destination."""
    shutil.copytree(APP_DIR, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return destination


def fingerprint(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.py")):
        digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def clean_env() -> dict[str, str]:
    """The caller's environment without anything that could pick another quartify or Python."""
    return {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}


def migrate(quartify: str, variant: Variant, destination: Path) -> Migrated:
    directory = copy_app(destination)
    try:
        completed = subprocess.run(
            [quartify, "migrate", "-q", *variant.options, str(directory)],
            capture_output=True, text=True, env=clean_env(), timeout=300, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Migrated(variant, None, "", f"quartify did not run to the end: {error}")
    if completed.returncode != 0:
        said = [line.strip() for line in (completed.stderr or completed.stdout).splitlines() if line.strip()]
        errors = [line for line in said if line.startswith("Error")] or said[-2:]
        return Migrated(variant, None, "", f"quartify exited {completed.returncode}: {' | '.join(errors)}")
    for path in sorted(directory.rglob("*.py")):
        try:
            py_compile.compile(str(path), doraise=True)
        except py_compile.PyCompileError as error:
            return Migrated(variant, None, "", f"output does not compile: {error.msg}")
    return Migrated(variant, directory, fingerprint(directory))

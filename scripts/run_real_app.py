"""Prove quartify on a real Flask project: copy it, run its suite under Flask, migrate it
(app, tests and pyproject together), install the migrated project with its test extra into a
fresh virtualenv, and run its own suite under Quart. Exits 1 unless every test passes.

Usage: python scripts/run_real_app.py PATH/TO/PROJECT [--extra test] [--keep]

docs/compatibility.md records the results for public apps (e.g. pallets/flask
examples/tutorial: 24/24). Their code is not part of this repository, so this runs by hand, not
in CI.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def venv(path: Path, *packages: str) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    python = path / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    return python


def counts(output: str) -> tuple[int, int]:
    passed = sum(int(n) for n in re.findall(r"(\d+) passed", output))
    failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)", output))
    return passed, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--extra", default="test", help="the project's test extra (default: test)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="quartify-real-"))
    try:
        flask_copy, quart_copy = work / "flask", work / "quart"
        ignore = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", "*.egg-info")
        shutil.copytree(args.project, flask_copy, ignore=ignore)
        shutil.copytree(args.project, quart_copy, ignore=ignore)

        flask_py = venv(work / "flask-venv", "-e", f"{flask_copy}[{args.extra}]")
        before = subprocess.run([str(flask_py), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                                cwd=flask_copy, capture_output=True, text=True)
        flask_passed, flask_failed = counts(before.stdout)
        print(f"under Flask:  {flask_passed} passed, {flask_failed} failed")

        migrate = subprocess.run([sys.executable, "-m", "quartify", "migrate", "-q", str(quart_copy)],
                                 capture_output=True, text=True)
        print(f"quartify migrate: exit {migrate.returncode}")

        quart_py = venv(work / "quart-venv", "-e", f"{quart_copy}[{args.extra}]")
        after = subprocess.run([str(quart_py), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                               cwd=quart_copy, capture_output=True, text=True)
        quart_passed, quart_failed = counts(after.stdout)
        print(f"under Quart:  {quart_passed} passed, {quart_failed} failed")
        if quart_failed or quart_passed != flask_passed or after.returncode != 0:
            print(after.stdout[-4000:])
            return 1
        return 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

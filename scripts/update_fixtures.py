"""Rewrite the expected outputs of the fixture tests from what this checkout produces.

For a change that is meant to alter outputs (a new default, a new rewrite): run it, then READ
`git diff tests/fixtures` — every hunk must be the change you meant. It rewrites:

    tests/fixtures/rewrites/*.out.py          default options (tests/test_rewrite_fixtures.py)
    tests/fixtures/rewrites/unsafe/*.out.py   --unsafe-fixes (tests/unsafe/test_unsafe_fixtures.py)
    tests/fixtures/apps/*/expected/           `quartify migrate .` on a copy of input/ (tests/test_colouring_apps.py)

    PYTHONPATH=. python scripts/update_fixtures.py [--only rewrites|unsafe|apps]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quartify.core.config import Options
from quartify.core.pipeline import InputFile, migrate
from tests.apphelpers import APPS_DIR, app_names, copy_input
from tests.apphelpers import migrate as migrate_app

REWRITES = ROOT / "tests" / "fixtures" / "rewrites"


def _output(source: Path, options: Options) -> str:
    name = source.name[: -len(".in.py")] + ".py"
    data = source.read_bytes()
    result = migrate([InputFile(Path(name), name, name[: -len(".py")], False, data)], options)
    first = next(f for f in result.files if f.path == Path(name))
    return first.new_source if first.new_source is not None else first.old_source


def _pairs(directory: Path, options: Options) -> int:
    changed = 0
    for source in sorted(directory.glob("*.in.py")):
        expected = source.with_name(source.name[: -len(".in.py")] + ".out.py")
        text = _output(source, options)
        if not expected.exists() or expected.read_text(encoding="utf-8") != text:
            expected.write_text(text, encoding="utf-8")
            changed += 1
            print(f"rewrote {expected.relative_to(ROOT)}")
    return changed


def _apps() -> int:
    changed = 0
    for app in app_names():
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["QUARTIFY_CACHE_DIR"] = str(Path(tmp) / "cache")  # not inside the migrated tree
            work = copy_input(app, Path(tmp) / app)
            proc = migrate_app(work)
            if proc.returncode != 0:
                print(f"{app}: quartify exited {proc.returncode}, left alone\n{proc.stdout}{proc.stderr}")
                continue
            for cache in work.rglob("__pycache__"):
                shutil.rmtree(cache)
            expected = APPS_DIR / app / "expected"
            before = {p.relative_to(expected): p.read_bytes() for p in expected.rglob("*") if p.is_file()}
            after = {p.relative_to(work): p.read_bytes() for p in work.rglob("*") if p.is_file()}
            if before != after:
                shutil.rmtree(expected)
                shutil.copytree(work, expected)
                changed += 1
                print(f"rewrote {expected.relative_to(ROOT)}/")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("rewrites", "unsafe", "apps"), default=None)
    args = parser.parse_args(argv)
    changed = 0
    if args.only in (None, "rewrites"):
        changed += _pairs(REWRITES, Options(jobs=1))
    if args.only in (None, "unsafe"):
        changed += _pairs(REWRITES / "unsafe", Options(jobs=1, unsafe_fixes=True))
    if args.only in (None, "apps"):
        changed += _apps()
    print(f"{changed} expected output(s) rewritten; read `git diff tests/fixtures` before committing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

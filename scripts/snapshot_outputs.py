"""Record what quartify writes for every fixture, sample and example, to prove a refactor
changes no byte: run it once before (`record OUT.json`), once after (`compare OUT.json`).

Each target directory (and each `*.in.py` rewrite fixture) is copied to a temporary directory
and migrated through the core entry with default options (`--blocking thread`) and with `--blocking todo`; the
snapshot holds every output file's text and every finding. Extra checkouts (the Flask tutorial,
CTFd) can be added with `--also PATH`; they are read, never modified.

Usage: python scripts/snapshot_outputs.py record|compare SNAPSHOT.json [--also PATH ...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quartify.core.config import BlockingMode, Options  # noqa: E402
from quartify.core.pipeline import migrate_paths  # noqa: E402


def targets(also: list[Path]) -> list[Path]:
    found: list[Path] = []
    fixtures = ROOT / "tests" / "fixtures"
    for group in ("apps", "samples", "blocking", "blocking_chain", "typecheck"):
        found.extend(sorted(p for p in (fixtures / group).iterdir() if p.is_dir()))
    found.extend([fixtures / "blocking_thread", fixtures / "traps", ROOT / "examples" / "bookshelf"])
    found.extend(sorted((fixtures / "rewrites").glob("*.in.py")))
    found.extend(also)
    return found


def run(target: Path, options: Options) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / target.name
        if target.is_dir():
            shutil.copytree(target, work, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__"))
        else:
            work.parent.mkdir(exist_ok=True)
            shutil.copy(target, work)
        result = migrate_paths([work], options)
        files = {}
        for f in result.files:
            rel = f.path.resolve().relative_to(Path(tmp).resolve()).as_posix()
            files[rel] = {"status": f.status.value, "new": f.new_source}
        findings = sorted(
            f"{Path(x.path).as_posix()}:{x.line}:{x.col} {x.code} {x.severity.value} {x.message}"
            for x in result.all_findings()
        )
        return {"files": files, "findings": findings}


def snapshot(also: list[Path]) -> dict[str, object]:
    out: dict[str, object] = {}
    base = Options(jobs=1)
    for target in targets(also):
        for label, options in (("default", base), ("todo", replace(base, blocking=BlockingMode.TODO))):
            out[f"{target.name}[{label}]"] = run(target, options)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--also", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    now = snapshot([p.resolve() for p in args.also])
    if args.action == "record":
        args.snapshot.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
        print(f"recorded {len(now)} runs")
        return 0
    before = json.loads(args.snapshot.read_text(encoding="utf-8"))
    differ = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    for key in differ:
        old, new = before.get(key, {}), now.get(key, {})
        for name in sorted(set(old.get("files", {})) | set(new.get("files", {}))):
            if old.get("files", {}).get(name) != new.get("files", {}).get(name):
                print(f"{key}: {name} differs")
        if old.get("findings") != new.get("findings"):
            print(f"{key}: findings differ")
            for line in sorted(set(old.get("findings", [])) ^ set(new.get("findings", []))):
                print(f"  {'-' if line in old.get('findings', []) else '+'} {line}")
    print(f"{len(now)} runs compared, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())

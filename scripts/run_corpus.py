"""Run `quartify verify` over the real-app corpus (corpus/apps.toml) and regenerate the summary of
docs/compatibility.md from the results.

Each app is a public repository pinned by commit. Its tree is extracted from a local mirror
(`git archive`; this script never fetches), an optional `prepare` command is run on the extracted
copy (only compatibility edits so the Flask baseline runs on Flask 3), and `quartify verify` runs
the suite under Flask, migrates a copy and runs it under Quart. The counts and test ids go to
corpus/results.json (no code); the failure messages of the broken tests are kept, shortened, so
corpus/causes.toml can classify them.

Usage:
    python scripts/run_corpus.py                 # every app, then the doc
    python scripts/run_corpus.py --only httpbin  # one app (merged into results.json)
    python scripts/run_corpus.py --report-only   # only regenerate the doc
    python scripts/run_corpus.py --merge /tmp/other-results.json  # fold in a run made elsewhere
    python scripts/run_corpus.py --imports-only  # no suites: migrate each app and record only
                                                 # whether its dependency files provide every
                                                 # module the edits import (QFY127), in seconds

Each app's entry records `imports` (quartify.deps.provided): the top-level modules the migration's
edits import, which of them the migrated dependency files do not install, and the files read. A
full run takes it from `quartify verify --report`; --imports-only computes it alone and keeps the
suite results already in results.json (`imports_quartify` then names the commit it was made at).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from corpus_report import regenerate  # noqa: E402

_MESSAGE_CHARS = 160


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "apps.toml")
    parser.add_argument("--causes", type=Path, default=ROOT / "corpus" / "causes.toml")
    parser.add_argument("--results", type=Path, default=ROOT / "corpus" / "results.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "compatibility.md")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"),
                        help="mirror root: OWNER+NAME/repo is a git directory (default /work/.mirror)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/quartify-corpus"),
                        help="where each app is extracted and verified (kept for inspection)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this app (repeatable)")
    parser.add_argument("--jobs", type=int, default=1, help="apps verified at once (default 1)")
    parser.add_argument("--timeout", type=float, default=300, help="per pytest run, seconds (default 300)")
    parser.add_argument("--report-only", action="store_true", help="do not run; regenerate the doc from results.json")
    parser.add_argument("--imports-only", action="store_true",
                        help="run no suites: migrate each app and record only its import check (merged into results.json)")
    parser.add_argument("--merge", type=Path, action="append", default=[], metavar="RESULTS",
                        help="fold the apps of another results file (a run split over processes) into --results")
    args = parser.parse_args(argv)

    if args.merge:
        merge(args.results, args.merge, args.corpus)
        args.report_only = True  # merging never runs apps

    if args.imports_only and not args.report_only:
        apps = tomllib.loads(args.corpus.read_text(encoding="utf-8"))["app"]
        results = _load(args.results)
        for app in apps:
            if args.only and app["name"] not in args.only:
                continue
            entry = results["apps"].setdefault(app["name"], {k: app[k] for k in ("repo", "commit")})
            entry["imports"] = imports_check(app, args.mirrors, args.work)
            said = entry["imports"]
            print(f"{app['name']:28} {'provided' if said.get('all_provided') else 'NOT provided: '}"
                  f"{', '.join(said.get('unprovided', [])) or said.get('error', '')}", flush=True)
        results["imports_quartify"] = _quartify_commit()
        args.results.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        args.report_only = True

    if not args.report_only:
        apps = tomllib.loads(args.corpus.read_text(encoding="utf-8"))["app"]
        unknown = set(args.only) - {a["name"] for a in apps}
        if unknown:
            parser.error(f"no app named {', '.join(sorted(unknown))} in {args.corpus}")
        chosen = [a for a in apps if not args.only or a["name"] in args.only]
        results = _load(args.results) if args.only else {"apps": {}}
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            done = list(pool.map(lambda app: run_app(app, args.mirrors, args.work, args.timeout), chosen))
        order = [a["name"] for a in apps]
        merged = {**results.get("apps", {}), **{a["name"]: r for a, r in zip(chosen, done)}}
        results["apps"] = {name: merged[name] for name in order if name in merged}
        results["quartify"] = _quartify_commit()
        if not args.only:
            results.pop("imports_quartify", None)  # the imports come from this run's verify reports
        results["generated"] = datetime.date.today().isoformat()
        if not args.only:
            results["duration_s"] = round(time.monotonic() - started)
            results.pop("duration_summed", None)
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        for name, app in results["apps"].items():
            s = app.get("summary") or {}
            print(f"{name:28} {app.get('error') or ''}{s.get('passed_before', '-')} -> {s.get('passed_after', '-')}"
                  f"  ({app.get('duration_s', '?')} s)")
    regenerate(args.results, args.causes, args.doc)
    print(f"wrote {args.doc}")
    return 0


def merge(target: Path, others: list[Path], corpus: Path) -> None:
    """Later files win per app; apps are kept in corpus order. The run's duration becomes the sum
    of the apps' durations, as if they had run one after another."""
    results = _load(target)
    apps = dict(results.get("apps", {}))
    for path in others:
        other = _load(path)
        apps.update(other.get("apps", {}))
    order = [a["name"] for a in tomllib.loads(corpus.read_text(encoding="utf-8"))["app"]]
    results["apps"] = {name: apps[name] for name in order if name in apps}
    results["duration_s"] = sum(app.get("duration_s", 0) for app in results["apps"].values())
    results["duration_summed"] = True
    results.setdefault("quartify", _git(ROOT, "log", "-1", "--format=%h", "--", "quartify"))
    results.setdefault("generated", datetime.date.today().isoformat())
    target.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def run_app(app: dict[str, Any], mirrors: Path, work_root: Path, timeout: float) -> dict[str, Any]:
    """Extract, prepare and verify one app; its entry for results.json."""
    name = app["name"]
    entry: dict[str, Any] = {k: app[k] for k in ("repo", "commit") }
    entry.update({"subdir": app.get("subdir", ""), "style": app.get("style", ""),
                  "extensions": app.get("extensions", [])})
    work = work_root / name
    started = time.monotonic()
    try:
        project = extract(app, mirrors, work)
        if app.get("prepare"):
            _shell(app["prepare"], project, work / "prepare.log")
        report = work / "report.json"
        argv = [sys.executable, "-m", "quartify", "verify", str(project), "--work-dir", str(work / "verify"),
                "--report", f"json:{report}", "--timeout", str(app.get("timeout", timeout))]
        for key, flag in (("install_before", "--install-before"), ("install_after", "--install-after"),
                          ("pytest_args", "--pytest-args"), ("extra", "--extra")):
            if app.get(key):
                argv += [flag, app[key]]
        env = {**os.environ, "PYTHONPATH": str(ROOT), **{k: str(v) for k, v in app.get("env", {}).items()}}
        print(f"[{name}] verifying", flush=True)
        with (work / "verify.log").open("wb") as log:
            code = subprocess.run(argv, env=env, stdout=log, stderr=subprocess.STDOUT, check=False).returncode
        if code == 2 or not report.is_file():
            raise RuntimeError(_last_lines(work / "verify.log"))
        data = json.loads(report.read_text(encoding="utf-8"))
        messages = failure_messages(work / "verify" / "quart.xml")
        entry["summary"] = data["summary"]
        if "imports" in data:
            entry["imports"] = data["imports"]
        entry["tests"] = [{**t, **({"message": messages.get(t["nodeid"], "")} if t["verdict"] == "broken" else {})}
                          for t in data["tests"]]
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        entry["error"] = str(exc)[:300]
    entry["duration_s"] = round(time.monotonic() - started)
    print(f"[{name}] done in {entry['duration_s']} s", flush=True)
    return entry


def imports_check(app: dict[str, Any], mirrors: Path, work_root: Path) -> dict[str, Any]:
    """Extract and prepare one app, migrate it in place (as verify migrates its copy) and return
    the import check of the run, without installing anything or running a suite."""
    sys.path.insert(0, str(ROOT))
    from quartify.cli.options import load_options
    from quartify.core.finish import finish
    from quartify.core.pipeline import migrate_paths

    work = work_root / app["name"]
    try:
        project = extract(app, mirrors, work)
        if app.get("prepare"):
            _shell(app["prepare"], project, work / "prepare.log")
        options = load_options((project,), None, 0, (), None, (), ())
        done = finish(migrate_paths([project], options), project.resolve(), format_code=False,
                      run_typecheck=False, python_executable=None, whole_tree=True)
        return done.imports.to_json()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        return {"error": str(exc)[:300]}


def _quartify_commit() -> str:
    return _git(ROOT, "log", "-1", "--format=%h", "--", "quartify") + (
        "+dirty" if _git(ROOT, "status", "--porcelain", "--", "quartify") else "")


def extract(app: dict[str, Any], mirrors: Path, work: Path) -> Path:
    """`git archive` the pinned commit (only `subdir`, when given) into work/src; the project dir."""
    gitdir = mirrors / app["repo"].replace("/", "+") / "repo"
    if (gitdir / ".git").is_dir():
        gitdir = gitdir / ".git"
    if not gitdir.is_dir():
        raise RuntimeError(f"no mirror of {app['repo']} at {gitdir} (fetch it first)")
    if work.exists():
        shutil.rmtree(work)
    src = work / "src"
    src.mkdir(parents=True)
    subdir = app.get("subdir", "")
    archive = subprocess.run(["git", "-C", str(gitdir), "archive", app["commit"], *([subdir] if subdir else [])],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {app['commit']} failed: {archive.stderr.decode(errors='replace')[-200:]}")
    subprocess.run(["tar", "x", "-C", str(src)], input=archive.stdout, check=True)
    return src / subdir if subdir else src


def failure_messages(junit: Path) -> dict[str, str]:
    """Node id -> the first line of the failure or error message, shortened (no tracebacks)."""
    if not junit.is_file():
        return {}
    sys.path.insert(0, str(ROOT))
    from quartify.core.verify import _nodeid

    found: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        for tag in ("failure", "error"):
            node = case.find(tag)
            if node is None:
                continue
            text = (node.get("message") or node.text or "").strip().splitlines()
            nodeid = _nodeid(case.get("classname", ""), case.get("name", ""), case.get("file"))
            found.setdefault(nodeid, (text[0] if text else tag)[:_MESSAGE_CHARS])
    return found


def _shell(command: str, cwd: Path, log: Path) -> None:
    with log.open("wb") as out:
        subprocess.run(command, shell=True, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, check=True)


def _last_lines(log: Path, n: int = 3) -> str:
    """verify's own error line when it printed one (the install or pytest output follows it), else the tail."""
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    said = [line for line in lines if line.startswith("verify: ") and not line.startswith(("verify: migrating",
            "verify: creating", "verify: installing", "verify: running"))]
    if said:
        return said[-1]
    return " / ".join(lines[-n:]) if lines else "verify failed with no output"


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"apps": {}}


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    return proc.stdout.strip()


if __name__ == "__main__":
    raise SystemExit(main())

"""Prove quartify on a real Flask project: `quartify verify` with fresh virtualenvs (the project
installed with its test extra, nothing borrowed from this interpreter), strict about the result.
Exits 1 unless every test passes under Quart, as many as passed under Flask.

Usage: python scripts/run_real_app.py PATH/TO/PROJECT [--extra test] [--keep]

docs/compatibility.md records the corpus results (scripts/run_corpus.py) for public apps (e.g. pallets/flask
examples/tutorial: 24/24). Their code is not part of this repository, so this runs by hand, not
in CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quartify.cli.options import load_options
from quartify.core.verify import Outcome
from quartify.core.verify_run import VerifyConfig, VerifyError, verify_project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--extra", default="test", help="the project's test extra (default: test)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    config = VerifyConfig(project=args.project.resolve(), options=load_options((args.project,), None, 0, (), None, (), ()),
                          extra=args.extra, keep=args.keep)
    try:
        result = verify_project(config, lambda message: print(f"verify: {message}"))
    except VerifyError as exc:
        print(f"verify: {exc}\n{exc.tail}")
        return 2
    tests = result.comparison.tests
    for label, side in (("Flask", "before"), ("Quart", "after")):
        outcomes = [getattr(t, side) for t in tests]
        passed = outcomes.count(Outcome.PASSED)
        failed = sum(o in (Outcome.FAILED, Outcome.ERROR) for o in outcomes)
        print(f"under {label}:  {passed} passed, {failed} failed")
    for test in tests:
        if test.after is not Outcome.PASSED:
            print(f"  {test.after.value:8} {test.nodeid}  ({test.verdict.value})")
    print(result.comparison.summary.line())
    if result.work_dir is not None:
        print(f"kept {result.work_dir}")
    summary = result.comparison.summary
    all_pass = all(t.after is Outcome.PASSED for t in tests if t.after is not Outcome.SKIPPED)
    return 0 if all_pass and summary.passed_after == summary.passed_before else 1


if __name__ == "__main__":
    raise SystemExit(main())

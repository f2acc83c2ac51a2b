"""Prove the piecewise transform (LibCST pieces and text splices) writes what the whole-module
transform writes: migrate targets in this process with every file's plan applied both ways.

Every planned file goes through `apply_plan` as usual; its plan is also applied by
`apply_plan_whole`, the reference, and the two results (text, findings, counts) are compared.
Also counts the pieces spliced as text and those LibCST transformed.

Usage: python scripts/compare_transforms.py [PATH ...]   (default: the fixture corpus)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quartify.analysis.edits import FilePlan  # noqa: E402
from quartify.codemods import apply, piecewise  # noqa: E402
from quartify.core.config import Options  # noqa: E402
from quartify.core.pipeline import migrate_paths  # noqa: E402


def fixture_targets() -> list[Path]:
    fixtures = ROOT / "tests" / "fixtures"
    found: list[Path] = []
    for group in ("apps", "samples", "blocking", "blocking_chain", "typecheck"):
        found.extend(sorted(p for p in (fixtures / group).iterdir() if p.is_dir()))
    found.extend([fixtures / "blocking_thread", fixtures / "traps", ROOT / "examples" / "bookshelf"])
    found.extend(sorted((fixtures / "rewrites").glob("*.in.py")))
    return found


@contextmanager
def compared(differences: list[str], pieces: Counter[str]) -> Iterator[None]:
    """While active, every `apply_plan` is checked against `apply_plan_whole`."""
    original_apply = apply.apply_plan
    original_text = piecewise.piece_as_text

    def both(source: str, plan: FilePlan) -> apply.Applied:
        got = original_apply(source, plan)
        whole = apply.apply_plan_whole(source, plan)
        if got != whole:
            differences.append(plan.path)
        return got

    def counted(*args: object) -> str | None:
        text = original_text(*args)  # type: ignore[arg-type]
        pieces["text" if text is not None else "libcst"] += 1
        return text

    apply.apply_plan = both  # `stages.transform_file` imports it at each call
    piecewise.piece_as_text = counted  # type: ignore[assignment]
    try:
        yield
    finally:
        apply.apply_plan = original_apply
        piecewise.piece_as_text = original_text


def run(targets: Sequence[Path], report: Callable[[str], None] = print) -> tuple[list[str], Counter[str]]:
    differences: list[str] = []
    pieces: Counter[str] = Counter()
    with compared(differences, pieces):
        for target in targets:
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp) / target.name
                if target.is_dir():
                    shutil.copytree(target, work, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__"))
                else:
                    shutil.copy(target, work)
                before = len(differences)
                migrate_paths([work], Options(jobs=1))
                for path in differences[before:]:
                    report(f"{target.name}: {path} differs from the whole-module transform")
    return differences, pieces


def main(argv: list[str]) -> int:
    targets = [Path(p).resolve() for p in argv] or fixture_targets()
    differences, pieces = run(targets)
    print(f"{len(targets)} targets, {len(differences)} files differ; pieces: {pieces['text']} as text, "
          f"{pieces['libcst']} by LibCST")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

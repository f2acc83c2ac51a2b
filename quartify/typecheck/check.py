"""The pass itself: copy, run the checker twice, keep only the errors the migration added.

This module only sequences the steps the other modules of `quartify.typecheck` implement:
the environment (`environment`), the config (`config`), the two copies (`copies`), the runs
and their output (`runner`; `pyright_engine` when the engine is basedpyright), and matching
the two runs (`diff`, which classifies with `classification`, or `pyright_engine.classify`).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from quartify.typecheck import Engine, pyright_engine
from quartify.typecheck.config import find_mypy_config
from quartify.typecheck.copies import make_copies
from quartify.typecheck.diff import new_errors
from quartify.typecheck.environment import choose_environment, lend_packages
from quartify.typecheck.results import TypecheckResult
from quartify.typecheck.runner import (
    BASE_ARGS,
    DUPLICATES,
    Job,
    MypyError,
    parse,
    run_all,
)


def typecheck(
    root: Path,
    files: Mapping[Path, str | None],
    *,
    python_executable: str | None = None,
    old_sources: Mapping[Path, str] | None = None,
    engine: Engine = "mypy",
) -> TypecheckResult:
    """Type-check the migration of `files` under `root`; report the errors it introduces.

    `files` maps each migrated Python file (absolute, or relative to `root`) to its new
    source, `None` when migration leaves it unchanged; its `.py` files under `root` are the
    ones mypy checks. Other files of the tree are copied so that imports resolve. The original
    sources are read from disk unless `old_sources` gives them. Nothing under `root` is
    written. `engine` is the checker: mypy, or basedpyright (see `pyright_engine`); when
    basedpyright is not installed the result is empty and its note says so.
    """
    started = time.monotonic()
    command = pyright_engine.find_basedpyright() if engine == "basedpyright" else None
    if engine == "basedpyright" and command is None:
        return TypecheckResult((), 0, 0, time.monotonic() - started, python_executable, (pyright_engine.MISSING,), engine)
    root = root.resolve()
    if root.is_file():
        root = root.parent
    notes: list[str] = []
    originals = _relative_keys(root, old_sources or {})
    overlay = _relative_keys(root, files)  # config files (pyproject.toml) may be migrated too
    targets = sorted(p for p in overlay if p.suffix == ".py")

    executable, missing = choose_environment(root, python_executable, notes)
    config = find_mypy_config(root)

    with tempfile.TemporaryDirectory(prefix="quartify-typecheck-") as scratch_name:
        scratch = Path(scratch_name).resolve()
        name = root.name or "project"
        before_tree = scratch / "before" / name
        after_tree = scratch / "after" / name
        copies = make_copies(root, overlay, targets, originals, before_tree, after_tree, notes)
        if not copies.checked:
            return TypecheckResult((), 0, 0, time.monotonic() - started, executable, tuple(notes), engine)

        plan = _Plan(root, scratch, config, executable, lend_packages(missing, scratch), tuple(sorted(copies.checked)))
        trees = [before_tree, after_tree]
        if command is not None:
            before_errors, after_errors = _run_pyright(command, plan, trees, notes)
            found = new_errors(
                before_errors, after_errors, copies.before_lines, copies.after_lines, trees, pyright_engine.classify
            )
        else:
            before_errors, after_errors = plan.run(before_tree, after_tree, notes)
            found = new_errors(before_errors, after_errors, copies.before_lines, copies.after_lines, trees)
        return TypecheckResult(
            found, len(before_errors), len(after_errors), time.monotonic() - started, executable, tuple(notes), engine
        )


def _run_pyright(
    command: str, plan: _Plan, trees: list[Path], notes: list[str]
) -> tuple[list[MypyError], list[MypyError]]:
    """basedpyright's errors on both copies; what kept a run from completing goes to `notes`."""
    for tree in trees:
        pyright_engine.write_config(tree, plan.checked, plan.mypypath)
    parsed: list[list[MypyError]] = []
    for label, tree, (out, err, status) in zip(
        ("original", "migrated"), trees, pyright_engine.run_both(command, trees, plan.executable), strict=True
    ):
        errors, unread = pyright_engine.parse(out, tree)
        if status not in (0, 1) or unread:
            detail = "; ".join([*unread, *err.strip().splitlines()][-3:]) or f"exit status {status}"
            for copy in trees:
                detail = detail.replace(str(copy), str(plan.root))
            notes.append(f"basedpyright stopped early on the {label} code, results may be incomplete: {detail}")
        parsed.append(errors)
    return parsed[0], parsed[1]


@dataclass(frozen=True)
class _Plan:
    """How mypy is run on both copies: the same arguments but for the tree and the cache."""

    root: Path
    scratch: Path
    config: Path | None
    executable: str | None
    mypypath: str | None
    checked: tuple[Path, ...]

    def job(self, tree: Path, cache: str, explicit_bases: bool) -> Job:
        args = list(BASE_ARGS)
        args += ["--cache-dir", str(self.scratch / cache)]
        if self.config is None:
            args.append("--config-file=")
        else:
            relative_config = _under(self.root, self.config)
            args += ["--config-file", str(tree / relative_config) if relative_config is not None else str(self.config)]
        if self.executable:
            args += ["--python-executable", self.executable]
        if explicit_bases:
            args.append("--explicit-package-bases")
        args += [str(tree / p) for p in self.checked]
        return Job(tree, args, self.mypypath)

    def run(self, before_tree: Path, after_tree: Path, notes: list[str]) -> tuple[list[MypyError], list[MypyError]]:
        """mypy's errors on both copies; what kept the runs from completing goes to `notes`."""
        jobs = [self.job(before_tree, "cache-before", False), self.job(after_tree, "cache-after", False)]
        runs = run_all(jobs, self.scratch)
        if any(d in out + err for out, err, _ in runs for d in DUPLICATES):
            # Two modules with one name (scripts, `conftest.py` in directories without an
            # `__init__.py`): name modules from the root instead, as mypy suggests.
            jobs = [self.job(before_tree, "cache-before-2", True), self.job(after_tree, "cache-after-2", True)]
            runs = run_all(jobs, self.scratch)

        (before_out, before_err, before_status), (after_out, after_err, after_status) = runs
        before_errors, before_other = parse(before_out, before_tree)
        after_errors, after_other = parse(after_out, after_tree)
        for label, status, err, other in (
            ("original", before_status, before_err, before_other),
            ("migrated", after_status, after_err, after_other),
        ):
            if status not in (0, 1):
                detail = "; ".join([*other, *err.strip().splitlines()][-3:]) or f"exit status {status}"
                detail = detail.replace(str(before_tree), str(self.root)).replace(str(after_tree), str(self.root))
                notes.append(f"mypy stopped early on the {label} code, results may be incomplete: {detail}")
        if any(e.code == "import-not-found" and '"quart"' in e.message for e in after_errors):
            notes.append(
                "mypy cannot find quart, so no Quart call is checked: install quart in the environment "
                "mypy uses (see quartify.typecheck) or pass --python-executable"
            )
        return before_errors, after_errors


def _relative_keys(root: Path, mapping: Mapping[Path, str | None]) -> dict[Path, str | None]:
    out: dict[Path, str | None] = {}
    for path, text in mapping.items():
        relative = _under(root, path)
        if relative is not None:
            out[relative] = text
    return out


def _under(root: Path, path: Path) -> Path | None:
    """`path` relative to `root`, or None when it is outside."""
    absolute = path if path.is_absolute() else root / path
    try:
        return absolute.resolve().relative_to(root)
    except ValueError:
        return None

"""The path-level entry of the pipeline: discover the files under the paths given, consult the
run cache, and migrate them with `core.pipeline.migrate` (the one core entry).

Kept apart from `core.pipeline` so that a run the cache answers (`core.run_cache`: a re-check
of an unchanged project, as a pre-commit hook or an editor repeats) never imports the analysis:
on a 50 kLOC project that import was a fifth of a warm check's start-up. `core.pipeline`
re-exports these names.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from quartify.core.config import Options
from quartify.core.discover import Discovered, common_root, discover, module_names
from quartify.core.index_cache import CACHE_DIR_NAME, IndexCache
from quartify.core.modnames import distinct_names
from quartify.core.run_cache import run_memo
from quartify.core.subset import project_root
from quartify.core.types import (
    FileResult,
    Finding,
    OtherFile,
    RunResult,
    Severity,
    Status,
)

Progress = Callable[[str, int, int], None]
_PYTEST_FILES = {"pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml"}


@dataclass(frozen=True)
class InputFile:
    path: Path
    display: str
    module: str
    is_package: bool
    data: bytes | None = None  # given for stdin; read from disk otherwise
    dependency_file: bool = False  # requirements/pyproject/setup.cfg/...: not Python to index


def _display(path: Path, root: Path) -> str:
    """`path` (a real path, as discovery gives them) relative to `root` (real too)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def inputs_for(paths: list[Path], options: Options) -> tuple[list[InputFile], int, Path]:
    inputs, found = discovered_inputs(paths, options)
    return inputs, found.excluded, found.root


def discovered_inputs(paths: list[Path], options: Options) -> tuple[list[InputFile], Discovered]:
    found = discover(paths, options.exclude)
    inputs = []
    named = [(path, *name) for path, name in zip(found.files, module_names(found.files), strict=True)]
    renamed = distinct_names(named, found.root)  # two `main.py` in sibling script folders
    for path, module, is_package in named:
        inputs.append(InputFile(path, _display(path, found.root), renamed.get(path, module), is_package))
    for path in found.dependency_files:
        inputs.append(InputFile(path, _display(path, found.root), "", False, dependency_file=True))
    return inputs, found


def run_root(paths: list[Path], whole_project: bool) -> Path:
    """The directory a run's paths are shown relative to (and its cache lives in): the project
    root for a subset run, else the common directory of the paths."""
    root = project_root(paths) if whole_project else None
    return root if root is not None else common_root(paths)


def migrate_paths(
    paths: list[Path],
    options: Options,
    progress: Progress | None = None,
    *,
    whole_project: bool = False,
    cache_dir: Path | None = None,
    use_cache: bool = False,
) -> RunResult:
    """Discover `paths` and migrate them.

    `whole_project`: when every path is a file inside a project (`core.subset.project_root`),
    index and solve the whole project and transform and report only those files (a subset run;
    other files that would change are in `RunResult.also_needs`). `use_cache`: keep file
    indexes in `cache_dir` (default `<run root>/.quartify_cache`) between runs; the result is
    the same with or without it.
    """
    started = time.perf_counter()
    root = project_root(paths) if whole_project else None
    inputs, found = discovered_inputs([root, *paths] if root is not None else paths, options)
    focus = frozenset(Path(os.path.realpath(p)) for p in paths) if root is not None else None
    excluded, _root = found.excluded, found.root
    cache = IndexCache(cache_dir or _root / CACHE_DIR_NAME) if use_cache else None
    discovered = time.perf_counter()
    memo = run_memo(cache, inputs, options, focus, _root) if cache is not None else None
    result = memo.get() if memo is not None else None
    if result is not None:
        result = replace(result, timings=(("run cache hit", time.perf_counter() - discovered),))
    else:
        from quartify.core.pipeline import (
            migrate,  # the analysis loads only when a run computes
        )

        result = migrate(inputs, options, progress, focus=focus, cache=cache, read=memo.data if memo else None,
                         digests=memo.digests if memo else None)
        if memo is not None:
            memo.put(result)
    timings = (("discover", discovered - started), *result.timings)
    files = result.files
    elsewhere = result.also_needs
    config = _pytest_config_for(result, inputs, _root)
    if config is not None and focus is not None:
        elsewhere = (*elsewhere, OtherFile("pytest.ini", "the tests became async: asyncio_mode = auto"))
    elif config is not None:
        files = tuple(sorted((*files, config), key=lambda r: r.path.as_posix()))
    if focus is not None:
        excluded = 0  # the files a subset run leaves out are not "excluded"
    return RunResult(files, excluded, (*found.findings, *result.findings), result.async_functions, timings,
                     result.async_tests, found.leftovers, elsewhere)


PYTEST_INI = """[pytest]
# Written by quartify: the migrated tests are async and run under pytest-asyncio.
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""


def _pytest_config_for(result: RunResult, inputs: Sequence[InputFile], root: Path) -> FileResult | None:
    """A project whose tests became async but that configures pytest nowhere gets a pytest.ini
    (pytest-asyncio needs `asyncio_mode`); a pyproject.toml gets the section from the deps step."""
    if not result.async_tests:
        return None
    for f in inputs:
        if not f.dependency_file:
            continue
        if f.path.name in (*_PYTEST_FILES, "pyproject.toml"):
            return None
        if f.path.name in ("tox.ini", "setup.cfg"):
            try:
                text = f.path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None  # unreadable (its own QFY001 says so): it may configure pytest already
            if "[pytest]" in text or "[tool:pytest]" in text:
                return None
    target = root / "pytest.ini"
    if target.exists():
        return None
    note = Finding("QFY125", Severity.INFO, "no pytest configuration found: wrote pytest.ini with asyncio_mode = auto",
                   "pytest.ini", 1)
    return FileResult(target, Status.CHANGED, "", PYTEST_INI, (note,))

"""The pipeline: discover -> index (parallel) -> solve (whole repo) -> transform (parallel,
only files with edits) -> verify -> (the caller writes) -> report.

`migrate_sources` is the one core entry point: the CLI, stdin mode and tests all call it with
(path, text) pairs; `migrate_paths` adds discovery and reading. Nothing here writes files or
prints: results are data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from quartify.analysis import graph as graph_mod
from quartify.analysis.graph import is_test_module
from quartify.analysis.index import IndexError_, index_source
from quartify.analysis.link import Linker
from quartify.analysis.model import ModuleIndex
from quartify.analysis.plan import FilePlan, RepoPlan, plan_file
from quartify.analysis.solver import solve
from quartify.core.config import Options
from quartify.core.discover import Discovered, discover, module_name
from quartify.core.nesting import deep_enough
from quartify.core.stages import Indexed, Transformed, await_outside_async, index_file, transform_file
from quartify.core.source import Source, SourceError, decode, read
from quartify.core.types import AsyncFunction, FileResult, Finding, RunResult, Severity, Status
from quartify.deps import rewrite_dependency_file

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class InputFile:
    path: Path
    display: str
    module: str
    is_package: bool
    data: bytes | None = None  # given for stdin; read from disk otherwise
    dependency_file: bool = False  # requirements/pyproject/setup.cfg/...: not Python to index


def _map(fn: Callable[..., R], args: Sequence[tuple[object, ...]], workers: int) -> list[R]:
    if workers <= 1 or len(args) < 2:
        return [fn(*a) for a in args]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, *a) for a in args]
        return [f.result() for f in futures]


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def inputs_for(paths: list[Path], options: Options) -> tuple[list[InputFile], int, Path]:
    inputs, found = discovered_inputs(paths, options)
    return inputs, found.excluded, found.root


def discovered_inputs(paths: list[Path], options: Options) -> tuple[list[InputFile], Discovered]:
    found = discover(paths, options.exclude)
    inputs = []
    for path in found.files:
        module, is_package = module_name(path, found.root)
        inputs.append(InputFile(path, _display(path, found.root), module, is_package))
    for path in found.dependency_files:
        inputs.append(InputFile(path, _display(path, found.root), "", False, dependency_file=True))
    return inputs, found


def migrate_paths(paths: list[Path], options: Options, progress: Progress | None = None) -> RunResult:
    started = time.perf_counter()
    inputs, found = discovered_inputs(paths, options)
    excluded, _root = found.excluded, found.root
    discovered = time.perf_counter()
    result = migrate(inputs, options, progress)
    timings = (("discover", discovered - started), *result.timings)
    files = result.files
    config = _pytest_config_for(result, inputs, _root)
    if config is not None:
        files = tuple(sorted((*files, config), key=lambda r: r.path.as_posix()))
    return RunResult(files, excluded, (*found.findings, *result.findings), result.async_functions, timings,
                     result.async_tests, found.leftovers)


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


def migrate(inputs: Iterable[InputFile], options: Options, progress: Progress | None = None) -> RunResult:
    clock = [time.perf_counter()]
    timings: list[tuple[str, float]] = []

    def lap(stage: str) -> None:
        now = time.perf_counter()
        timings.append((stage, now - clock[0]))
        clock[0] = now

    everything = sorted(inputs, key=lambda f: f.display)
    files = [f for f in everything if not f.dependency_file]
    dependency_results = migrate_dependency_files([f for f in everything if f.dependency_file])
    _dedupe_modules(files)
    workers = options.workers(len(files))
    if progress:
        progress("index", 0, len(files))
    indexed: list[Indexed] = _map(
        index_file, [(f.path, f.display, f.module, f.is_package, f.data) for f in files], workers
    )
    if progress:
        progress("index", len(files), len(files))

    lap("index")
    good = [i for i in indexed if i.index is not None]
    repo = plan_repo([i.index for i in good if i.index is not None], options)
    plans = {i.display: plan_file(repo, i.index) for i in good if i.index is not None}
    lap("solve and plan")

    todo = [i for i in good if plans[i.display].has_edits]
    transformed: list[Transformed] = _map(
        transform_file, [(i.text, plans[i.display]) for i in todo], workers if len(todo) >= 8 else 1
    )
    by_display = {t.display: t for t in transformed}
    if progress:
        progress("transform", len(todo), len(todo))

    results: list[FileResult] = []
    for item in indexed:
        if item.index is None or item.text is None:
            assert item.error is not None
            results.append(FileResult(item.path, Status.FAILED, findings=(item.error,)))
            continue
        plan = plans[item.display]
        done = by_display.get(item.display)
        if done is None:
            results.append(FileResult(item.path, Status.UNCHANGED, item.text, findings=plan.findings))
            continue
        with deep_enough():  # the output is as deep as the input the stages handled
            results.append(_verify(repo, item, plan, done))
    results.extend(dependency_results)
    results.sort(key=lambda r: r.path.as_posix())
    lap("transform and verify")
    changed = {r.path for r in results if r.status is Status.CHANGED}
    made_async = tuple(
        AsyncFunction(i.display, f.span.line, f.qualname[len(i.index.module) + 1 :].replace(".<locals>", ""),
                      repo.chain_steps(f.qualname))
        for i in good if i.index is not None and i.path in changed
        for f in i.index.functions if repo.is_async(f.qualname) and not f.is_async
    )
    async_tests = any(
        is_test_module(i.display) and any(f.is_async or repo.is_async(f.qualname) for f in i.index.functions)
        for i in good if i.index is not None
    )
    return RunResult(tuple(results), 0, (), made_async, tuple(timings), async_tests)


_PYTEST_FILES = {"pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml"}


def migrate_dependency_files(files: Sequence[InputFile]) -> list[FileResult]:
    """Dependency and pytest config files: Flask -> Quart, pytest-asyncio and its settings."""
    loaded: list[tuple[InputFile, Source | None, Finding | None]] = []
    for f in files:
        try:
            loaded.append((f, decode(f.data) if f.data is not None else read(f.path), None))
        except SourceError as exc:
            loaded.append((f, None, Finding("QFY001", Severity.ERROR, f"cannot migrate {f.display}: {exc}", f.display, exc.line)))
    elsewhere = any(
        f.path.name in _PYTEST_FILES
        or (src is not None and f.path.name in ("tox.ini", "setup.cfg") and ("[pytest]" in src.text or "[tool:pytest]" in src.text))
        for f, src, _ in loaded
    )
    results = []
    for f, src, error in loaded:
        if src is None:
            assert error is not None
            results.append(FileResult(f.path, Status.FAILED, findings=(error,)))
            continue
        rewritten = rewrite_dependency_file(f.display, src.text, elsewhere)
        status = Status.CHANGED if rewritten.new_text is not None else Status.UNCHANGED
        results.append(FileResult(f.path, status, src.text, rewritten.new_text, rewritten.findings, encoding=src.encoding))
    return results


def plan_repo(indexes: Sequence[ModuleIndex], options: Options | None = None) -> RepoPlan:
    linker = Linker(indexes)
    repo_graph = graph_mod.build(linker)
    return RepoPlan(linker, repo_graph, solve(repo_graph.graph), options or Options())


def _verify(repo: RepoPlan, item: Indexed, plan: FilePlan, done: Transformed) -> FileResult:
    """Keep the new source only if it parses, awaits only inside async defs, and is a fixed
    point (planning the output again finds nothing left to do); otherwise keep the original."""
    assert item.text is not None and item.index is not None
    findings = (*plan.findings, *done.findings)
    if done.source is None:
        return FileResult(item.path, Status.FAILED, item.text, findings=findings)
    if done.source == item.text:
        return FileResult(item.path, Status.UNCHANGED, item.text, findings=findings)
    problem: str | None = None
    try:
        line = await_outside_async(done.source)
        if line is not None:
            problem = f"the output would have `await` outside `async def` at line {line}"
        else:
            again = plan_file(repo, index_source(done.source, item.display, item.index.module, item.index.is_package))
            if again.make_async or again.awaits or again.async_withs or again.renames or again.cli_bridges:
                problem = "the output is not a fixed point (a second run would change it again)"
    except (SyntaxError, IndexError_) as exc:
        problem = f"the output does not parse: {exc}"
    if problem is not None:
        failure = Finding("QFY002", Severity.ERROR, f"{problem}; the file was left unchanged", item.display, 1)
        return FileResult(item.path, Status.FAILED, item.text, findings=(*findings, failure))
    return FileResult(
        item.path,
        Status.CHANGED,
        item.text,
        done.source,
        findings,
        done.functions_made_async,
        done.awaits_added,
        item.encoding,
    )


def _dedupe_modules(files: list[InputFile]) -> None:
    seen: dict[str, int] = {}
    for i, f in enumerate(files):
        if f.module in seen:
            files[i] = InputFile(f.path, f.display, f"{f.module}@{f.display}", f.is_package, f.data)
        seen[f.module] = i


"""The pipeline: discover -> index (parallel) -> solve (whole repo) -> transform (parallel,
only files with edits) -> verify -> (the caller writes) -> report.

`migrate` is the one core entry point: the CLI, stdin mode, `quartify verify` and tests all
call it with `InputFile`s (a path, optionally the bytes); `migrate_paths` adds discovery.
Nothing here writes files or prints: results are data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from quartify.analysis import graph as graph_mod
from quartify.analysis.graph import is_test_module
from quartify.analysis.index import UnindexableSource, index_source
from quartify.analysis.link import Linker
from quartify.analysis.model import ModuleIndex
from quartify.analysis.pins import pin
from quartify import __version__
from quartify.analysis.plan import FilePlan, RepoPlan, plan_file
from quartify.analysis.planners.extensions import MoveExtension
from quartify.analysis.planners.flask_patch import PATCH_REQUIREMENT, PatchRoute, compat_source, patch_route
from quartify.analysis.repo import short
from quartify.analysis.solver import solve
from quartify.core.config import Options
from quartify.core.discover import Discovered, discover, module_name
from quartify.core.free_names import newly_unbound
from quartify.core.modnames import distinct_names
from quartify.core.nesting import deep_enough
from quartify.core.source import Source, SourceError, decode, read
from quartify.core.stages import (
    Indexed,
    IndexFailed,
    Transformed,
    TransformFailed,
    await_outside_async,
    index_file,
    transform_file,
)
from quartify.core.types import (
    AsyncFunction,
    ChainStep,
    FileResult,
    Finding,
    RunResult,
    Severity,
    Status,
)
from quartify.deps import rewrite_dependency_file
from quartify.rules.extensions import inactive_modules

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[str, int, int], None]
# The Python inputs -> their index results, one per input in order (`migrate`'s `indexer`).
Indexer = Callable[[Sequence["InputFile"]], list[Indexed | IndexFailed]]


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
    named = [(path, *module_name(path, found.root)) for path in found.files]
    renamed = distinct_names(named, found.root)  # two `main.py` in sibling script folders
    for path, module, is_package in named:
        inputs.append(InputFile(path, _display(path, found.root), renamed.get(path, module), is_package))
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


def migrate(
    inputs: Iterable[InputFile],
    options: Options,
    progress: Progress | None = None,
    *,
    focus: frozenset[Path] | None = None,
    indexer: Indexer | None = None,
) -> RunResult:
    """Solve the whole repo given by `inputs`; plan, transform, verify and report `focus`.

    `focus` (paths as the `InputFile`s name them; None = every file): only these files are
    planned, transformed, verified and returned, while the colouring is still solved over every
    input, so a focused file sees what the rest of the repo implies. Dependency files outside the
    focus are left alone, and the quart-flask-patch compat module is written only by a run
    without focus. `indexer` replaces the parallel `index_file` over the Python inputs (a warm
    in-memory or on-disk index); it must return one result per input, in order.
    """
    clock = [time.perf_counter()]
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock[0]
        clock[0] = now

    everything = sorted(inputs, key=lambda f: f.display)
    files = [f for f in everything if not f.dependency_file]
    _dedupe_modules(files)
    workers = options.workers(len(files))
    if progress:
        progress("index", 0, len(files))
    indexed: list[Indexed | IndexFailed] = (
        indexer(files) if indexer is not None
        else _map(index_file, [(f.path, f.display, f.module, f.is_package, f.data) for f in files], workers)
    )
    if progress:
        progress("index", len(files), len(files))

    lap("index")
    good = [i for i in indexed if isinstance(i, Indexed)]
    linker = Linker([i.index for i in good], inactive_modules(options.extensions))
    route = patch_route(linker, options.extensions)
    base_graph = graph_mod.build(linker)
    first_solution: frozenset[str] | None = None
    pins: dict[str, str] = {}  # display -> why its file is kept unchanged
    kept: dict[str, FileResult] = {}  # the failed results of pinned files
    done: dict[str, tuple[FilePlan, Transformed | TransformFailed]] = {}
    while True:
        # A file kept unchanged pins its functions' colour; the others are planned again
        # against it, until no new file fails (pins only grow, so this ends).
        repo_graph = pin(base_graph, linker, pins)
        repo = RepoPlan(linker, repo_graph, solve(repo_graph.graph), options)
        if first_solution is None:
            first_solution = repo.solution.async_nodes
        plans = {i.display: plan_file(repo, i.index) for i in good
                 if i.display not in pins and (focus is None or i.path in focus)}
        lap("solve and plan")
        todo = [i for i in good if i.display in plans and plans[i.display].has_edits
                and (i.display not in done or done[i.display][0] != plans[i.display])]
        transformed: list[Transformed | TransformFailed] = _map(
            transform_file, [(i.text, plans[i.display]) for i in todo], workers if len(todo) >= 8 else 1
        )
        for t in transformed:
            done[t.display] = (plans[t.display], t)
        if progress:
            progress("transform", len(todo), len(todo))
        results_by: dict[str, FileResult] = {}
        for item in good:
            if item.display in pins:
                results_by[item.display] = kept[item.display]
                continue
            if item.display not in plans:
                continue  # outside the focus
            plan = plans[item.display]
            if not plan.has_edits:
                results_by[item.display] = FileResult(item.path, Status.UNCHANGED, item.text, findings=plan.findings)
                continue
            with deep_enough():  # the output is as deep as the input the stages handled
                results_by[item.display] = _verify(repo, item, plan, done[item.display][1])
        newly_failed = {d: r for d, r in results_by.items() if r.status is Status.FAILED and d not in pins}
        lap("transform and verify")
        if not newly_failed:
            break
        for display, failed in newly_failed.items():
            pins[display] = _why_kept(failed)
            kept[display] = failed
    if pins:
        _note_pins(results_by, pins, linker, repo, first_solution or frozenset())

    results: list[FileResult] = [
        FileResult(item.path, Status.FAILED, findings=(item.error,)) if isinstance(item, IndexFailed)
        else results_by[item.display]
        for item in indexed
        if focus is None or item.path in focus
    ]
    # Dependencies follow imports: an extension moved to its Quart port in any changed file
    # gets the port's requirement in the dependency files of the same run; the patch route
    # adds quart-flask-patch.
    ported_dists = frozenset(
        edit.dist for display, result in results_by.items() if result.status is Status.CHANGED
        for edit in done[display][0].of(MoveExtension)
    )
    results.extend(migrate_dependency_files(
        [f for f in everything if f.dependency_file and (focus is None or f.path in focus)], ported_dists,
        (PATCH_REQUIREMENT,) if route else ()))
    compat = _compat_file(route, good) if focus is None else None
    if compat is not None:
        results.append(compat)
    results.sort(key=lambda r: r.path.as_posix())
    changed = {r.path for r in results if r.status is Status.CHANGED}
    made_async = tuple(
        AsyncFunction(i.display, f.span.line, short(f.qualname[len(i.index.module) + 1 :]),
                      repo.chain_steps(f.qualname))
        for i in good if i.path in changed
        for f in i.index.functions if repo.is_async(f.qualname) and not f.is_async
    )
    async_tests = any(
        is_test_module(i.display) and any(f.is_async or repo.is_async(f.qualname) for f in i.index.functions)
        for i in good
    )
    return RunResult(tuple(results), 0, (), made_async, tuple(timings.items()), async_tests)


_PYTEST_FILES = {"pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml"}


def _compat_file(route: PatchRoute | None, good: Sequence[Indexed]) -> FileResult | None:
    """The compat module of the quart-flask-patch route, next to the module that creates the
    app (an existing file of that name is left alone: a re-run, or the user's own)."""
    if route is None:
        return None
    host = next((i for i in good if i.index.module == route.host), None)
    if host is None:
        return None
    target = host.path.parent / route.compat_path.rpartition("/")[2]
    if target.exists() or any(i.index.path == route.compat_path for i in good):
        return None
    return FileResult(target, Status.CHANGED, "", compat_source(__version__))


def migrate_dependency_files(files: Sequence[InputFile], ported_dists: frozenset[str] = frozenset(),
                             also: tuple[str, ...] = ()) -> list[FileResult]:
    """Dependency and pytest config files: Flask -> Quart, pytest-asyncio and its settings, the
    Quart port of every extension in `ported_dists` (whose imports this run moved), and `also`
    (other requirements the migrated code imports)."""
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
        rewritten = rewrite_dependency_file(f.display, src.text, elsewhere, ported_dists, also)
        status = Status.CHANGED if rewritten.new_text is not None else Status.UNCHANGED
        results.append(FileResult(f.path, status, src.text, rewritten.new_text, rewritten.findings, encoding=src.encoding))
    return results


def plan_repo(indexes: Sequence[ModuleIndex], options: Options | None = None) -> RepoPlan:
    linker = Linker(indexes, inactive_modules((options or Options()).extensions))
    repo_graph = graph_mod.build(linker)
    return RepoPlan(linker, repo_graph, solve(repo_graph.graph), options or Options())


def _verify(repo: RepoPlan, item: Indexed, plan: FilePlan, done: Transformed | TransformFailed) -> FileResult:
    """Keep the new source only if it compiles (awaits only inside async defs, by Python's own
    scoping rules) and is a fixed point (planning the output again finds nothing left to do);
    otherwise keep the original."""
    if isinstance(done, TransformFailed):
        return FileResult(item.path, Status.FAILED, item.text, findings=(*plan.findings, done.error))
    findings = (*plan.findings, *done.findings)
    if done.source == item.text:
        return FileResult(item.path, Status.UNCHANGED, item.text, findings=findings)
    problem: str | None = None
    try:
        line = await_outside_async(done.source)
        unbound = newly_unbound(item.text, done.source) if line is None else []
        if line is not None:
            problem = f"the output would have `await` outside `async def` at line {line}"
        elif unbound:
            problem = f"the output reads names nothing binds ({', '.join(unbound)}), which the input did not"
        else:
            again = plan_file(repo, index_source(done.source, item.display, item.index.module, item.index.is_package))
            if again.unsettled():
                problem = "the output is not a fixed point (a second run would change it again)"
    except SyntaxError as exc:
        problem = f"the output does not compile: {exc.msg} (line {exc.lineno})"
    except (UnindexableSource, ValueError, RecursionError) as exc:
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


def _why_kept(failed: FileResult) -> str:
    errors = [f for f in failed.findings if f.code in ("QFY001", "QFY002")]
    return f"{errors[-1].code}: {errors[-1].message.split(';')[0]}" if errors else "it could not be migrated"


def _note_pins(
    results: dict[str, FileResult], pins: dict[str, str], linker: Linker, repo: RepoPlan, first: frozenset[str]
) -> None:
    """On each file kept unchanged: which of its functions stay sync that would have become
    async, and the callers in other files that were planned again without awaiting them."""
    stayed = sorted(q for q in first - repo.solution.async_nodes if linker.module_of[q].path in pins)
    for display in sorted(pins):
        mine = [q for q in stayed if linker.module_of[q].path == display]
        if not mine:
            continue
        callers = sorted(
            {(linker.module_of[e.caller].path, e.line, e.caller) for e in repo.graph.graph.edges
             if e.callee in mine and linker.module_of[e.caller].path != display}
        )
        names = ", ".join(f"`{short(q[len(linker.module_of[q].module) + 1:])}`" for q in mine)
        chain = tuple(ChainStep(path, line, f"{short(caller)} calls it without await") for path, line, caller in callers)
        also = f"; {len(callers)} caller(s) in other files were planned again without `await`" if callers else ""
        note = Finding("QFY005", Severity.WARNING, f"this file is kept unchanged, so {names} stay sync{also}",
                       display, 1, chain=chain)
        old = results[display]
        results[display] = replace(old, findings=(*old.findings, note))


def _dedupe_modules(files: list[InputFile]) -> None:
    seen: dict[str, int] = {}
    for i, f in enumerate(files):
        if f.module in seen:
            files[i] = InputFile(f.path, f.display, f"{f.module}@{f.display}", f.is_package, f.data)
        seen[f.module] = i


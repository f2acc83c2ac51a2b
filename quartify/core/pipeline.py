"""The pipeline: discover -> index (parallel) -> solve (whole repo) -> transform (parallel,
only files with edits) -> verify -> (the caller writes) -> report.

`migrate` is the one core entry point: the CLI, stdin mode, `quartify verify`, the language
server and tests all call it with `InputFile`s (a path, optionally the bytes); `migrate_paths`
(in `core.paths`, re-exported here) adds discovery, the caches and subset runs (a few files of
a project, solved with the whole project: see `core.subset`). Nothing here writes files or prints: results are data
(the index cache, when asked for, writes its own directory).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from quartify import __version__
from quartify.analysis import graph as graph_mod
from quartify.analysis import unsafe_fixes
from quartify.analysis.graph import is_test_module
from quartify.analysis.link import Linker
from quartify.analysis.link_memory import LinkMemory
from quartify.analysis.model import ModuleIndex
from quartify.analysis.pins import pin
from quartify.analysis.plan import FilePlan, RepoPlan
from quartify.analysis.planners.extensions import MoveExtension
from quartify.analysis.planners.flask_patch import (
    PATCH_REQUIREMENT,
    PatchImports,
    PatchRoute,
    compat_source,
    patch_route,
)
from quartify.analysis.repo import short
from quartify.analysis.solver import solve
from quartify.core.cached_index import IndexArgs, index_cached
from quartify.core.config import Options
from quartify.core.discover import real_path
from quartify.core.gcpause import keep, paused
from quartify.core import link_store
from quartify.core.index_cache import IndexCache
from quartify.core.paths import _PYTEST_FILES
from quartify.core.paths import InputFile as InputFile
from quartify.core.paths import Progress as Progress
from quartify.core.paths import discovered_inputs as discovered_inputs
from quartify.core.paths import inputs_for as inputs_for
from quartify.core.paths import migrate_paths as migrate_paths
from quartify.core.paths import run_root as run_root
from quartify.core.source import Source, SourceError, decode, read
from quartify.core.workers import Workers
from quartify.core.stages import (
    Indexed,
    IndexFailed,
    Transformed,
    TransformFailed,
    index_file,
)
from quartify.core.run_cache import dependency_memo
from quartify.core.subset import also_needs
from quartify.core.types import (
    AsyncFunction,
    ChainStep,
    FileResult,
    Finding,
    OtherFile,
    RunResult,
    Severity,
    Status,
)
from quartify.deps.declared import declared_names
from quartify.rules.extensions import inactive_modules, project_dists


# The Python inputs -> their index results, one per input in order (`migrate`'s `indexer`).
Indexer = Callable[[Sequence["InputFile"]], list[Indexed | IndexFailed]]




def migrate(
    inputs: Iterable[InputFile],
    options: Options,
    progress: Progress | None = None,
    *,
    focus: frozenset[Path] | None = None,
    cache: IndexCache | None = None,
    indexer: Indexer | None = None,
    links: LinkMemory | None = None,
    read: Mapping[Path, bytes] | None = None,
    digests: Mapping[Path, bytes] | None = None,
) -> RunResult:
    """Migrate `inputs` together: every Python input is indexed, the whole set is solved.

    `focus`: None transforms and reports every input. Otherwise only the inputs whose path is
    in it (compared after `os.path.realpath`) are transformed and reported; the rest only
    inform the solution, and those the solution would change are listed in
    `RunResult.also_needs`. Dependency files outside the focus are never changed (named in
    `also_needs` when they would change); the quart-flask-patch compat module is added when it
    is missing and a focus file's new text imports it (see `core.subset`). A language server passes
    every file of the project (from `discovered_inputs([root], options)`, with the open
    buffer's bytes as `data`) and `focus={that file}`.
    `cache`: answer the index stage from an `IndexCache` where it can (same result).
    `indexer`: replaces the index stage over the Python inputs (the language server's warm
    in-memory index, `core/workspace.py`); one result per input, in order.
    `links`: the linker's answers kept from the previous run of a long-lived caller (the same
    result; analysis/link_memory.py).
    `read`: the bytes of inputs already read from disk, by path (the run cache's key was made of
    them): indexed as they are instead of reading the files again. `digests`: the
    `index_cache.content_digest` of the bytes of inputs, by path (the run cache's key was made of
    them too): the index cache's keys are made of them instead of hashing the files again.
    """
    everything = sorted(inputs, key=lambda f: f.display)
    # A module two extensions install (`flask_bootstrap`) is the one the dependency files name.
    with paused(), project_dists(_declared_dists([f for f in everything if f.dependency_file])):
        return _migrate(everything, options, progress, focus, cache, indexer, links, read or {}, digests)


def _declared_dists(files: Sequence[InputFile]) -> set[str]:
    texts: dict[str, str] = {}
    for f in files:
        try:
            texts[f.display] = (decode(f.data) if f.data is not None else read(f.path)).text
        except SourceError:
            continue  # reported by the dependency step
    return declared_names(sorted(texts), texts.get)


def _migrate(everything: list[InputFile], options: Options, progress: Progress | None,
             focus: frozenset[Path] | None, cache: IndexCache | None, indexer: Indexer | None,
             links: LinkMemory | None, read: Mapping[Path, bytes],
             digests: Mapping[Path, bytes] | None) -> RunResult:
    clock = [time.perf_counter()]
    timings: dict[str, float] = {}

    def lap(stage: str) -> None:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock[0]
        clock[0] = now

    files = [f for f in everything if not f.dependency_file]
    _dedupe_modules(files)
    focus = frozenset(real_path(p) for p in focus) if focus is not None else None
    focused = _focused(files, focus)
    workers = Workers(options.workers(len(files)))
    try:
        return _stages(everything, files, options, workers, progress, lap, timings, focus, focused, cache, indexer,
                       links, read, digests)
    finally:
        workers.close()


def _stages(everything: list[InputFile], files: list[InputFile], options: Options, workers: Workers,
            progress: Progress | None, lap: Callable[[str], None], timings: dict[str, float],
            focus: frozenset[Path] | None, focused: frozenset[str], cache: IndexCache | None,
            indexer: Indexer | None, links: LinkMemory | None, read: Mapping[Path, bytes],
            digests: Mapping[Path, bytes] | None) -> RunResult:
    if progress:
        progress("index", 0, len(files))

    # While the index workers run, this process loads what the pool forked after solving will
    # share (LibCST, the rewrites): otherwise it does so after solving, with one core idle.
    meanwhile = workers.preload if workers.will_fork(len(focused)) else None

    def index_all(args: list[IndexArgs]) -> list[Indexed | IndexFailed]:
        return workers.map(index_file, [(*a, options.max_file_size) for a in args], meanwhile=meanwhile)

    indexed = indexer(files) if indexer is not None else index_cached(
        [(f.path, f.display, f.module, f.is_package, f.data if f.data is not None else read.get(f.path))
         for f in files], cache, index_all, options.max_file_size, digests)
    if progress:
        progress("index", len(files), len(files))

    lap("index")
    good = [i for i in indexed if isinstance(i, Indexed)]
    # A one-shot process with a cache: the linker's answers of an earlier run (core/link_store.py).
    stored = links is None and cache is not None
    if stored and cache is not None:
        links = LinkMemory(link_store.load(cache.directory))
    linker = (links.linker if links is not None else Linker)([i.index for i in good], inactive_modules(options.extensions))
    unsafe_fixes.enable(linker, options, {i.index.path: i.text for i in good})
    route = patch_route(linker, options.extensions)
    base_graph = graph_mod.build(linker, links.bodies if links is not None else None)
    items = {i.display: i for i in good}
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
        lap("solve")
        wanted = [i.display for i in good if i.display not in pins and i.display in focused]
        checked = workers.plan_transform_verify(repo, items, wanted, done)
        for display, outcome in checked.items():
            if outcome.transformed is not None:
                done[display] = (outcome.plan, outcome.transformed)
        if progress:
            progress("transform", len(checked), len(checked))
        lap("plan, transform and verify")
        results_by = {d: kept[d] if d in pins else checked[d].result for d in (i.display for i in good) if d in focused}
        newly_failed = {d: r for d, r in results_by.items() if r.status is Status.FAILED and d not in pins}
        if not newly_failed:
            break
        for display, failed in newly_failed.items():
            pins[display] = _why_kept(failed)
            kept[display] = failed
    record = links.record() if stored and links is not None else None
    if record is not None and cache is not None and links is not None and link_store.worth_saving(record, links.stored):
        link_store.save(cache.directory, record)
    if pins:
        _note_pins(results_by, pins, linker, repo, first_solution or frozenset())

    results: list[FileResult] = [
        FileResult(item.path, item.status, findings=(item.error,)) if isinstance(item, IndexFailed)
        else results_by[item.display]
        for item in indexed if item.display in focused
    ]
    # Dependencies follow imports: an extension moved to its Quart port in any changed file
    # gets the port's requirement in the dependency files of the same run; the patch route
    # adds quart-flask-patch.
    ported_dists = frozenset(
        edit.dist for display, result in results_by.items() if result.status is Status.CHANGED
        for edit in done[display][0].of(MoveExtension)
    )
    swapped = unsafe_fixes.requirements(
        done[display][0] for display, result in results_by.items() if result.status is Status.CHANGED
    )
    async_tests = any(
        is_test_module(i.display) and any(f.is_async or repo.is_async(f.qualname) for f in i.index.functions)
        for i in good
    )
    dependencies = _dependency_step([f for f in everything if f.dependency_file], ported_dists,
                                    ((PATCH_REQUIREMENT,) if route else ()) + swapped, async_tests, cache)
    results.extend(d for d in dependencies if focus is None or real_path(d.path) in focus)
    on_disk = {f.display for f in everything if f.data is None}  # stdin and in-memory runs write no helper
    changed_plans = [(i.path, i.index, done[i.display][0]) for i in good if i.display in on_disk
                     and i.display in results_by and results_by[i.display].status is Status.CHANGED]
    taken = {i.path for i in good}
    for target, text in unsafe_fixes.helper_files(changed_plans, __version__):
        if not target.exists() and target not in taken:
            results.append(FileResult(target, Status.CHANGED, "", text))
    elsewhere: list[OtherFile] = []
    if focus is not None:
        elsewhere = also_needs(repo, good, focused)
        shown = {f.path: f.display for f in everything}
        elsewhere.extend(OtherFile(shown.get(d.path, d.path.as_posix()), "dependency file")
                         for d in dependencies if d.status is Status.CHANGED and real_path(d.path) not in focus)
    compat = _compat_file(route, good)
    imports_compat = any(done[d][0].of(PatchImports) for d, r in results_by.items() if r.status is Status.CHANGED)
    if compat is not None and (focus is None or imports_compat):
        results.append(compat)
    results.sort(key=lambda r: r.path.as_posix())
    changed = {r.path for r in results if r.status is Status.CHANGED}
    made_async = tuple(
        AsyncFunction(i.display, f.span.line, short(f.qualname[len(i.index.module) + 1 :]),
                      repo.chain_steps(f.qualname))
        for i in good if i.path in changed
        for f in i.index.functions if repo.is_async(f.qualname) and not f.is_async
    )
    keep(indexed, links, linker, base_graph, repo_graph, repo, items, done)  # a one-shot process ends without freeing them
    return RunResult(tuple(results), 0, (), made_async, tuple(timings.items()), async_tests,
                     also_needs=tuple(elsewhere))


def _focused(files: Sequence[InputFile], focus: frozenset[Path] | None) -> frozenset[str]:
    """The display names of the Python inputs a run transforms and reports. A path's real path
    ends in its own last name unless that last part is a symlink, so only a file named like a
    focus file, or a symlink, needs its real path worked out (a language server asks with one
    file of a whole project on every keystroke)."""
    if focus is None:
        return frozenset(f.display for f in files)
    names = {p.name for p in focus}
    return frozenset(f.display for f in files
                     if (f.path.name in names or f.path.name in ("", ".", "..") or f.path.is_symlink())
                     and real_path(f.path) in focus)


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


def _dependency_step(files: Sequence[InputFile], ported: frozenset[str], also: tuple[str, ...], async_tests: bool,
                     cache: IndexCache | None) -> list[FileResult]:
    """`migrate_dependency_files`, answered from the cache when those files and arguments were
    seen before (core/run_cache.py: `dependency_memo`)."""
    memo = dependency_memo(cache, files, ported, also, async_tests) if cache is not None and files else None
    stored = memo.get() if memo is not None else None
    if stored is not None:
        return list(stored.files)
    results = migrate_dependency_files(files, ported, also, async_tests)
    if memo is not None:
        memo.put(RunResult(tuple(results)))
    return results


def migrate_dependency_files(files: Sequence[InputFile], ported_dists: frozenset[str] = frozenset(),
                             also: tuple[str, ...] = (), async_tests: bool = True) -> list[FileResult]:
    """Dependency and pytest config files: Flask -> Quart, pytest-asyncio and its settings, the
    Quart port of every extension in `ported_dists` (whose imports this run moved), and `also`
    (other requirements the migrated code imports). A pytest section is only created when
    `async_tests` (some test became async), as a pytest.ini is only written then."""
    from quartify.deps import rewrite_dependency_file

    loaded: list[tuple[InputFile, Source | None, Finding | None]] = []
    for f in files:
        try:
            loaded.append((f, decode(f.data) if f.data is not None else read(f.path), None))
        except SourceError as exc:
            loaded.append((f, None, Finding("QFY001", Severity.ERROR, f"cannot migrate {f.display}: {exc}", f.display, exc.line)))
    elsewhere = not async_tests or any(
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
    unsafe_fixes.enable(linker, options or Options())
    repo_graph = graph_mod.build(linker)
    return RepoPlan(linker, repo_graph, solve(repo_graph.graph), options or Options())


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


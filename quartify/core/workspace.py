"""A warm, in-memory view of one project for long-lived front ends (`quartify lsp`).

Colouring is a whole-repo fact, so an editor asking about one file still needs every file
indexed. This module keeps each file's index result keyed by its content (open buffers by the
hash of their text, files on disk by size and mtime), so an edit re-indexes only the edited file
before the core pipeline (`migrate` with `focus` and this module's `indexer`) solves the whole
repo again. Unsaved buffers override the disk: they are handed to the pipeline as the file's data.
Nothing here analyses code: the pipeline decides, this module only remembers.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from quartify.analysis.link_memory import LinkMemory
from quartify.analysis.model import FunctionInfo
from quartify.analysis.repo import RepoPlan
from quartify.core import gcpause
from quartify.core.config import Options
from quartify.core.digest import blake2b
from quartify.core.discover import module_name
from quartify.core.pipeline import InputFile, discovered_inputs, migrate, plan_repo
from quartify.core.stages import Indexed, IndexFailed, index_file
from quartify.core.types import FileResult, RunResult

# What an index result was computed from: (display, module, is_package, content key).
_Key = tuple[str, str, bool, tuple[object, ...]]
_PARALLEL_FROM = 32  # a cold start indexes in worker processes; an edit re-indexes in-process
# A run leaves what it built outside the cyclic collector (core/gcpause.py); the garbage in
# cycles that this keeps (~100 objects a run on a 50 kLOC project) is collected every so many
# runs: one full collection (~0.2 s there) instead of collections inside every run.
_RELEASE_EVERY = 64


@dataclass(frozen=True)
class Buffer:
    """An open editor buffer: its text and the editor's version number."""

    text: str
    version: int | None


@dataclass(frozen=True)
class Analysis:
    """One solve of the workspace: results for the focused files, the index of every file."""

    generation: int
    result: RunResult
    indexed: dict[Path, Indexed]  # every file that indexed, by path
    versions: dict[Path, int | None]  # the buffer versions this analysis read

    def file(self, path: Path) -> FileResult | None:
        return next((f for f in self.result.files if f.path == path), None)

    def functions(self, path: Path) -> tuple[FunctionInfo, ...]:
        item = self.indexed.get(path)
        return item.index.functions if item is not None else ()


class Workspace:
    """The files of one project root, the open buffers over them, and their warm index."""

    def __init__(self, root: Path, options: Options | None = None) -> None:
        self.root = root.resolve()
        self.options = options or Options()
        self._lock = threading.Lock()  # guards the buffers and inputs (editor events vs a run)
        self._run = threading.Lock()  # one run at a time: runs share the index cache
        self._buffers: dict[Path, Buffer] = {}
        self._cache: dict[Path, tuple[_Key, Indexed | IndexFailed]] = {}
        self._inputs: dict[Path, InputFile] = {}
        self._generation = 0
        self._repo: tuple[int, RepoPlan] | None = None
        self.indexed_last = 0  # how many files the last run (re)indexed: the warm state at work
        self._runs = 0
        self._last: tuple[tuple[object, ...], Analysis] | None = None  # the last run and what it read
        self._links = LinkMemory()  # the last run's linker answers, kept while they hold
        self.rediscover()

    # ------------------------------------------------------------------ state

    def rediscover(self) -> None:
        """Walk the root again (files created, deleted or renamed on disk)."""
        inputs, _found = discovered_inputs([self.root], self.options)
        with self._lock:
            self._inputs = {f.path.resolve(): f for f in inputs}
            self._generation += 1

    def set_buffer(self, path: Path, text: str, version: int | None = None) -> None:
        with self._lock:
            self._buffers[path.resolve()] = Buffer(text, version)
            self._generation += 1

    def drop_buffer(self, path: Path) -> None:
        with self._lock:
            self._buffers.pop(path.resolve(), None)
            self._generation += 1

    def buffers(self) -> dict[Path, Buffer]:
        with self._lock:
            return dict(self._buffers)

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def linked_warm(self) -> bool:
        """Whether the last run took the run before's linker answers (analysis/link_memory.py)."""
        return self._links.adopted

    # ------------------------------------------------------------------ runs

    def analyse(self, focus: Iterable[Path] | None = None) -> Analysis:
        """Solve the whole workspace; plan, transform and verify only `focus` (None: every file)."""
        with self._run:
            return self._analyse(focus)

    def _analyse(self, focus: Iterable[Path] | None) -> Analysis:
        with self._lock:
            generation = self._generation
            buffers = dict(self._buffers)
            inputs = dict(self._inputs)
        for path in buffers:
            if path not in inputs:
                inputs[path] = self._outside_input(path)
        items = [  # paths resolved, so results, focus and buffers name a file one way
            InputFile(p, f.display, f.module, f.is_package,
                      buffers[p].text.encode("utf-8") if p in buffers and not f.dependency_file else None,
                      f.dependency_file)
            for p, f in inputs.items()
        ]
        wanted = None if focus is None else frozenset(p.resolve() for p in focus) & frozenset(inputs)
        state = self._state(items, wanted)
        last = self._last
        if last is not None and last[0] == state:
            # Nothing the run reads has changed (a save after the edit it analysed, an undo back
            # to the analysed text): the same answer, for this generation and these versions.
            self.indexed_last = 0
            return replace(last[1], generation=generation, versions={p: b.version for p, b in buffers.items()})
        indexed: dict[Path, Indexed] = {}

        def indexer(files: Sequence[InputFile]) -> list[Indexed | IndexFailed]:
            out = self._index(files)
            indexed.update((i.path, i) for i in out if isinstance(i, Indexed))  # `items`' paths: resolved
            return out

        # jobs=1: the pipeline's own pool forks, and forking a process that runs threads (a
        # language server) can deadlock the child on a lock another thread held; `_index` spawns.
        with gcpause.paused(freeze=True):
            result = migrate(items, replace(self.options, jobs=1), focus=wanted, indexer=indexer, links=self._links)
        self._runs += 1
        if self._runs % _RELEASE_EVERY == 0:
            gcpause.release()  # the few cycles frozen runs left behind (core/gcpause.py)
        analysis = Analysis(generation, result, indexed, {p: b.version for p, b in buffers.items()})
        self._last = (state, analysis)
        return analysis

    def _state(self, items: Sequence[InputFile], focus: frozenset[Path] | None) -> tuple[object, ...]:
        """Everything a run reads: each input (a buffer by its text's hash, a file on disk by size
        and mtime), the focus, the options, and the names in each input's folder (whether a compat
        module or a pytest.ini exists beside them)."""
        files = tuple(sorted((str(f.path), f.display, f.module, f.is_package, f.dependency_file, _content_key(f))
                             for f in items))
        listings = []
        for folder in sorted({f.path.parent for f in items} | {self.root}):
            try:
                listings.append((str(folder), tuple(sorted(os.listdir(folder)))))
            except OSError:
                listings.append((str(folder), ("<unlistable>",)))
        return files, tuple(sorted(map(str, focus))) if focus is not None else None, repr(self.options), tuple(listings)

    def repo(self, analysis: Analysis) -> RepoPlan:
        """The solved repo of an analysis (for reason chains and callers), computed once."""
        with self._run:
            cached = self._repo
            if cached is not None and cached[0] == analysis.generation:
                return cached[1]
            repo = plan_repo([i.index for i in analysis.indexed.values()], self.options)
            self._repo = (analysis.generation, repo)
            return repo

    def _outside_input(self, path: Path) -> InputFile:
        """An open file discovery did not list (new, excluded, or outside the root)."""
        base = self.root if path.is_relative_to(self.root) else path.parent
        module, is_package = module_name(path, base)
        display = path.relative_to(base).as_posix()
        return InputFile(path, display, module, is_package)

    def _index(self, files: Sequence[InputFile]) -> list[Indexed | IndexFailed]:
        """Index results from the warm cache; only files whose content changed are indexed."""
        keys = [(f.display, f.module, f.is_package, _content_key(f)) for f in files]
        misses = [(f, key) for f, key in zip(files, keys) if (hit := self._cache.get(f.path)) is None or hit[0] != key]
        args = [(f.path, f.display, f.module, f.is_package, f.data) for f, _ in misses]
        workers = self.options.workers(len(misses)) if len(misses) >= _PARALLEL_FROM else 1
        if workers > 1:
            # Spawned, not forked, once other threads run (the language server's worker thread):
            # a forked child can deadlock on a lock another thread held at the fork.
            context = multiprocessing.get_context("spawn" if threading.active_count() > 1 else None)
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                fresh = list(pool.map(index_file, *zip(*args), chunksize=8))
        else:
            fresh = [index_file(*a) for a in args]
        for (f, key), item in zip(misses, fresh):
            self._cache[f.path] = (key, item)
        self.indexed_last = len(misses)
        return [self._cache[f.path][1] for f in files]


def _content_key(f: InputFile) -> tuple[object, ...]:
    if f.data is not None:
        return ("text", blake2b(f.data, digest_size=16).digest())
    try:
        st = f.path.stat()
    except OSError:
        return ("missing",)
    return ("disk", st.st_size, st.st_mtime_ns)

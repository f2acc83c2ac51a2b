"""The run cache: a whole run's result, kept for the next run over exactly the same project.

A one-file check (pre-commit, an editor) solves the whole project, because colouring is a
whole-repo fact; with every file's index cached (`core.index_cache`) that still costs loading
every index and linking and solving the repo again. Yet the answer is a function of the inputs
alone: the bytes, paths and module names of every file of the run, the options, the files asked
about, the directory listings the run may probe (does `pytest.ini` or the compat module exist?),
and quartify's own code. So `migrate`'s result is stored under a digest of all of that, and a run
whose digest matches reads it back instead of indexing and solving (the way black skips a file
whose content it has seen). Any change anywhere (one byte of one file, a file created beside the
project's modules, another option, another quartify) is another key, and the run is computed.

Entries share the index cache's directory and its rules (`IndexCache.get_run`/`put_run`):
written atomically, checked (magic, version, key, length, checksum) and unpickled with the same
restricted unpickler before use; anything off is a miss. The cache can make a run faster, never
change its result.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from quartify.core.config import Options
from quartify.core.digest import blake2b
from quartify.core.index_cache import IndexCache, code_fingerprint, content_digest
from quartify.core.source import SourceError, read_bytes
from quartify.core.types import RunResult

if TYPE_CHECKING:
    from quartify.core.paths import InputFile


@dataclass(frozen=True)
class RunMemo:
    """One run's key in one cache, and the bytes of each input read from disk to make it: the
    run indexes those same bytes (`migrate(read=...)`), never a later state of a file, and reads
    no file twice; and the `content_digest` of each input's bytes the key is made of, which the
    index cache's keys are made of too (`migrate(digests=...)`): no file is hashed twice."""

    cache: IndexCache
    key: str
    data: dict[Path, bytes] = field(default_factory=dict, compare=False)
    digests: dict[Path, bytes] = field(default_factory=dict, compare=False)

    def get(self) -> RunResult | None:
        return self.cache.get_run(self.key)

    def put(self, result: RunResult) -> bool:
        return self.cache.put_run(self.key, result)


def run_memo(cache: IndexCache, inputs: Sequence[InputFile], options: Options,
             focus: frozenset[Path] | None, root: Path) -> RunMemo | None:
    """The key of a run of `migrate(inputs, options, focus=focus)`; None when the inputs cannot
    all be read (such a run is not worth keeping: its error findings come from the read)."""
    digest = blake2b(digest_size=20)

    def part(text: str) -> None:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")

    part(f"run 1 {code_fingerprint()}")
    part(repr(options))
    part(repr(sorted(str(p) for p in focus)) if focus is not None else "every file")
    top = os.path.realpath(root)
    folders: set[str] = {top}
    real_dirs: dict[str, str] = {}  # realpath of each input's folder, asked once per folder
    read: dict[Path, bytes] = {}
    digests: dict[Path, bytes] = {}
    for f in sorted(inputs, key=lambda f: (f.display, str(f.path))):
        part(f"{f.path}|{f.display}|{f.module}|{f.is_package}|{f.dependency_file}")
        try:
            data = f.data if f.data is not None else read_bytes(f.path)
        except SourceError:
            return None
        if f.data is None:
            read[f.path] = data
        digests[f.path] = content_digest(data)
        digest.update(digests[f.path])
        folder = _real_folder(str(f.path), real_dirs)
        while folder not in folders and folder.startswith(top):
            folders.add(folder)
            folder = os.path.dirname(folder)
    cache_name = cache.directory.name  # its own folder appears with the first entry
    for folder in sorted(folders):
        # What the run may find or miss beside the inputs (a compat module, a helper file, a
        # pytest.ini): the names in every folder from the root down to each input.
        try:
            names = sorted(n for n in os.listdir(folder) if n != cache_name)
        except OSError:
            names = ["<unlistable>"]
        part(folder)
        part("/".join(names))
    return RunMemo(cache, "run-" + digest.hexdigest(), read, digests)


def dependency_memo(cache: IndexCache, files: Sequence[InputFile], ported: frozenset[str], also: tuple[str, ...],
                    async_tests: bool) -> RunMemo | None:
    """The key of the dependency step of a run (`migrate_dependency_files(files, ported, also,
    async_tests)`), whose answer is a function of those files' paths and bytes, the arguments and
    quartify's code alone; kept like a run's result, as a run of those files. A one-file check
    after an edit of a module leaves the dependency files as they were, and reading their
    rewrite back spares loading tomlkit. None when a file cannot be read (the step says why)."""
    digest = blake2b(digest_size=20)
    head = (code_fingerprint(), sorted(ported), also, async_tests)
    digest.update(f"dependencies 1 {head!r}".encode("utf-8", "surrogatepass"))
    for f in files:
        try:
            data = f.data if f.data is not None else read_bytes(f.path)
        except SourceError:
            return None
        digest.update(f"\0{f.path}|{f.display}\0".encode("utf-8", "surrogatepass"))
        digest.update(content_digest(data))
    return RunMemo(cache, "deps-" + digest.hexdigest())


def _real_folder(path: str, real_dirs: dict[str, str]) -> str:
    """`os.path.dirname(os.path.realpath(path))`, with one `lstat` for a file that is no link."""
    if os.path.islink(path):
        return os.path.dirname(os.path.realpath(path))
    folder = os.path.dirname(path)
    real = real_dirs.get(folder)
    if real is None:
        real = real_dirs[folder] = os.path.realpath(folder)
    return real

"""The index cache: what `index_file` found in a file, kept between runs, keyed by its content.

Colouring is a whole-repo fact, so a run given one file (pre-commit, an editor) still needs the
index of every other file of the project; this cache makes that cheap, the way black's and
ruff's caches make their re-runs cheap. It sits at the stage boundary (what `index_file`
returns), never inside the indexer, so the indexer can change freely:

- An entry's key is a hash of the quartify version, a fingerprint of quartify's own code (so a
  changed indexer, even at an unchanged version, never reads an old entry) and of the Python
  running it, the display path,
  module name and package flag the index records, and a digest of the file's bytes (the one
  the run cache's key is made of: a file is hashed once per run). Indexing takes no
  option (Options only matter from linking on), so no option is part of the key.
- Entries live in `<project>/.quartify_cache/` (or `--cache-dir`), which gets a `.gitignore`
  holding `*`, like ruff's. Each is written to a temp file and renamed into place, so two runs at
  once can only ever see an entry whole or not at all; the same key always holds the same value,
  so a race between two writers is harmless.
- An entry is read only if its header (magic, version, key, length, checksum) matches; anything
  else (truncated, corrupt, another version's) is a miss, and the file is indexed again. A
  cache can therefore make a run faster but never change its result.
- Entries are pickles read by an unpickler that only builds the frozen dataclasses and enums of
  `analysis.model` and `core.types` (and the lazy index classes of `core.lazy_index`): a
  crafted cache file cannot run code.
- An index entry is two pickles, a head and a body (`core.lazy_index`): loading it decodes the
  head, and the body (uses, decorators, ... the fields a one-file check rarely reads of other
  modules) is decoded when first read. The checksum covers both and is checked on loading.
- The directory is bounded: past `limit_bytes`, the oldest entries are removed (checked after
  about one entry written in 16, `evict_after`).
- The same directory holds whole runs' results (`get_run`/`put_run`, keyed by `core.run_cache`),
  under the same rules; the unpickler also rebuilds `pathlib` paths for them.
"""

from __future__ import annotations

import copyreg
import gc
import io
import os
import pickle
import sys
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, is_dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from quartify import __version__
from quartify.core.digest import blake2b
from quartify.core.tempfiles import mkstemp, replace_with
from quartify.core.types import Finding, RunResult

if TYPE_CHECKING:
    from quartify.analysis.model import ModuleIndex

CACHE_DIR_NAME = ".quartify_cache"
MAGIC = b"quartify-index-cache 3\n"  # 2: CRC-32 checksums; 3: index entries as head and body
DEFAULT_LIMIT_BYTES = 256 * 1024 * 1024
_SUFFIX = ".idx"
_RUN_SUFFIX = ".run"  # a whole run's result (`core.run_cache`)
_ALLOWED_MODULES = frozenset({"quartify.analysis.model", "quartify.core.types"})
# Paths in a run's result: rebuilt from their parts, nothing else.
_ALLOWED_PATHS = frozenset({"PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"})

# An index, or the QFY001 finding of a file that cannot be indexed. `analysis.model` loads with
# the first index read: a run the run cache answers never needs it.
Entry: TypeAlias = "ModuleIndex | Finding"


@cache
def code_fingerprint() -> str:
    """The Python version (its `ast` is what the indexer reads) and the size and modification
    time of every source file of the quartify package: a development checkout that edits the
    indexer gets new keys without a version bump."""
    package = Path(__file__).resolve().parents[1]
    digest = blake2b(f"{__version__} {sys.version}".encode(), digest_size=16)
    for directory, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".toml")):
                info = os.stat(os.path.join(directory, name))
                digest.update(f"{directory}/{name}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def content_digest(data: bytes) -> bytes:
    """The digest of a file's bytes an entry's key is made of; the run cache's key is made of
    the same digests (core/run_cache.py), so a run that computed them hashes no file twice."""
    return blake2b(data, digest_size=20).digest()


def entry_key(data: bytes, display: str, module: str, is_package: bool, digest: bytes | None = None) -> str:
    """The key of the entry for `data` (`digest`: its `content_digest`, when already known)."""
    key = blake2b(digest_size=20)
    for part in ("entry 2", code_fingerprint(), display, module, "package" if is_package else "module"):
        key.update(part.encode("utf-8", "surrogatepass"))
        key.update(b"\0")
    key.update(digest if digest is not None else content_digest(data))
    return key.hexdigest()


class _SafeUnpickler(pickle.Unpickler):
    """Builds only quartify's own frozen dataclasses and enums; any other global is refused."""

    def find_class(self, module: str, name: str) -> type:
        found = _allowed.get((module, name))
        if found is None:
            found = _allowed[module, name] = _allowed_class(module, name)
        return found


class _HeadUnpickler(_SafeUnpickler):
    """Also builds the lazy index classes a head is made of."""

    def find_class(self, module: str, name: str) -> type:
        if module == "quartify.core.lazy_index" and name in ("LazyFunctionInfo", "LazyModuleIndex"):
            from quartify.core import lazy_index

            found: type = getattr(lazy_index, name)
            return found
        return super().find_class(module, name)


_allowed: dict[tuple[str, str], type] = {}  # find_class's answers: every entry names the same few


def _allowed_class(module: str, name: str) -> type:
    if module == "pathlib" and name in _ALLOWED_PATHS:
        found_path = getattr(__import__("pathlib"), name)
        assert isinstance(found_path, type)
        return found_path
    if module in _ALLOWED_MODULES:
        found = getattr(__import__(module, fromlist=[name]), name, None)
        if isinstance(found, type) and (is_dataclass(found) or issubclass(found, Enum)):
            return found
    raise pickle.UnpicklingError(f"refused global {module}.{name}")


@contextmanager
def _no_gc() -> Iterator[None]:
    """Unpickling builds many small objects; the cyclic collector would walk them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class IndexCache:
    """One cache directory. `get` and `put` never raise for a broken or unwritable cache."""

    directory: Path
    limit_bytes: int = DEFAULT_LIMIT_BYTES

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{_SUFFIX}"

    def get(self, key: str) -> Entry | None:
        try:
            blob = _read(os.path.join(self.directory, key + _SUFFIX))
        except OSError:
            return None
        from quartify.analysis.model import ModuleIndex

        entry = _decode(blob, key, (ModuleIndex, Finding))
        return entry if isinstance(entry, (ModuleIndex, Finding)) else None

    def get_run(self, key: str) -> RunResult | None:
        """A whole run's stored result (`core.run_cache`), or None."""
        try:
            blob = self.directory.joinpath(key + _RUN_SUFFIX).read_bytes()
        except OSError:
            return None
        with _no_gc():
            found = _decode(blob, key, (RunResult,))
        return found if isinstance(found, RunResult) else None

    def put_run(self, key: str, result: RunResult) -> bool:
        return self._write(self.directory / (key + _RUN_SUFFIX), _encode(key, result))

    def get_many(self, keys: list[str]) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        with _no_gc():
            for key in keys:
                entry = self.get(key)
                if entry is not None:
                    found[key] = entry
        return found

    def put(self, key: str, entry: Entry) -> bool:
        """Store an entry atomically; False when the cache cannot be written (the run goes on)."""
        try:
            blob = _encode(key, entry)
        except (pickle.PicklingError, RecursionError):
            return False
        return self._write(self._path(key), blob)

    def _write(self, target: Path, blob: bytes) -> bool:
        try:
            self._prepare()
            replace_with(target, blob, prefix=".tmp-", suffix=_SUFFIX)
        except (OSError, pickle.PicklingError, RecursionError):
            return False
        return True

    def _prepare(self) -> None:
        if (self.directory / ".gitignore").is_file():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory / ".gitignore"
        fd, tmp = mkstemp(prefix=".tmp-", dir=self.directory)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("# Written by quartify: its index cache, never to commit.\n*\n")
        os.replace(tmp, ignore)

    def evict_after(self, written: Sequence[str]) -> int:
        """`evict`, after a run wrote the entries `written`, about once every 16 entries written:
        when one of their keys (uniform hex digests) starts with "0". Scanning the directory costs
        some 5 us an entry (6 ms for 1,100 entries, 40 ms when full) that an edited one-file check
        would otherwise pay every time; the directory outgrows `limit_bytes` only by the entries
        written since the last eviction (16 or so)."""
        return self.evict() if any(key.startswith("0") for key in written) else 0

    def evict(self) -> int:
        """Remove the oldest entries (and stale temp files) until the cache fits `limit_bytes`
        again, down to 3/4 of it so the next runs do not evict at once; how many were removed."""
        try:
            scanned = list(os.scandir(self.directory))
        except OSError:
            return 0
        entries: list[tuple[float, int, str]] = []
        for item in scanned:
            if not item.name.endswith((_SUFFIX, _RUN_SUFFIX)):
                continue
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            entries.append((info.st_mtime, info.st_size, item.path))
        total = sum(size for _, size, _ in entries)
        if total <= self.limit_bytes:
            return 0
        removed = 0
        for _mtime, size, path in sorted(entries):
            if total <= self.limit_bytes * 3 // 4:
                break
            try:
                os.unlink(path)
            except OSError:
                continue  # another run removed it first
            total -= size
            removed += 1
        return removed


def _encode(key: str, entry: Entry | RunResult) -> bytes:
    """The entry's bytes: a header, then one pickle, or for an index a head and a body."""
    if isinstance(entry, (Finding, RunResult)):
        return _framed(key, pickle.dumps(entry, protocol=5), 0)
    return _framed(key, *_split_pickle(entry))


def _framed(key: str, payload: bytes, head: int) -> bytes:
    """`payload` behind the header; `head`: where the body of an index starts (0: no body)."""
    header = f"{__version__}\n{key}\n{len(payload)}\n{head}\n{_check(payload)}\n".encode()
    return MAGIC + header + payload


def _split_pickle(index: ModuleIndex) -> tuple[bytes, int]:
    """An index's head and body pickled by one pickler (shared objects stay shared), and where
    the body starts."""
    from quartify.core.lazy_index import LAZY, reduce_head, split

    head, body = split(index)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.dispatch_table = {**copyreg.dispatch_table, **dict.fromkeys(LAZY.values(), reduce_head)}
    pickler.dump(head)
    cut = out.tell()
    pickler.dump(body)
    return out.getvalue(), cut


def _check(payload: bytes | memoryview) -> str:
    """A checksum that catches a damaged entry (what a crafted one could do, the restricted
    unpickler stops): CRC-32, several times faster than a cryptographic digest on the few
    megabytes a one-file check reads."""
    return f"{zlib.crc32(payload):08x}"


def _decode(blob: bytes, key: str, kinds: tuple[type, ...]) -> object:
    """The entry in `blob` if it is one of `kinds`, or None when anything about it is off."""
    if not blob.startswith(MAGIC):
        return None
    try:
        start = len(MAGIC)
        for _line in range(5):
            start = blob.index(b"\n", start) + 1
        version, stored_key, length, head, check = blob[len(MAGIC):start - 1].split(b"\n")
        if version.decode("ascii") != __version__ or stored_key.decode("ascii") != key:
            return None
        # the payload read in place: no copy of the few megabytes a one-file check loads
        if len(blob) - start != int(length) or _check(memoryview(blob)[start:]) != check.decode("ascii"):
            return None
        stream = io.BytesIO(blob)
        stream.seek(start)
        if int(head):
            entry = _lazy_entry(stream, start + int(head))
        else:
            entry = _SafeUnpickler(stream).load()
    except Exception:  # a broken entry of any kind is a miss, never a failed run
        return None
    return entry if isinstance(entry, kinds) else None


def _read(path: str) -> bytes:
    with open(path, "rb", buffering=0) as handle:
        return handle.read()


def _lazy_entry(stream: io.BytesIO, cut: int) -> ModuleIndex | None:
    """The head of an index entry, its body (from `cut` on) left to its unpickler
    (`core.lazy_index`)."""
    from quartify.core.lazy_index import attach

    unpickler = _HeadUnpickler(stream)
    head = unpickler.load()
    return attach(head, unpickler) if stream.tell() == cut else None

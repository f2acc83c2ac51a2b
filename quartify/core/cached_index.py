"""The index stage with the index cache in front of it: a file whose bytes, path and module
name are unchanged since an earlier run gets its stored index; only the others are indexed
(in parallel, as before) and then stored. See `core.index_cache` for the rules that make this
safe; without a cache this is exactly the plain index stage."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from quartify.analysis.model import ModuleIndex
from quartify.core.index_cache import IndexCache, entry_key
from quartify.core.source import SourceError, decode, read_bytes
from quartify.core.stages import Indexed, IndexFailed
from quartify.core.types import Finding

IndexArgs = tuple[Path, str, str, bool, bytes | None]  # index_file's arguments
IndexAll = Callable[[list[IndexArgs]], list[Indexed | IndexFailed]]


def index_cached(
    args: Sequence[IndexArgs], cache: IndexCache | None, index_all: IndexAll, max_size: int = 0,
    digests: Mapping[Path, bytes] | None = None,
) -> list[Indexed | IndexFailed]:
    """`index_all(args)`, answered from `cache` where it can be; same results, same order.

    A file over `max_size` bytes (0: no limit) bypasses the cache both ways: index_all answers
    it (QFY006), and the answer depends on the limit, which is not part of the key. `digests`:
    the `content_digest` of the bytes given for a path, where the caller has them (the run
    cache's key is made of them)."""
    if cache is None:
        return index_all(list(args))
    keys: list[str | None] = []
    loaded: list[bytes | None] = []
    for path, display, module, is_package, given in args:
        data = given
        if data is None:
            try:
                data = read_bytes(path)
            except SourceError:
                data = None  # index_file reads it again and says why it cannot
        loaded.append(data)
        cacheable = data is not None and not (max_size and len(data) > max_size)
        known = digests.get(path) if digests is not None and given is not None else None
        keys.append(entry_key(data, display, module, is_package, known) if data is not None and cacheable else None)
    hits = cache.get_many([k for k in keys if k is not None])
    results: list[Indexed | IndexFailed | None] = []
    misses: list[int] = []
    for n, ((path, display, _module, _package, _given), key, data) in enumerate(zip(args, keys, loaded)):
        entry = hits.get(key) if key is not None else None
        if isinstance(entry, ModuleIndex) and data is not None:
            src = decode(data)  # these bytes decoded when the entry was made
            results.append(Indexed(path, display, entry, src.text, src.encoding))
        elif isinstance(entry, Finding):
            results.append(IndexFailed(path, display, entry))
        else:
            results.append(None)
            misses.append(n)
    if misses:
        fresh = index_all([(*args[n][:4], loaded[n]) for n in misses])
        written: list[str] = []
        for n, item in zip(misses, fresh):
            results[n] = item
            key = keys[n]
            if key is not None and cache.put(key, item.index if isinstance(item, Indexed) else item.error):
                written.append(key)
        cache.evict_after(written)
    return [r for r in results if r is not None]

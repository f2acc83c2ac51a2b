"""The index cache makes runs faster and never changes what they produce: a cold run, a warm
run and a run without the cache agree on every sample app; broken, truncated, foreign or
crafted entries are misses; two runs at once share a cache safely; the directory stays bounded."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quartify.core import index_cache
from quartify.core.config import Options
from quartify.core.index_cache import MAGIC, IndexCache, entry_key
from quartify.core.pipeline import migrate_paths
from quartify.core.stages import Indexed, index_file
from quartify.core.types import RunResult
from tests.core.faultapp import VIEW

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (REPO / "tests" / "fixtures" / "samples").iterdir() if p.is_dir())
APPS = [*SAMPLES, REPO / "examples" / "bookshelf"]


def outcome(result: RunResult, root: Path) -> tuple[object, ...]:
    """Everything a run says, with paths relative to the tree it ran on."""
    files = tuple((f.path.resolve().relative_to(root.resolve()).as_posix(), f.status, f.new_source) for f in result.files)
    findings = tuple((f.path, f.line, f.col, f.code, f.message) for f in result.all_findings())
    also = tuple((o.path, o.why) for o in result.also_needs)
    return files, findings, also, result.async_tests, tuple((a.path, a.qualname) for a in result.async_functions)


def copy_of(app: Path, tmp_path: Path) -> Path:
    work = tmp_path / app.name
    shutil.copytree(app, work, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", ".quartify_cache"))
    return work


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_cold_and_warm_cache_runs_equal_a_run_without_it(app: Path, tmp_path: Path) -> None:
    work = copy_of(app, tmp_path)
    cache = tmp_path / "cache"
    plain = outcome(migrate_paths([work], Options()), work)
    cold = outcome(migrate_paths([work], Options(), use_cache=True, cache_dir=cache), work)
    stored = sorted(cache.glob("*.idx"))
    warm = outcome(migrate_paths([work], Options(), use_cache=True, cache_dir=cache), work)
    assert stored and cold == plain and warm == plain
    assert sorted(cache.glob("*.idx")) == stored  # the warm run indexed nothing anew


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_a_subset_run_from_the_cache_equals_one_without_it(app: Path, tmp_path: Path) -> None:
    work = copy_of(app, tmp_path)
    (work / "pyproject.toml").touch(exist_ok=True)  # make it a project
    one = sorted(p for p in work.rglob("*.py") if "test" not in p.name)[0]
    cache = tmp_path / "cache"
    plain = outcome(migrate_paths([one], Options(), whole_project=True), work)
    cold = outcome(migrate_paths([one], Options(), whole_project=True, use_cache=True, cache_dir=cache), work)
    warm = outcome(migrate_paths([one], Options(), whole_project=True, use_cache=True, cache_dir=cache), work)
    assert cold == plain and warm == plain
    given = one.relative_to(work).as_posix()
    reported = [f for f, *_ in plain[0]]
    # only the given file, and the compat module its new text imports when quartify writes one
    assert given in reported and all(f in (given, f"{Path(given).parent}/quart_flask_compat.py") for f in reported)


def _vandalise(entry: Path, how: str) -> None:
    blob = entry.read_bytes()
    if how == "truncated":
        entry.write_bytes(blob[: len(blob) // 2])
    elif how == "corrupt":
        middle = len(blob) - 40
        entry.write_bytes(blob[:middle] + bytes(b ^ 0x5A for b in blob[middle : middle + 8]) + blob[middle + 8 :])
    elif how == "foreign-version":
        _version, rest = blob[len(MAGIC):].split(b"\n", 1)
        entry.write_bytes(MAGIC + b"99.0.0\n" + rest)
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "not-ours":
        entry.write_bytes(b"garbage that is not a cache entry at all")


@pytest.mark.parametrize("how", ["truncated", "corrupt", "foreign-version", "empty", "not-ours"])
def test_broken_entries_are_misses_and_never_change_a_result(how: str, tmp_path: Path) -> None:
    work = copy_of(SAMPLES[0], tmp_path)
    cache = tmp_path / "cache"
    plain = outcome(migrate_paths([work], Options()), work)
    migrate_paths([work], Options(), use_cache=True, cache_dir=cache)
    entries = sorted(cache.glob("*.idx"))
    # the whole run's result and its dependency step's (core/run_cache.py)
    runs = sorted(cache.glob("*.run"))
    assert entries and [r.name.split("-")[0] for r in runs] == ["deps", "run"]
    for entry in (*entries, *runs):
        _vandalise(entry, how)
    store = IndexCache(cache)
    assert all(store.get(e.stem) is None for e in entries) and all(store.get_run(r.stem) is None for r in runs)
    assert outcome(migrate_paths([work], Options(), use_cache=True, cache_dir=cache), work) == plain
    # rewritten whole by that run
    assert all(store.get(e.stem) is not None for e in entries) and all(store.get_run(r.stem) is not None for r in runs)


def test_an_entry_naming_another_global_is_refused_without_running_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "app.py"
    source.write_text(VIEW, encoding="utf-8")
    key = entry_key(source.read_bytes(), "app.py", "app", False)
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    (tmp_path / "cache").mkdir()
    # a whole, well-formed entry (header and checksum right): only the unpickler stands in the way
    (tmp_path / "cache" / f"{key}.idx").write_bytes(index_cache._framed(key, pickle.dumps(Payload(), protocol=5), 0))
    asked: list[tuple[str, str]] = []
    judge = index_cache._allowed_class

    def recorded(module: str, name: str) -> type:
        asked.append((module, name))
        return judge(module, name)

    monkeypatch.setattr(index_cache, "_allowed_class", recorded)
    assert IndexCache(tmp_path / "cache").get(key) is None
    assert asked == [(os.system.__module__, "system")] and not marker.exists()


def test_the_cache_directory_ignores_itself_and_stays_bounded(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(VIEW, encoding="utf-8")
    indexed = index_file(source, "app.py", "app", False)
    assert isinstance(indexed, Indexed)
    cache = IndexCache(tmp_path / "cache", limit_bytes=10_000)
    keys = [entry_key(source.read_bytes() + f"# {n}\n".encode(), "app.py", "app", False) for n in range(30)]
    for n, key in enumerate(keys):
        assert cache.put(key, indexed.index)
        os.utime(cache.directory / f"{key}.idx", (1_000_000 + n, 1_000_000 + n))  # written in this order
    assert (tmp_path / "cache" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert cache.evict() > 0
    left = {p.stem for p in cache.directory.glob("*.idx")}
    assert sum(p.stat().st_size for p in cache.directory.glob("*.idx")) <= 10_000
    assert keys[-1] in left and keys[0] not in left  # the oldest went first
    assert cache.get(keys[-1]) == indexed.index


def test_a_run_evicts_after_about_one_entry_written_in_sixteen(tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text(VIEW, encoding="utf-8")
    indexed = index_file(source, "app.py", "app", False)
    assert isinstance(indexed, Indexed)
    cache = IndexCache(tmp_path / "cache", limit_bytes=10_000)
    for n in range(30):
        assert cache.put(f"{n + 1:x}" * 40, indexed.index)  # no key starting with "0"
    over = sorted(cache.directory.glob("*.idx"))
    assert cache.evict_after([p.stem for p in over]) == 0 and sorted(cache.directory.glob("*.idx")) == over
    assert cache.evict_after(["0" * 40, over[0].stem]) > 0  # one written key starting with "0"
    assert sum(p.stat().st_size for p in cache.directory.glob("*.idx")) <= 10_000


def test_an_unwritable_cache_is_skipped_not_fatal(tmp_path: Path) -> None:
    work = copy_of(SAMPLES[0], tmp_path)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    plain = outcome(migrate_paths([work], Options()), work)
    assert outcome(migrate_paths([work], Options(), use_cache=True, cache_dir=blocker / "cache"), work) == plain


def test_two_runs_at_once_share_a_cache(tmp_path: Path) -> None:
    work = copy_of(REPO / "examples" / "bookshelf", tmp_path)
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "quartify", "migrate", "--diff", "--jobs", "1", "--cache-dir", str(cache), str(work)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    alone = subprocess.run([*command[:-3], "--no-cache", str(work)], capture_output=True, env=env, check=False)
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [alone.returncode] * 2
    assert [out for out, _err in outputs] == [alone.stdout] * 2 and alone.stdout
    entries = sorted(cache.glob("*.idx"))
    assert entries and all(IndexCache(cache).get(e.stem) is not None for e in entries)
    assert not [p for p in cache.iterdir() if p.name.startswith(".tmp-")]  # no half-written entry left
    assert not (work / ".quartify_cache").exists() and not list(work.rglob("*.idx"))


def test_an_index_is_stored_without_the_fields_that_hold_their_default() -> None:
    """Most fields of a use or a function keep their default; the stored entry leaves them out
    (analysis/model.py `Lean`) and loads back equal, and so does an entry stored again after loading."""
    from quartify.analysis.index import index_source

    index = index_source(VIEW, "views.py", "views", False)
    use = next(u for f in index.functions for u in f.uses)
    assert "augmented" not in use.__getstate__() and "ref" in use.__getstate__()
    loaded = pickle.loads(pickle.dumps(index, protocol=5))
    assert loaded == index and hash(loaded.functions[0].uses) == hash(index.functions[0].uses)
    assert pickle.loads(pickle.dumps(loaded, protocol=5)) == index


def test_a_run_with_the_run_caches_digests_uses_the_entries_a_run_without_them_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run cache hands its content digests to the index stage (`migrate(digests=...)`): the
    keys they make are the keys made from the bytes, so an entry written by one kind of run is
    read by the other."""
    data = VIEW.encode()
    digest = index_cache.content_digest(data)
    assert entry_key(data, "app.py", "app", False, digest) == entry_key(data, "app.py", "app", False)
    assert entry_key(data, "app.py", "app", False) != entry_key(data + b"\n", "app.py", "app", False)
    work = copy_of(APPS[0], tmp_path)
    cache = tmp_path / "cache"
    plain = outcome(migrate_paths([work], Options()), work)
    assert outcome(migrate_paths([work], Options(), use_cache=True, cache_dir=cache), work) == plain  # writes
    for run in cache.glob("*.run"):
        run.unlink()  # the run is computed again, its files' indexes read with the digests
    asked: list[tuple[int, int]] = []
    get_many = IndexCache.get_many

    def counted(self: IndexCache, keys: list[str]) -> dict[str, index_cache.Entry]:
        found = get_many(self, keys)
        asked.append((len(keys), len(found)))
        return found

    monkeypatch.setattr(IndexCache, "get_many", counted)
    assert outcome(migrate_paths([work], Options(), use_cache=True, cache_dir=cache), work) == plain
    assert len(asked) == 1 and asked[0][0] > 1 and asked[0][0] == asked[0][1]  # every index came from the cache

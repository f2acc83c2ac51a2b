"""An index loaded from the cache decodes its bulky fields (uses, decorators, ...) only when one is
first read (core/lazy_index.py), and is then the index an eager load gives: equal field by field,
equal in `==`, `hash` and `repr`, and pickled to the same bytes. A body that cannot be decoded is
never an empty field: a damaged one makes the entry a miss, a crafted one raises when read."""

from __future__ import annotations

import copy
import dataclasses
import os
import pickle
from pathlib import Path

import pytest

from quartify.analysis.index import UnindexableSource, index_source
from quartify.analysis.model import FunctionInfo, ModuleIndex
from quartify.core import index_cache
from quartify.core.index_cache import IndexCache
from quartify.core.lazy_index import DEFERRED, CacheEntryError, LazyFunctionInfo, LazyModuleIndex, module_calls
from tests.core.faultapp import VIEW

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def fixture_indexes() -> list[ModuleIndex]:
    found = []
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            found.append(index_source(path.read_text(encoding="utf-8"), str(path), path.stem, False))
        except (UnindexableSource, UnicodeDecodeError):
            continue
    return found


def stored(index: ModuleIndex, tmp_path: Path) -> IndexCache:
    cache = IndexCache(tmp_path / "cache")
    assert cache.put("key", index)
    return cache


def loaded(cache: IndexCache) -> ModuleIndex:
    entry = cache.get("key")
    assert isinstance(entry, ModuleIndex)
    return entry


def eager(index: ModuleIndex) -> ModuleIndex:
    """The index as the previous (one pickle) cache format loaded it."""
    copied = pickle.loads(pickle.dumps(index, protocol=5))
    assert isinstance(copied, ModuleIndex)
    return copied


def test_every_fixture_loads_lazily_equal_to_the_eager_index_field_by_field(tmp_path: Path) -> None:
    indexes = fixture_indexes()
    assert len(indexes) > 200 and sum(len(i.functions) for i in indexes) > 1000
    cache = IndexCache(tmp_path / "cache")
    for n, index in enumerate(indexes):
        assert cache.put(str(n), index)
    for n, index in enumerate(indexes):
        lazy, whole = cache.get(str(n)), eager(index)
        assert isinstance(lazy, ModuleIndex)
        for name in (f.name for f in dataclasses.fields(ModuleIndex)):
            assert getattr(lazy, name) == getattr(whole, name), (index.path, name)
        for func, expected in zip(lazy.functions, whole.functions, strict=True):
            for name in (f.name for f in dataclasses.fields(FunctionInfo)):
                assert getattr(func, name) == getattr(expected, name), (func.qualname, name)
            assert type(func) is FunctionInfo and list(vars(func)) == list(vars(expected))
        assert type(lazy) is ModuleIndex and list(vars(lazy)) == list(vars(whole))
        assert pickle.dumps(lazy, protocol=5) == pickle.dumps(whole, protocol=5)
        assert cache.get(str(n)) == index == cache.get(str(n))  # both ways, neither read before


def test_reading_a_head_field_decodes_nothing_and_a_deferred_one_decodes_the_whole_module(tmp_path: Path) -> None:
    index = index_source(VIEW + "\n\ndef other(x):\n    return helper(x)\n", "views.py", "views", False)
    lazy = loaded(stored(index, tmp_path))
    assert [f.qualname for f in lazy.functions] == [f.qualname for f in index.functions]
    assert [f.span for f in lazy.functions] == [f.span for f in index.functions] and lazy.path == "views.py"
    assert type(lazy) is LazyModuleIndex and {type(f) for f in lazy.functions} == {LazyFunctionInfo}
    assert "uses" not in vars(lazy.functions[0])
    assert lazy.functions[-1].uses == index.functions[-1].uses
    assert type(lazy) is ModuleIndex and {type(f) for f in lazy.functions} == {FunctionInfo}
    assert lazy.module_uses == index.module_uses and lazy.functions[0].decorators == index.functions[0].decorators


def test_a_cached_module_names_its_calls_from_its_head_as_the_whole_index_does(tmp_path: Path) -> None:
    # What finding the app's builders reads of every module (planners/flask_patch.py).
    cache = IndexCache(tmp_path / "cache")
    for n, index in enumerate(fixture_indexes()):
        assert cache.put(str(n), index)
        lazy = cache.get(str(n))
        assert isinstance(lazy, ModuleIndex)
        calls = module_calls(lazy)
        assert type(lazy) is LazyModuleIndex  # read from the head: nothing decoded
        assert calls == module_calls(index)
        assert set(calls) == {u.ref for u in (*(u for f in index.functions for u in f.uses), *index.module_uses)
                              if u.kind == "call"}


@pytest.mark.parametrize("how", ["==", "hash", "repr", "pickle", "copy", "replace", "getstate"])
def test_whatever_sees_every_field_sees_the_decoded_ones(how: str, tmp_path: Path) -> None:
    index = index_source(VIEW, "views.py", "views", False)
    cache = stored(index, tmp_path)
    func, expected = loaded(cache).functions[0], index.functions[0]
    assert type(func) is LazyFunctionInfo
    if how == "==":
        assert expected == func and func == expected and not func != expected
    elif how == "hash":
        assert hash(func) == hash(expected) and func in {expected}
    elif how == "repr":
        assert repr(func) == repr(expected) and "uses=(Use(" in repr(func)
    elif how == "pickle":
        assert pickle.dumps(func, protocol=5) == pickle.dumps(eager(index).functions[0], protocol=5)
        assert pickle.dumps(loaded(cache), protocol=5) == pickle.dumps(eager(index), protocol=5)
    elif how == "copy":
        assert copy.deepcopy(func) == expected and type(copy.copy(func)) is FunctionInfo
    elif how == "replace":
        renamed = dataclasses.replace(func, name="renamed")
        assert type(renamed) is FunctionInfo and renamed.uses == expected.uses and renamed.name == "renamed"
    else:
        assert func.__getstate__() == expected.__getstate__() and "_deferred" not in func.__getstate__()


def test_a_loaded_index_stored_again_loads_the_same(tmp_path: Path) -> None:
    index = index_source(VIEW, "views.py", "views", False)
    cache = stored(index, tmp_path)
    assert cache.put("again", loaded(cache))  # not read before: stored whole all the same
    again = cache.get("again")
    assert again == index and pickle.dumps(again, protocol=5) == pickle.dumps(eager(index), protocol=5)


def _entry_with_body(index: ModuleIndex, body: object) -> bytes:
    """An entry with `index`'s head and `body` after it, header and checksum right."""
    payload, cut = index_cache._split_pickle(index)
    return index_cache._framed("key", payload[:cut] + pickle.dumps(body, protocol=5), cut)


class Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("body", ["wrong-shape", "foreign-field", "crafted"])
def test_a_body_that_cannot_be_decoded_raises_when_read_never_an_empty_field(body: str, tmp_path: Path) -> None:
    index = index_source(VIEW, "views.py", "views", False)
    marker = tmp_path / "ran"
    bodies = {
        "wrong-shape": ({}, ()),
        "foreign-field": ({}, ({"qualname": "x"},)),
        "crafted": ({}, ({"uses": Payload(marker)},)),
    }
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "key.idx").write_bytes(_entry_with_body(index, bodies[body]))
    lazy = loaded(IndexCache(tmp_path / "cache"))
    assert lazy.functions[0].qualname == index.functions[0].qualname  # the head is whole
    for _ in range(2):  # and stays broken: a second read does not find an empty field either
        with pytest.raises(CacheEntryError):
            _ = lazy.functions[0].uses
        with pytest.raises(CacheEntryError):
            _ = lazy == index
    assert not marker.exists()


@pytest.mark.parametrize("how", ["truncated", "flipped", "head-length"])
def test_a_damaged_body_makes_the_entry_a_miss(how: str, tmp_path: Path) -> None:
    index = index_source(VIEW, "views.py", "views", False)
    cache = stored(index, tmp_path)
    entry = cache.directory / "key.idx"
    blob = entry.read_bytes()
    if how == "truncated":
        entry.write_bytes(blob[:-20])
    elif how == "flipped":
        entry.write_bytes(blob[:-30] + bytes(b ^ 0xFF for b in blob[-30:-22]) + blob[-22:])
    else:  # the head length off by one, the checksum (of the payload) still right
        payload, cut = index_cache._split_pickle(index)
        entry.write_bytes(index_cache._framed("key", payload, cut - 1))
    assert cache.get("key") is None


def test_deferred_fields_are_fields_of_their_class() -> None:
    for plain, names in DEFERRED.items():
        assert names <= {f.name for f in dataclasses.fields(plain)}  # type: ignore[arg-type]

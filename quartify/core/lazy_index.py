"""Cached indexes whose bulky fields are decoded on first read.

A one-file check loads every other file's index from the cache (core/index_cache.py) but reads
little of it: the linker and the graph want each function's name, span and colour, not its uses,
decorators or `with` statements, which are most of an entry's bytes and of its unpickling time.
So an entry holds two pickles written by one pickler: the *head*, the index with the `DEFERRED`
fields of the module and of each function left out, and the *body*, those fields. Loading an
entry unpickles the head only; its objects are instances of `LazyModuleIndex` and
`LazyFunctionInfo`, private subclasses whose deferred fields are non-data descriptors. The first
read of one (or `==`, `hash`, `repr`, pickling) unpickles the body with the same unpickler (so
objects shared between head and body stay shared, as in the original), fills every object of the
module and turns it back into a plain `ModuleIndex` / `FunctionInfo` with the `__dict__` an
eagerly loaded index has (same keys, same order): from then on it is one, and pickles to the same
bytes. Plain objects pay nothing: the descriptors live on the subclasses only.

The whole entry's checksum is verified when it is read, so a damaged body is a miss like any
damaged entry. A body that still fails to decode (a crafted entry with a right checksum) raises
`CacheEntryError` when it is read, never an empty value; the restricted unpickler decodes it.
"""

from __future__ import annotations

import copyreg
import pickle
from sys import intern
from collections.abc import Callable
from dataclasses import fields
from typing import Any, ClassVar

from quartify.analysis.model import Decorator, FunctionInfo, ModuleIndex, Use, WithSite

# Fields a one-file check does not read from other modules' indexes (measured on the
# benchmark repo: the linker and the graph read names, spans, colours, patches and bindings).
DEFERRED: dict[type, frozenset[str]] = {
    FunctionInfo: frozenset({"params", "decorators", "uses", "withs", "returned_names", "makes_app",
                             "return_refs", "value_returns", "yield_refs", "positional"}),
    ModuleIndex: frozenset({"module_uses", "renames", "attribute_stores", "file_dicts", "unpinned_getattrs",
                            "data_fields", "upload_helpers"}),
}
_BODY = "_deferred"  # the instance attribute naming a lazy object's `Body`
# The head's derived facts: a lazy function's not-awaited call references (`called_refs`), and
# the call references anywhere in a lazy module (`module_calls`).
_CALLS = "_called"
_MODULE_CALLS = "_module_called"


class CacheEntryError(RuntimeError):
    """A cache entry's body could not be decoded although its checksum held."""


class Body:
    """The undecoded deferred fields of one module: read by `unpickler`, right after the head."""

    def __init__(self, unpickler: pickle.Unpickler, index: ModuleIndex) -> None:
        self._unpickler: pickle.Unpickler | None = unpickler
        self._index = index
        self._error: CacheEntryError | None = None

    def load(self) -> None:
        if self._error is not None:
            raise self._error
        unpickler, self._unpickler = self._unpickler, None
        if unpickler is None:
            return  # done (an object of this module was already filled)
        try:
            filled = _filled(self._index, unpickler.load())
        except Exception as error:  # a crafted body: never a silently missing field
            self._error = CacheEntryError(f"cache entry of {self._index.path}: {error}")
            raise self._error from error
        for obj, state in filled:
            object.__setattr__(obj, "__dict__", state)
            object.__setattr__(obj, "__class__", type(obj).base)


class _Pending:
    """What a lazy object does before its body is read: anything that sees every field reads it."""

    base: ClassVar[type]  # the plain dataclass it becomes

    def _complete(self) -> None:
        body = self.__dict__.get(_BODY)
        if not isinstance(body, Body):
            raise CacheEntryError("a lazy index object without its body")
        body.load()
        if isinstance(self, _Pending):  # not an object of its module's index (a crafted head)
            raise CacheEntryError("a lazy index object its body does not fill")

    def __eq__(self, other: object) -> bool:
        self._complete()
        return self == other

    def __hash__(self) -> int:
        self._complete()
        return hash(self)

    def __repr__(self) -> str:
        self._complete()
        return repr(self)

    def __reduce_ex__(self, protocol: Any) -> str | tuple[Any, ...]:
        self._complete()
        return self.__reduce_ex__(protocol)

    def __getstate__(self) -> dict[str, object]:
        self._complete()
        state: dict[str, object] = self.__getstate__()
        return state


class _Deferred:
    """A deferred field of a lazy object: the first read decodes its module's body."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: _Pending | None, owner: type | None = None) -> object:
        if obj is None:
            raise AttributeError(self.name)
        obj._complete()
        return getattr(obj, self.name)


class LazyFunctionInfo(_Pending, FunctionInfo):
    base: ClassVar[type] = FunctionInfo


class LazyModuleIndex(_Pending, ModuleIndex):
    base: ClassVar[type] = ModuleIndex


LAZY: dict[type, type[_Pending]] = {FunctionInfo: LazyFunctionInfo, ModuleIndex: LazyModuleIndex}
for _plain, _lazy in LAZY.items():
    for _name in DEFERRED[_plain]:
        setattr(_lazy, _name, _Deferred(_name))


def _reappended(plain: type) -> tuple[str, ...]:
    """The fields from the first head field that follows a deferred one on: a head's state and
    then its body's, merged, hold the fields in their class's order once these are moved to
    the end (FunctionInfo: `patches`, `positional`)."""
    names = [f.name for f in fields(plain)]
    seen_deferred = False
    for n, name in enumerate(names):
        seen_deferred = seen_deferred or name in DEFERRED[plain]
        if seen_deferred and name not in DEFERRED[plain]:
            return tuple(names[n:])
    return ()


_REAPPENDED = {plain: _reappended(plain) for plain in LAZY}


# The field names only the body holds, pickled first with the head: the body's many `Use` objects
# then name their fields by a short memo reference (2 bytes), not a long one (5) past the head's
# first 256 objects.
KEYS = tuple(sorted({f.name for cls in (Use, Decorator, WithSite) for f in fields(cls)}.union(*DEFERRED.values())))


def split(index: ModuleIndex) -> tuple[tuple[tuple[str, ...], ModuleIndex],
                                       tuple[dict[str, object], tuple[dict[str, object], ...]]]:
    """The head (`KEYS` and a lazy copy of `index` without its deferred fields) and the body
    (those fields of the module, then of each function, as `Lean` would pickle them)."""
    functions: list[FunctionInfo] = []
    bodies: list[dict[str, object]] = []
    for func in index.functions:
        head, body = _parts(func)
        head.__dict__[_CALLS] = called_refs(func)
        functions.append(head)
        bodies.append(body)
    module, body = _parts(index)
    module.__dict__["functions"] = tuple(functions)
    module.__dict__[_MODULE_CALLS] = module_calls(index)
    return (KEYS, module), (body, tuple(bodies))


def _parts(obj: Any) -> tuple[Any, dict[str, object]]:
    state = obj.__getstate__()
    deferred = DEFERRED[type(obj)]
    head = object.__new__(LAZY[type(obj)])
    head.__dict__.update((k, v) for k, v in state.items() if k not in deferred)
    return head, {k: v for k, v in state.items() if k in deferred}


def called_refs(func: FunctionInfo) -> tuple[str, ...]:
    """The references `func` calls without awaiting them, each once, in first-use order: the
    uses a caller's sync helpers are found among (analysis/helper_offload.py). A function loaded
    from the cache answers from its head, without decoding its module's body."""
    kept = func.__dict__.get(_CALLS)
    if kept is not None:
        assert isinstance(kept, tuple)
        return kept
    return tuple(dict.fromkeys(u.ref for u in func.uses if u.kind == "call" and not u.awaited))


def module_calls(module: ModuleIndex) -> tuple[str, ...]:
    """The references called anywhere in `module` (its functions' uses and its module-level ones,
    awaited or not), each once, in first-use order: what finding the modules that build the app
    reads (analysis/planners/flask_patch.py). A module loaded from the cache answers from its head,
    without decoding its body."""
    kept = module.__dict__.get(_MODULE_CALLS)
    if kept is not None:
        assert isinstance(kept, tuple)
        return kept
    uses = (*(u for f in module.functions for u in f.uses), *module.module_uses)
    return tuple(dict.fromkeys(u.ref for u in uses if u.kind == "call"))


def body_pending(func: FunctionInfo) -> bool:
    """Whether `func` is a cached function whose body is not decoded yet (reading its uses costs
    a decode of its module's body)."""
    return _BODY in func.__dict__


def reduce_head(obj: _Pending) -> tuple[Callable[..., object], tuple[type], dict[str, object]]:
    """How the head's lazy objects pickle (a pickler's dispatch table): their class and state,
    without forcing them."""
    return copyreg.__newobj__, (type(obj),), obj.__dict__  # type: ignore[attr-defined]


def attach(loaded: object, unpickler: pickle.Unpickler) -> ModuleIndex | None:
    """The index of a loaded head, every lazy object pointing at the body `unpickler` reads
    next, or None when `loaded` is not a head."""
    head = loaded[1] if isinstance(loaded, tuple) and len(loaded) == 2 else None
    if type(head) is not LazyModuleIndex or not isinstance(head.__dict__.get("functions"), tuple):
        return None
    body = Body(unpickler, head)
    head.__dict__[_BODY] = body
    for func in head.functions:
        if type(func) is not LazyFunctionInfo:
            return None
        func.__dict__[_BODY] = body
    return head


def _filled(index: ModuleIndex, body: object) -> list[tuple[_Pending, dict[str, object]]]:
    """Each object of the module with its whole state, in field order as an eager load has it."""
    functions = index.__dict__["functions"]
    if not (isinstance(body, tuple) and len(body) == 2 and isinstance(body[1], tuple)
            and len(body[1]) == len(functions)):
        raise CacheEntryError("the body does not match the head")
    return [(obj, _merged(obj, extra)) for obj, extra in zip((index, *functions), (body[0], *body[1]))]


def _merged(obj: _Pending, extra: object) -> dict[str, object]:
    plain = obj.base
    if not isinstance(extra, dict) or not extra.keys() <= DEFERRED[plain]:
        raise CacheEntryError("a body entry holds fields it should not")
    merged = obj.__dict__.copy()
    del merged[_BODY]
    merged.pop(_CALLS, None)
    merged.pop(_MODULE_CALLS, None)
    # keys interned, as unpickling an object's state interns its keys: equal dicts, same pickles
    merged.update((intern(k), v) for k, v in extra.items())
    for name in _REAPPENDED[plain]:
        if name in merged:
            merged[name] = merged.pop(name)
    return merged

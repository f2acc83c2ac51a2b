"""Carry the linker's answers from one run to the next while an editor types.

Resolving every reference of a 50 kLOC project is most of what a re-run after a keystroke costs
(`quartify lsp`, core/workspace.py), yet an edit inside a function body seldom changes what any
reference means. A reference's meaning is worked out from a few tables only: each module's
bindings, star imports and pytest plugins, its functions' and classes' shapes (names, parents,
parameters, decorators, what they return or yield, bases, methods, `self.x` attributes), the
`g.x` and `request.cls.x` assignments, and the arguments of every call site (the argument table,
`Linker._build_arguments`). `signature` is exactly that part of a module's index. When every
module's signature (and the set of extensions left out) equals the last run's, the new linker
adopts the last one's answers; any other change links from scratch.

Adopting is exact when the last run never met the cycle guard (`Linker.cyclic`): then each answer
is a function of the tables alone, whatever order references were asked in, so a run over equal
tables would work out the same answers itself; references the new run asks for first are worked
out as a fresh run would. A run that met the guard is never adopted from.

A process that runs once (`quartify migrate --check ONE_FILE` from pre-commit) has no last run in
memory; it gets one from disk instead (`LinkRecord`, kept by core/link_store.py beside the index
cache): the answers of an earlier run, under a digest of the same key. Equal digests stand for
equal keys, so adopting from a record is exactly adopting from that run's linker.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Iterable
from dataclasses import dataclass

from quartify.analysis.graph_memo import BodyMemo
from quartify.analysis.link import Linker
from quartify.analysis.model import ClassInfo, FunctionInfo, ModuleIndex

# A run adopts answers only while they number at most this many times what the last run that
# linked from scratch ended with (answers for references no longer written anywhere pile up).
_MAX_GROWTH = 4


def _function(f: FunctionInfo) -> tuple[object, ...]:
    return (
        f.qualname, f.name, f.parent, f.class_qualname, f.params, f.is_generator, f.return_refs, f.yield_refs,
        tuple((d.ref, d.name_kw) for d in f.decorators),
        # the uses the argument table records (the test `Linker._build_arguments` makes)
        tuple((u.ref, u.kind, u.arg_of, u.arg_key) for u in f.uses
              if u.arg_of and u.arg_key and u.arg_of != "?" and u.kind != "call"),
    )


def _class(c: ClassInfo) -> tuple[object, ...]:
    return c.qualname, c.bases, c.methods, c.attributes


def signature(m: ModuleIndex) -> tuple[object, ...]:
    """What resolving references reads from one module's index (see the module docstring)."""
    return (
        m.module, m.path, m.bindings, m.star_imports, m.pytest_plugins, m.g_attributes, m.fixture_cls_attributes,
        tuple(_function(f) for f in m.functions), tuple(_class(c) for c in m.classes),
    )


def digest(key: tuple[object, ...]) -> bytes:
    """A stable digest of a `LinkMemory` key (tuples of strings, numbers, None and booleans:
    marshal's version 0 writes them the same in any process, no sharing or interning marks)."""
    try:
        blob = marshal.dumps(key, 0)  # type: ignore[arg-type]  # a tuple of plain values
    except ValueError:  # a value marshal cannot write: a digest no other run shares
        blob = os.urandom(20)
    return hashlib.blake2b(blob, digest_size=20).digest()


@dataclass(frozen=True)
class LinkRecord:
    """A run's linker answers, for a later run over modules whose key has the same `digest`."""

    digest: bytes
    answers: dict[str, str]
    arguments: dict[str, list[tuple[str, str]]]
    definers: dict[str, str]
    base: int  # how many answers the run that linked from scratch ended with (`_MAX_GROWTH`)


class LinkMemory:
    """The last run's linker, and the signature of the modules it linked."""

    def __init__(self, stored: LinkRecord | None = None) -> None:
        # An earlier process's answers (core/link_store.py), tried while no run is in memory.
        self.stored = stored
        # (signature key, linker, how many answers the run that linked from scratch ended with)
        self._last: tuple[tuple[object, ...], Linker, int] | None = None
        # Signatures by index object: a warm index hands the same object back for a file that
        # did not change, so only the edited module's signature is computed again.
        self._signatures: dict[int, tuple[ModuleIndex, tuple[object, ...]]] = {}
        self.adopted = False  # whether the last `linker` call took the previous run's answers
        self._from_stored = False  # whether they were `stored`'s
        self._digest: bytes | None = None
        # What function bodies gave the graph (analysis/graph_memo.py): kept while answers are.
        self.bodies = BodyMemo()

    def linker(self, modules: Iterable[ModuleIndex], inactive: frozenset[str] = frozenset()) -> Linker:
        """A linker over `modules`, with the last run's answers when they still hold."""
        linker = Linker(modules, inactive)
        signatures: dict[int, tuple[ModuleIndex, tuple[object, ...]]] = {}
        for m in linker.modules.values():
            known = self._signatures.get(id(m))
            signatures[id(m)] = known if known is not None and known[0] is m else (m, signature(m))
        self._signatures = signatures
        key = (tuple(sorted(inactive)), tuple(signatures[id(m)][1] for m in linker.modules.values()))
        last, base = self._last, 0
        self.adopted = False
        self._digest = None
        if last is not None and last[0] == key:
            base = last[2] or last[1].answers
            self.adopted = last[1].answers <= _MAX_GROWTH * base and linker.adopt(last[1])
        elif last is None and self.stored is not None and self.stored.digest == self.key_digest(key):
            record = self.stored
            base = record.base
            self.adopted = (len(record.answers) <= _MAX_GROWTH * base
                            and linker.adopt_answers(record.answers, record.arguments, record.definers))
        self._from_stored = self.adopted and last is None
        if not self.adopted:
            self.bodies = BodyMemo()
        self._last = (key, linker, base if self.adopted else 0)
        return linker

    def key_digest(self, key: tuple[object, ...] | None = None) -> bytes:
        """The digest of the last run's key (worked out once per run)."""
        if self._digest is None:
            if key is None:
                assert self._last is not None
                key = self._last[0]
            self._digest = digest(key)
        return self._digest

    def record(self) -> LinkRecord | None:
        """The last run's answers to keep for a later process, when they can be adopted; None
        when they cannot, or when they are the stored record's with no new answer."""
        if self._last is None:
            return None
        _key, linker, base = self._last
        answered = linker.answered()
        if answered is None:
            return None
        answers, arguments, definers = answered
        stored = self.stored
        if self.adopted and stored is not None and len(answers) == len(stored.answers) and self._from_stored:
            return None
        return LinkRecord(self.key_digest(), dict(answers), arguments, definers, base or len(answers))

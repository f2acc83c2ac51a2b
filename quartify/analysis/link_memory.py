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

Adopting is exact because each answer is a function of the tables alone, whatever order references
were asked in: an answer that leaned on the cycle guard's stand-in is kept only once its cycle is
settled from the cycle's canonical root and checked against a fresh linker asked for it first
(`Linker.resolve`, `_settle`), so a run over equal tables would work out the same answers itself;
references the new run asks for first are worked out as a fresh run would. A run whose linker is
`cyclic` (a cycle that settles differently from another entry, a case the check refuses) is never
adopted from.

The key compared is a digest (blake2b) of every module's signature digest and the extensions
left out; equal digests stand for equal signatures. A process that runs once (`quartify migrate
--check ONE_FILE` from pre-commit) has no last run in memory; it gets one from disk instead
(`LinkRecord`, kept by core/link_store.py beside the index cache): an earlier run's answers under
its key digest, so adopting from a record is exactly adopting from that run's linker. The record
also holds each module's signature digest by the module's text (`content_key`), so that process
works out the signature of the edited module only.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from quartify.analysis import graph_scan
from quartify.analysis.graph_memo import BodyMemo, StoredFacts
from quartify.analysis.graph_scan import content_key
from quartify.analysis.link import Linker
from quartify.analysis.model import ClassInfo, FunctionInfo, ModuleIndex
from quartify.core.digest import blake2b

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


def digest(value: tuple[object, ...]) -> bytes:
    """A stable digest of a signature (tuples of strings, numbers, None and booleans: marshal's
    version 0 writes them the same in any process, no sharing or interning marks)."""
    try:
        blob = marshal.dumps(value, 0)  # type: ignore[arg-type]  # a tuple of plain values
    except ValueError:  # a value marshal cannot write: a digest no other run shares
        blob = os.urandom(20)
    return blake2b(blob, digest_size=20).digest()


@dataclass(frozen=True)
class LinkRecord:
    """A run's linker answers, for a later run over modules whose key has the same `digest`."""

    digest: bytes
    answers: dict[str, str]
    arguments: dict[str, list[tuple[str, str]]]
    definers: dict[str, str]
    base: int  # how many answers the run that linked from scratch ended with (`_MAX_GROWTH`)
    # each module's signature digest by `content_key`: a later process need not work out the
    # signature of a module whose text it has not changed
    signatures: dict[str, bytes]
    # what function bodies gave the graph, by module text, under the repo-wide facts whose
    # digest is `world` (analysis/graph_memo.py)
    world: bytes = b""
    bodies: dict[str, StoredFacts] = field(default_factory=dict)
    # each module's share of the graph's whole-repo passes, by module text (analysis/graph_scan.py)
    scans: dict[str, graph_scan.StoredFacts] = field(default_factory=dict)


class LinkMemory:
    """The last run's linker, and the digest of the signatures of the modules it linked."""

    def __init__(self, stored: LinkRecord | None = None) -> None:
        # An earlier process's answers (core/link_store.py), tried while no run is in memory.
        self.stored = stored
        # (key digest, linker, how many answers the run that linked from scratch ended with)
        self._last: tuple[bytes, Linker, int] | None = None
        # Signature digests by index object: a warm index hands the same object back for a file
        # that did not change, so only the edited module's signature is computed again.
        self._signatures: dict[int, tuple[ModuleIndex, bytes]] = {}
        self.adopted = False  # whether the last `linker` call took the previous run's answers
        self._from_stored = False  # whether they were `stored`'s
        # What function bodies gave the graph (analysis/graph_memo.py): kept while answers are.
        self.bodies = BodyMemo()

    def _digests(self, modules: Iterable[ModuleIndex]) -> list[bytes]:
        known_content = self.stored.signatures if self.stored is not None and self._last is None else {}
        signatures: dict[int, tuple[ModuleIndex, bytes]] = {}
        out = []
        for m in modules:
            known = self._signatures.get(id(m))
            if known is None or known[0] is not m:
                found = known_content.get(content_key(m)) if known_content else None
                known = (m, found if found is not None else digest(signature(m)))
            signatures[id(m)] = known
            out.append(known[1])
        self._signatures = signatures
        return out

    def linker(self, modules: Iterable[ModuleIndex], inactive: frozenset[str] = frozenset()) -> Linker:
        """A linker over `modules`, with the last run's answers when they still hold."""
        linker = Linker(modules, inactive)
        whole = blake2b(digest_size=20)
        whole.update(marshal.dumps(tuple(sorted(inactive)), 0))
        for part in self._digests(linker.modules.values()):
            whole.update(part)
        key = whole.digest()
        last, base = self._last, 0
        self.adopted = False
        if last is not None and last[0] == key:
            base = last[2] or last[1].answers
            self.adopted = last[1].answers <= _MAX_GROWTH * base and linker.adopt(last[1])
        elif last is None and self.stored is not None and self.stored.digest == key:
            record = self.stored
            base = record.base
            self.adopted = (len(record.answers) <= _MAX_GROWTH * base
                            and linker.adopt_answers(record.answers, record.arguments, record.definers))
        self._from_stored = self.adopted and last is None
        if self._from_stored and self.stored is not None:
            record = self.stored
            self.bodies = BodyMemo(stored=(record.world, record.bodies) if record.world else None,
                                   scans=graph_scan.Scans(record.scans))
        elif not self.adopted:
            self.bodies = BodyMemo()
        self._last = (key, linker, base if self.adopted else 0)
        return linker

    def record(self) -> LinkRecord | None:
        """The last run's answers (and what function bodies gave the graph) to keep for a later
        process; None when the answers cannot be adopted."""
        if self._last is None:
            return None
        key, linker, base = self._last
        answered = linker.answered()
        if answered is None:
            return None
        answers, arguments, definers = answered
        signatures = {content_key(m): d for m, d in self._signatures.values()}
        world, bodies = self.bodies.export(linker.modules.values()) or (b"", {})
        return LinkRecord(key, dict(answers), arguments, definers, base or len(answers), signatures, world, bodies,
                          self.bodies.scans.export())

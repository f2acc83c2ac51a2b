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
"""

from __future__ import annotations

from collections.abc import Iterable

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


class LinkMemory:
    """The last run's linker, and the signature of the modules it linked."""

    def __init__(self) -> None:
        # (signature key, linker, how many answers the run that linked from scratch ended with)
        self._last: tuple[tuple[object, ...], Linker, int] | None = None
        # Signatures by index object: a warm index hands the same object back for a file that
        # did not change, so only the edited module's signature is computed again.
        self._signatures: dict[int, tuple[ModuleIndex, tuple[object, ...]]] = {}
        self.adopted = False  # whether the last `linker` call took the previous run's answers

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
        if last is not None and last[0] == key:
            base = last[2] or last[1].answers
            self.adopted = last[1].answers <= _MAX_GROWTH * base and linker.adopt(last[1])
        self._last = (key, linker, base if self.adopted else 0)
        return linker

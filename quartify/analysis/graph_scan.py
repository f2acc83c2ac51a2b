"""One module's share of the whole-repo passes of `graph.build`, kept between runs.

Classification, decorator families and their applications, the `decorator` package, registrations
written as calls, `stream_with_context`, uncertain decorators, forced seeds and barriers, and the
groups of overrides and monkeypatched doubles each start by asking the linker what every
function's (or module's or class's) decorators, uses and bases mean, and keep the few that matter
to the pass. That first step reads, for one module: the module's own index (frozen: the same
object or the same text, the same fields), the linker's answers, the class tables (`Linker.mro`)
and, of other modules, only signature facts (which qualnames exist, their parents, whether they
are generators, the modules' paths). All of those are equal whenever a run adopted the last
run's answers, since adopting requires every module's signature to be equal
(analysis/link_memory.py). So a run whose linker adopted keeps `ModuleFacts` per module object
(`LinkMemory`, in memory for `quartify lsp`) or per module text (`LinkRecord`, on disk for a
one-shot `--check`), and scans again only the modules it has not seen; `graph.build` then
combines the facts in the order it used to ask for them (each module's entries carry the
qualname a fresh build sorted by: one stable sort puts them in that order), so the graph is the
one a fresh build makes. What a repo-wide pass changes afterwards (a function registered by a
call elsewhere, passed as a value) `graph.build` works out again for those functions only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import starmap
from typing import NamedTuple

from quartify.analysis import decorator_package
from quartify.analysis.classify import Classified, classify
from quartify.analysis.index import PARAM_PREFIX
from quartify.analysis.link import Linker
from quartify.analysis.model import CTX_OK, ClassInfo, FunctionInfo, ModuleIndex, Use
from quartify.analysis.solver import Seed
from quartify.analysis.unittest_facts import (
    CLASS_FIXTURES,
    MODULE_FIXTURES,
    sync_fixture_why,
)

STREAM_WITH_CONTEXT = "flask.stream_with_context"
# unittest fixtures that stay sync (unittest_facts.py), a Quart-WTF form's coroutine methods
FORM_ASYNC_METHODS = frozenset({"validate", "validate_on_submit"})  # coroutine methods of QuartForm
SPECIAL_NAMES = CLASS_FIXTURES | MODULE_FIXTURES | FORM_ASYNC_METHODS
MODULE = -1  # the owner position of a module-level (or class-body) use

BARRIER_WHY = {
    "sync": "Quart calls it without awaiting (URL preprocessor, URL defaults or shell context)",
    "template": "it is a Jinja filter, test or global",
    "cli": "it is a click command, which must stay sync",
    "property": "it is a property",
    "dunder": "it is a dunder method",
    "factory": "it builds the Flask app (an app factory must stay sync)",
    "value": "it is passed as a value",
    "signal": "it is a signal receiver",
}


class ModuleFacts(NamedTuple):
    """What one module gives each pass. Positions index `ModuleIndex.functions` (MODULE: the
    module's own uses) and that owner's uses."""

    kinds: tuple[Classified, ...]  # each function's classification, by position
    decorators: tuple[tuple[int, tuple[str, ...]], ...]  # what each decorator of a decorated function resolves to
    param_calls: tuple[tuple[int, str, str], ...]  # a nested def calling an enclosing def's parameter: decorator, ref
    registering: tuple[tuple[int, int], ...]  # the uses a registration pass can act on (`may_register`)
    streamed: tuple[tuple[str, int], ...]  # generator functions handed to stream_with_context, and where
    streamed_defs: tuple[int, ...]  # generators written under @stream_with_context
    package: tuple[tuple[int, bool, tuple[str, ...]], ...]  # under @decorator; callers given to decorate()
    made: tuple[str, ...]  # what `name = decorator(caller)` hands to `decorator`, resolved
    calls: tuple[tuple[str, int, int], ...]  # calls of a repo function with an argument: callee, where
    passed: tuple[tuple[str, int], ...]  # a repo function passed as an argument: written callee, line
    # functions `graph._seeds_and_barriers` must look at even when plain: `async def`, generators
    # returning a value, and those named like a unittest fixture or a form's validate method
    special: tuple[int, ...]
    # each function's qualname and `def` line, by position: what the passes combine, without
    # reading every function's index again
    names: tuple[str, ...]
    lines: tuple[int, ...]
    # what each function is to the solver under its own classification, passed as no value
    # (`mark`): forced seeds in function order, barriers by position and why
    forced: tuple[Seed, ...]
    barred: tuple[tuple[int, str], ...]
    form_methods: tuple[int, ...]  # the special functions named like a form's validate method
    async_defs: tuple[int, ...]  # functions written `async def`
    generators: tuple[int, ...]
    # `monkeypatch.setattr(target, fake)` of two repo functions: the pair that shares a colour
    patches: tuple[tuple[int, frozenset[str]], ...]
    # overrides of one method in the class tables: (class, the overrides that share a colour), in
    # class order; and (test double, shipped method) pairs, which do not
    overrides: tuple[tuple[str, frozenset[str]], ...]
    split_overrides: tuple[tuple[str, str], ...]


def owner_uses(module: ModuleIndex, position: int) -> tuple[Use, ...]:
    return module.module_uses if position == MODULE else module.functions[position].uses


def scan(linker: Linker, modules: Sequence[ModuleIndex], may_register: Callable[[Use], bool]) -> list[ModuleFacts]:
    """The facts of each of `modules` (`may_register`: the registration pass's test of a use,
    which reads the use and the linker's answers only). Pass by pass, as `graph.build` asked."""
    resolve, functions = linker.resolve, linker.functions

    def owners(module: ModuleIndex) -> list[tuple[int, tuple[Use, ...]]]:
        return [(MODULE, module.module_uses), *((i, f.uses) for i, f in enumerate(module.functions))]

    kinds = [tuple(classify(linker, f) for f in m.functions) for m in modules]
    package = [tuple((i, *found) for i, f in enumerate(m.functions)
                     if any(found := decorator_package.function_callers(linker, f))) for m in modules]
    made = [decorator_package.made_callers(linker, m) for m in modules]
    param_calls = [tuple((i, top, ref) for i, f in enumerate(m.functions) if f.parent is not None
                         for top, ref in _param_calls(linker, f)) for m in modules]
    decorators = [tuple((i, tuple(resolve(d.ref) for d in f.decorators)) for i, f in enumerate(m.functions)
                        if f.decorators) for m in modules]
    registering = [tuple((i, j) for i, uses in owners(m) for j, u in enumerate(uses) if may_register(u))
                   for m in modules]
    streamed = [tuple(hit for _i, uses in owners(m) for use in uses if (hit := _handed(linker, use)) is not None)
                for m in modules]
    streamed_defs = [tuple(i for i, f in enumerate(m.functions) if f.is_generator
                           and any(resolve(d.ref) == STREAM_WITH_CONTEXT for d in f.decorators)) for m in modules]
    calls = [tuple((resolved, i, j) for i, uses in owners(m) for j, u in enumerate(uses)
                   if u.kind == "call" and u.nargs >= 1 and (resolved := resolve(u.ref)) in functions)
             for m in modules]
    passed = [tuple((u.arg_of, u.span.line) for _i, uses in owners(m) for u in uses
                    if u.kind in ("name", "attr") and u.arg_of and resolve(u.ref) in functions) for m in modules]
    special = [tuple(i for i, f in enumerate(m.functions) if is_special(f)) for m in modules]
    names = [tuple(f.qualname for f in m.functions) for m in modules]
    lines = [tuple(f.span.line for f in m.functions) for m in modules]
    marks = [[mark(linker, f, kind, i in own, None) for i, (f, kind) in enumerate(zip(m.functions, classified))]
             for m, classified, own in zip(modules, kinds, map(frozenset, special))]
    forced = [tuple(found for found in marked if isinstance(found, Seed)) for marked in marks]
    barred = [tuple((i, found) for i, found in enumerate(marked) if isinstance(found, str)) for marked in marks]
    form_methods = [tuple(i for i in own if m.functions[i].name in FORM_ASYNC_METHODS)
                    for m, own in zip(modules, special)]
    async_defs = [tuple(i for i, f in enumerate(m.functions) if f.is_async) for m in modules]
    generators = [tuple(i for i, f in enumerate(m.functions) if f.is_generator) for m in modules]
    patches = [tuple((i, pair) for i, f in enumerate(m.functions) for pair in patch_groups(linker, f)) for m in modules]
    overrides, split_overrides = [], []
    for m in modules:
        groups: list[tuple[str, frozenset[str]]] = []
        split: list[tuple[str, str]] = []
        for cls in m.classes:
            groups.extend((cls.qualname, members) for members in override_groups(linker, cls, split))
        overrides.append(tuple(groups))
        split_overrides.append(tuple(split))
    return [ModuleFacts(*parts) for parts in zip(kinds, decorators, param_calls, registering, streamed,
                                                 streamed_defs, package, made, calls, passed, special, names, lines,
                                                 forced, barred, form_methods, async_defs, generators, patches,
                                                 overrides, split_overrides)]


def patch_groups(linker: Linker, func: FunctionInfo) -> list[frozenset[str]]:
    """`monkeypatch.setattr("pkg.db.init_db", fake)` in `func`: when init_db turns async, so must
    fake. Reads the function, the linker's answers and which qualnames exist."""
    groups: list[frozenset[str]] = []
    for target, fake, _line in func.patches:
        real = linker.resolve(target)
        double = linker.resolve(fake)
        if real in linker.functions and double in linker.functions:
            groups.append(frozenset({real, double}))
    return groups


def override_groups(linker: Linker, cls: ClassInfo, split: list[tuple[str, str]]) -> list[frozenset[str]]:
    """The overrides of each method of `cls` along its MRO, which share a colour; or, when test
    doubles override shipped methods, the (double, shipped) pairs added to `split`. Reads the
    class tables, the linker's answers, which qualnames exist and their modules' paths."""
    groups: list[frozenset[str]] = []
    for method in cls.methods:
        members = set()
        for klass in linker.mro(cls.qualname):
            info = linker.classes.get(klass)
            if info is not None and method in info.methods:
                members.add(f"{klass}.{method}")
        if len(members) > 1 and all(m in linker.functions for m in members):
            if len({is_test_module(linker.module_of[m].path) for m in members}) > 1:
                # A test double must not turn the shipped class async; the planner warns
                # when the double's override turns async on its own.
                split.extend(
                    (t, p) for t in members if is_test_module(linker.module_of[t].path)
                    for p in members if not is_test_module(linker.module_of[p].path)
                )
                continue
            groups.append(frozenset(members))
    return groups


def is_test_module(path: str) -> bool:
    """pytest's default discovery (test_*.py, *_test.py, conftest.py, a tests/ folder), plus the
    tests.py modules unittest-era projects keep next to their package."""
    name = path.rsplit("/", 1)[-1]
    parts = path.split("/")[:-1]
    return (name.startswith("test_") or name.endswith("_test.py") or name in ("conftest.py", "tests.py", "test.py")
            or any(p in ("tests", "test") for p in parts))


def is_special(func: FunctionInfo) -> bool:
    """Whether `func`'s own fields can make it a seed or barrier though plain and passed as no
    value: `async def`, a generator returning a value, a unittest fixture or form method name."""
    return func.is_async or func.is_generator and bool(func.value_returns) or func.name in SPECIAL_NAMES


def mark(linker: Linker, func: FunctionInfo, info: Classified, special: bool, value_use: str | None) -> Seed | str | None:
    """What `func` is to the solver: a forced seed (views, hooks, streamed generators, defs already
    async), a barrier (the reason a person reads: async cannot cross it), or neither. `special`:
    `is_special(func)`; `value_use`: what it is passed to as a value, if anything. A plain
    function neither special nor a value is neither, without a look at its fields. Reads the
    function, its classification and the class tables (unittest fixtures)."""
    if info.kind == "plain" and not special and value_use is None:
        return None
    if info.kind in ("view", "hook", "stream") or func.is_async:
        what = {"view": f"registered with {info.detail}", "hook": f"registered with {info.detail}",
                "stream": "streamed through stream_with_context (needs an async generator)"}.get(
            info.kind, "already async def")
        return Seed(func.qualname, info.line, what, forced=True)
    if info.kind in BARRIER_WHY:
        return BARRIER_WHY[info.kind]
    if value_use is not None:
        return f"it is passed as a value to {value_use}"
    if func.is_generator and func.value_returns:
        return "it is a generator that returns a value, which an async generator cannot"
    return sync_fixture_why(linker, func)  # setUpClass & co: unittest calls them without awaiting


def _handed(linker: Linker, use: Use) -> tuple[str, int] | None:
    """`stream_with_context(gen())` or `(gen)`: the generator function handed over, and the line."""
    if use.arg_key != "#0" or not use.arg_of or linker.resolve(use.arg_of) != STREAM_WITH_CONTEXT:
        return None
    target = linker.resolve(use.ref)
    if target in linker.functions and linker.functions[target].is_generator:
        return target, use.span.line
    return None


def _param_calls(linker: Linker, func: FunctionInfo) -> tuple[tuple[str, str], ...]:
    """A nested def's calls of a parameter of a def enclosing it: (the outermost def of that
    chain, which is the decorator; the parameter's reference). Reads the function, and the
    parents of the defs enclosing it."""
    out = []
    for use in func.uses:
        if use.kind != "call" or not use.ref.startswith(PARAM_PREFIX) or use.ctx != CTX_OK:
            continue
        owner, _, param = use.ref[len(PARAM_PREFIX) :].rpartition(":")
        if not param.isidentifier():
            continue  # `info.load_app()`: a method of the parameter, not the parameter
        if owner == func.qualname or owner not in linker.functions:
            continue
        # The decorator is the outermost def of the chain that owns the parameter.
        top = owner
        while linker.functions[top].parent is not None:
            top = linker.functions[top].parent or top
        out.append((top, use.ref))
    return tuple(out)


def by_function(
    linker: Linker, modules: Sequence[ModuleIndex], facts: Sequence[ModuleFacts]
) -> dict[str, tuple[FunctionInfo, ModuleIndex, int, ModuleFacts]]:
    """Each function of the linker's table that one of `modules` holds: its module, position and
    module's facts (a qualname defined twice is the linker's, the last one)."""
    functions = linker.functions
    out = {}
    for module, found in zip(modules, facts):
        for i, func in enumerate(module.functions):
            if functions.get(func.qualname) is func:
                out[func.qualname] = (func, module, i, found)
    return out


class Scans:
    """Each module's facts, from this run and the earlier runs whose answers it adopted: by module
    object (kept in memory), or by module text (`stored`, an earlier process's, from disk).
    Entries for modules a run did not ask about are let go at `turn` (a module object gone from
    the repo is released, so its id is never mistaken for another's). Facts read from `stored`
    keep the plain values they were read from, which `export` writes again as they were."""

    def __init__(self, stored: dict[str, StoredFacts] | None = None) -> None:
        self._now: dict[int, tuple[ModuleIndex, ModuleFacts, StoredFacts | None]] = {}
        self._before: dict[int, tuple[ModuleIndex, ModuleFacts, StoredFacts | None]] = {}
        self._stored = stored or {}

    def turn(self) -> None:
        """Start a run: what the last run asked for stays available, the rest is let go."""
        self._before, self._now = self._now, {}

    def get(self, module: ModuleIndex) -> ModuleFacts | None:
        key = id(module)
        known = self._now.get(key) or self._before.get(key)
        if known is not None and known[0] is module:
            self._now[key] = known
            return known[1]
        plain = self._stored.get(content_key(module)) if self._stored else None
        found = restore(plain, module) if plain is not None else None
        if found is not None:
            self._now[key] = (module, found, plain)
        return found

    def put(self, module: ModuleIndex, facts: ModuleFacts) -> None:
        self._now[id(module)] = (module, facts, None)

    def export(self) -> dict[str, StoredFacts]:
        """This run's facts by module text, for a later process."""
        return {content_key(m): export(f) if plain is None else plain for m, f, plain in self._now.values()}


def content_key(m: ModuleIndex) -> str:
    """What a module's index is a function of (with quartify's code, which a stored record's
    header holds): its path, module name, package flag and text."""
    return f"{m.path}\0{m.module}\0{m.is_package}\0{m.source_hash}"


# --- stored form (core/link_store.py): plain values, no objects -------------------------------

StoredFacts = tuple[object, ...]
_FORCED = ModuleFacts._fields.index("forced")
_classified = partial(tuple.__new__, Classified)  # a stored (kind, line, detail) as it was


def export(facts: ModuleFacts) -> StoredFacts:
    """`facts` as values marshal writes (classifications as tuples)."""
    kinds = tuple(map(tuple, facts.kinds))
    forced = tuple((s.node, s.line, s.what, s.forced) for s in facts.forced)
    return (kinds, *facts[1:_FORCED], forced, *facts[_FORCED + 1:])


def restore(stored: object, module: ModuleIndex) -> ModuleFacts | None:
    """Facts read back for `module` (None: not the shape `export` writes, or not this module's)."""
    if not isinstance(stored, tuple) or len(stored) != len(ModuleFacts._fields) or not isinstance(stored[0], tuple):
        return None
    try:
        if not set(map(len, stored[0])) <= {3}:
            return None
        kinds = tuple(map(_classified, stored[0]))
        forced = tuple(starmap(Seed, stored[_FORCED]))
    except (TypeError, ValueError):
        return None
    parts = [kinds, *stored[1:]]
    parts[_FORCED] = forced
    facts = ModuleFacts(*parts)
    if not len(facts.kinds) == len(facts.names) == len(facts.lines) == len(module.functions):
        return None
    return facts

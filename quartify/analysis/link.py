"""Resolve reference strings across the whole repo.

A module resolves names only as far as its own imports go (`flaskr.auth.bp.route`); here the
chain is followed through other modules' bindings (re-exports, module variables), classes
(instances, inherited methods) and the Flask API tables, down to one canonical string:
a repo function's qualname, or a Flask path such as `flask.Blueprint().route`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

from quartify.analysis import jinja_kinds
from quartify.analysis.index import PARAM_PREFIX, SUPER_PREFIX, UNION_PREFIX
from quartify.analysis.model import ClassInfo, FunctionInfo, ModuleIndex
from quartify.rules import blocking, loader

_TOKEN = re.compile(r"\(\)|\[\]|[^.()\[\]]+")
_MAX_DEPTH = 24
# How many references may be pending at once (`resolve`): real code measured needs at most 4
# (CTFd, the tutorial, the bundled example); at ~100, Python's default recursion limit is hit.
# A chain cut off here is worked out again at each question (it is not kept), so the bound is
# also what such a chain costs: 16 levels, ~70 ms for the two chains of the test; 32, ~340 ms.
_MAX_PENDING = 16
UNKNOWN = "?"
# Hooks Flask calls with the response as their first argument.
_RESPONSE_HOOKS = frozenset({"after_request", "after_app_request"})


UNITTEST = "unittest.TestCase"


def tokens(ref: str) -> list[str]:
    if ref.startswith(UNION_PREFIX + "{"):
        close = ref.find("}")
        if close > 0:
            return [ref[: close + 1], *_TOKEN.findall(ref[close + 1 :])]
    return _TOKEN.findall(ref)


def join(parts: Iterable[str]) -> str:
    out = ""
    for part in parts:
        if part in ("()", "[]"):
            out += part
        else:
            out = f"{out}.{part}" if out else part
    return out


class _Bindings:
    """Each module's name -> reference table (`ModuleIndex.binding_map`), made on the first
    question about that module: a run that adopted an earlier run's answers asks about few."""

    def __init__(self, modules: dict[str, ModuleIndex]) -> None:
        self._modules = modules
        self._made: dict[str, dict[str, str]] = {}

    def __getitem__(self, module: str) -> dict[str, str]:
        made = self._made.get(module)
        if made is None:
            made = self._made[module] = self._modules[module].binding_map()  # KeyError: not a repo module
        return made


class Linker:
    def __init__(self, modules: Iterable[ModuleIndex], inactive: frozenset[str] = frozenset()) -> None:
        mods = sorted(modules, key=lambda m: m.module)
        # Extension modules whose Quart API is not applied in this run (`--extensions`).
        self.inactive = inactive
        self.modules = {m.module: m for m in mods}
        # conftest.py modules by path (`fixture` walks the directories up from a test).
        self._conftests: dict[str, list[ModuleIndex]] = {}
        for m in mods:
            if m.path.rsplit("/", 1)[-1] == "conftest.py":
                self._conftests.setdefault(m.path, []).append(m)
        self.top_packages = frozenset(m.module.split(".", 1)[0] for m in mods)
        self.bindings = _Bindings(self.modules)
        # One pass over every def (thousands in a large repo, on every re-run), each qualname
        # read once for the table of its kind and for `module_of` (later modules win, as before).
        functions: dict[str, FunctionInfo] = {}
        classes: dict[str, ClassInfo] = {}
        module_of: dict[str, ModuleIndex] = {}
        for m in mods:
            for f in m.functions:
                qualname = f.qualname
                functions[qualname] = f
                module_of[qualname] = m
            for c in m.classes:
                qualname = c.qualname
                classes[qualname] = c
                module_of[qualname] = m
        self.functions = functions
        self.classes = classes
        self.module_of = module_of
        api = loader.quart_api()
        names = loader.names()
        self.canonical = dict(api.canonical)
        for flask_mod, quart_mod in names.modules.items():
            self.canonical.setdefault(quart_mod, flask_mod)
        for flask_name, new in names.renames.items():
            flask_mod = flask_name.rsplit(".", 1)[0]
            self.canonical.setdefault(f"{names.modules[flask_mod]}.{new}", flask_name)
        self.returns = {**blocking.tables().constructors, **api.returns}
        self.g_attributes: dict[str, str] = {}
        for m in mods:
            for name, ref in m.g_attributes:
                if self.g_attributes.get(name, ref) != ref:
                    ref = ""
                self.g_attributes[name] = ref
        for name, ref in self.g_attributes.items():
            if ref:
                self.canonical.setdefault(f"flask.g.{name}", ref)
        # `request.cls.x = ...` in pytest fixtures: what a test class's `self.x` may be.
        self.fixture_cls_attributes: dict[str, set[str]] = {}
        for m in mods:
            for name, ref in m.fixture_cls_attributes:
                self.fixture_cls_attributes.setdefault(name, set()).add(ref)
        self._cache: dict[str, str] = {}
        self._mro: dict[str, tuple[str, ...]] = {}
        self._externals: dict[str, str] = {}  # `_external`: written -> canonical  # class qualname -> `mro`, from the answers in `_cache`
        self._args_cache: dict[str, list[tuple[str, str]]] | None = None
        # Calls an unsafe fix makes awaitable (`--unsafe-fixes`, analysis/unsafe.py), read with
        # the Quart awaitables: resolved name -> how it is awaited.
        self.extra_awaitables: dict[str, loader.Awaitable] = {}
        # Swaps `--unsafe-fixes` tried and gave up on: fix name -> (path, line, why) per shape.
        self.unsafe_refusals: dict[str, tuple[tuple[str, int, str], ...]] = {}
        # Attribute name -> the one repo class defining it with a Quart Jinja value
        # (analysis/jinja_kinds.py), built with the arguments.
        self._definers: dict[str, str] = {}
        # The cycle guard (see `resolve`): references being resolved, innermost last, with their
        # place in that stack, and for each the lowest place whose stand-in or provisional answer
        # its answer leaned on so far (Tarjan's low link).
        self._pending: list[str] = []
        self._at: dict[str, int] = {}
        self._low: list[int] = []
        # Answers worked out while a stand-in was in play, kept only until the reference at the
        # place they lean on (the root of their cycle) is answered: reference -> that place. And
        # the references holding one, in the order they were answered, and for each pending
        # reference how many there were when it started (its cycle's members come after).
        self._provisional: dict[str, int] = {}
        self._cycle: list[str] = []
        self._starts: list[int] = []
        # Whether the value being worked out without a place of its own (a union's, a class
        # order) read a stand-in or a provisional answer: then it is not kept.
        self._leaned = False
        # References whose cycle is being worked out again from its canonical root (`_settle`).
        self._redoing: set[str] = set()
        # A copy working out a settled cycle again to check it (`_check_cycle`), which it does not.
        self._scratch = False
        # Whether some answer may still depend on the order references were asked in (a cycle
        # that did not settle the same way twice): a later run must then work its answers out
        # again (`adopt`).
        self.cyclic = False

    # -- public --------------------------------------------------------------------------------
    def applies(self, ref: str) -> bool:
        """Whether quartify's Quart API for `ref` is used in this run: not for an extension whose
        port `--extensions` leaves out (`flask_wtf.FlaskForm` under `--extensions report`)."""
        return ref.split(".", 1)[0] not in self.inactive

    def resolve(self, ref: str) -> str:
        """What `ref` stands for: a function of the tables alone, whatever was asked before.

        References lean on each other (a parameter's value is what its call sites pass, which may
        be another parameter...), and may lean on themselves: while a reference is being worked
        out, asking for it again answers a stand-in ("unknown", or the parameter itself). An answer
        worked out from a stand-in depends on where its cycle was entered, so it is provisional
        (kept only while that cycle is being worked out, like Tarjan's strongly connected
        components): when the cycle's first-entered reference is answered, the cycle is settled
        from its canonical root (`_settle`), so each of its answers is the same in any order."""
        # The answered case first (most calls): the cache is empty until the first resolution
        # below builds the argument table, and never holds "" or "?".
        cached = self._cache.get(ref)
        if cached is not None:
            if self._pending:
                place = self._at.get(ref)
                if place is None:
                    place = self._provisional.get(ref)
                if place is not None:  # a stand-in, or a provisional answer: this one leans on it
                    self._leaned = True
                    if place < self._low[-1]:
                        self._low[-1] = place
            return cached
        if not ref or ref == UNKNOWN:
            return UNKNOWN
        if self._args_cache is None:  # first resolution: nothing in progress yet
            self._build_arguments()  # which ends with an empty cache
        if ref.startswith(UNION_PREFIX):
            return self._resolve_union(ref)
        prefixed = ref.startswith(PARAM_PREFIX)
        place = len(self._pending)
        if place >= _MAX_PENDING:
            # A chain of references that grows as it is followed (`v = grow(x); return v.peer`
            # asks for `grow().peer`, then `grow().peer.peer`, ...) never meets a pending one
            # again: cut it off with "unknown", as if it leaned on the first pending reference,
            # so no answer of the chain is kept as exact (the cycle checks decide, `_settle`).
            self._leaned = True
            self._low[-1] = 0
            return UNKNOWN
        self._cache[ref] = ref if prefixed else UNKNOWN  # the stand-in
        self._pending.append(ref)
        self._at[ref] = place
        self._low.append(place)
        self._starts.append(len(self._cycle))
        outer_leaned, self._leaned = self._leaned, False
        try:
            if prefixed:
                result = self._resolve_param(ref)
            elif ref.startswith(SUPER_PREFIX):
                result = self._resolve_super(ref[len(SUPER_PREFIX) :])
            else:
                result = self._resolve(tokens(ref), 0)
            if self._definers and not jinja_kinds.is_jinja(result):
                result = self._by_definer(ref) or result
        finally:
            self._pending.pop()
            del self._at[ref]
            low = self._low.pop()
            start = self._starts.pop()
            self._leaned = outer_leaned
        self._cache[ref] = result
        if low < place:
            # Leaned on a reference still pending further out: provisional, a member of its cycle.
            # Members answered inside this one leaned on places at or past this one's, which are
            # gone: they lean on what this one leans on now.
            provisional = self._provisional
            for member in self._cycle[start:]:
                if provisional[member] >= place:
                    provisional[member] = low
            provisional[ref] = low
            self._cycle.append(ref)
            self._leaned = True
            if low < self._low[-1]:
                self._low[-1] = low
            return result
        if len(self._cycle) > start:
            return self._settle(ref, start)
        return result

    def _settle(self, ref: str, start: int) -> str:
        """`ref` closed a cycle (its members, answered provisionally, are `_cycle[start:]`):
        keep their answers when `ref` is its canonical root (the least of its references), else
        drop them and work the cycle out again from that root, whose answers are then the ones a
        linker asked for any member first keeps too. The references a cycle asks for can depend on
        the answers it gets, so working it out from its root can meet a different cycle; while a
        reference is already being settled, meeting it again keeps the answers as they are and
        marks the linker `cyclic` (never adopted from), rather than going round for ever."""
        members = self._cycle[start:]
        del self._cycle[start:]
        for member in members:
            del self._provisional[member]
        root = min(members)
        if root > ref or ref in self._redoing:
            if root < ref:
                self.cyclic = True
            elif not self._scratch:
                self._check_cycle((ref, *members))
            return self._cache[ref]
        for member in (ref, *members):
            del self._cache[member]
        self._redoing.add(ref)
        try:
            self.resolve(root)
            return self.resolve(ref)
        finally:
            self._redoing.discard(ref)

    def _check_cycle(self, cycle: tuple[str, ...]) -> None:
        """Mark the linker `cyclic` unless each answer of a cycle just settled is the one a fresh
        linker (a copy with the same tables and argument table, no answer) gives when asked for it
        first. Which references a cycle asks for can depend on the answers it gets, so the cycle
        met from another of its members can have another canonical root; this check makes that
        case a refusal to be adopted (a later run links from scratch) rather than an inexact
        answer. Answers outside any cycle need no check: they leaned on no stand-in, so they are
        worked out as asked first. Cycles are rare (CTFd, 49 kLOC: two settled, 0.4 ms of checks)."""
        for member in cycle:
            scratch = copy.copy(self)
            scratch._scratch = True
            scratch._cache, scratch._mro = {}, {}
            scratch._pending, scratch._at, scratch._low, scratch._starts = [], {}, [], []
            scratch._provisional, scratch._cycle, scratch._redoing = {}, [], set()
            scratch._leaned = scratch.cyclic = False
            if scratch.resolve(member) != self._cache[member] or scratch.cyclic:
                self.cyclic = True
                return

    def adopt(self, earlier: Linker) -> bool:
        """Take over the answers of `earlier`, a linker over tables equal to this one's (what
        `analysis/link_memory.py` checks), unless it is `cyclic`: each of its answers is then what
        this linker would work out itself, in any order (cycles settled from their canonical root,
        `resolve`). False (and nothing taken) when it is, or when `earlier` answered nothing yet. Its class orders
        (`mro`) come along: each kept one was worked out from the tables and answers alone."""
        if earlier.cyclic or earlier._args_cache is None:
            return False
        if not self.adopt_answers(earlier._cache, earlier._args_cache, earlier._definers):
            return False
        self._mro = dict(earlier._mro)
        return True

    def adopt_answers(self, answers: dict[str, str], arguments: dict[str, list[tuple[str, str]]],
                      definers: dict[str, str]) -> bool:
        """`adopt` from what `answered` gave of a linker over tables equal to this one's (kept on
        disk between runs, analysis/link_memory.py); False (nothing taken) once this one answered."""
        if self._args_cache is not None:
            return False
        self._args_cache = arguments
        self._definers = definers
        self._cache = dict(answers)
        self._mro = {}
        return True

    def answered(self) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]], dict[str, str]] | None:
        """The answers, argument table and definers, for `adopt_answers` in a later run over equal
        tables; None when they may depend on the order of the questions (`cyclic`) or none yet."""
        if self.cyclic or self._args_cache is None:
            return None
        return self._cache, self._args_cache, self._definers

    @property
    def answers(self) -> int:
        """How many references this linker has an answer for."""
        return len(self._cache)

    def _by_definer(self, ref: str) -> str | None:
        """A Quart Jinja value read by attribute name off a value quartify cannot type, when exactly
        one repo class defines that attribute (analysis/jinja_kinds.py)."""
        toks = tokens(ref)
        for i in range(len(toks) - 1, 0, -1):
            owner = self._definers.get(toks[i])
            if owner is None or not jinja_kinds.untyped(self, self.resolve(join(toks[:i]))):
                continue
            found = self._members(owner, ["()", *toks[i:]], 1)
            if jinja_kinds.is_jinja(found):
                return found
        return None

    def alternatives(self, ref: str) -> tuple[str, ...]:
        """Everything `ref` may stand for: itself resolved, or for a local bound several ways
        that do not agree (`for m in (client.get, client.post)`), each way resolved."""
        resolved = self.resolve(ref)
        close = ref.find("}")
        if resolved != UNKNOWN or not ref.startswith(UNION_PREFIX) or close < 0:
            return (resolved,)
        rest = ref[close + 1 :]
        return tuple(sorted({self.resolve(alt + rest) for alt in ref[len(UNION_PREFIX) + 1 : close].split("|")}))

    def inherits(self, class_qualname: str, base: str) -> bool:
        """A repo class with `base` (canonical) among its ancestors."""
        return class_qualname in self.classes and base in self.mro(class_qualname)

    def is_function(self, resolved: str) -> bool:
        return resolved in self.functions

    def mro(self, class_qualname: str) -> list[str]:
        """Repo classes first, in a simple depth-first order; external bases as canonical refs.

        Kept per class: the bases are resolved through `resolve`, whose answers are kept too,
        except the cycle guard's stand-ins and provisional answers (then the order is worked out
        again next time, as `resolve` would answer it then)."""
        known = self._mro.get(class_qualname)
        if known is not None:
            return list(known)
        out: list[str] = []
        seen: set[str] = set()
        stack = [class_qualname]
        outer_leaned, self._leaned = self._leaned, False
        while stack:
            current = stack.pop(0)
            if current in seen:
                continue
            seen.add(current)
            out.append(current)
            info = self.classes.get(current)
            if info is None:
                continue
            for base in info.bases:
                stack.append(self.resolve(base) if base else UNKNOWN)
        if not self._leaned:
            self._mro[class_qualname] = tuple(out)
        self._leaned = self._leaned or outer_leaned
        return out

    # -- internals -----------------------------------------------------------------------------
    def _resolve_union(self, ref: str) -> str:
        """`@any{a|b}.rest`: a local bound several ways; known only if every way agrees."""
        close = ref.find("}")
        if close < 0:
            return UNKNOWN
        alternatives = ref[len(UNION_PREFIX) + 1 : close].split("|")
        rest = ref[close + 1 :]
        outer_leaned, self._leaned = self._leaned, False
        found = {self.resolve(alt + rest) for alt in alternatives}
        result = found.pop() if len(found) == 1 else UNKNOWN
        if not self._leaned:  # else it holds only where it was asked: it is worked out again
            self._cache[ref] = result
        self._leaned = self._leaned or outer_leaned
        return result

    @staticmethod
    def _single(refs: tuple[str, ...]) -> str | None:
        known = [r for r in refs if r]
        return known[0] if len(known) == 1 and len(refs) == 1 else None

    def _resolve_param(self, ref: str) -> str:
        """A parameter of a pytest test or fixture is the value of the fixture of that name."""
        owner, _, rest = ref[len(PARAM_PREFIX) :].rpartition(":")
        name, *more = tokens(rest) or [""]
        fixture = self.fixture(owner, name)
        if fixture is not None:
            func = self.functions[fixture]
            value = self._single(func.yield_refs) if func.is_generator else self._single(func.return_refs)
        else:
            value = self._hook_argument(owner, name) or self._argument_value(owner, name)
        if not value or value.startswith(f"{PARAM_PREFIX}{owner}:{name}"):
            return ref
        resolved = self.resolve(value)
        if resolved in (UNKNOWN, value) and resolved.startswith(PARAM_PREFIX):
            return ref
        return self.resolve(join([*tokens(resolved), *more])) if more else resolved

    def _hook_argument(self, owner: str, name: str) -> str | None:
        """The response an `@app.after_request` / `@bp.after_app_request` hook receives as its
        first parameter (so `resp.data` inside it, or in a helper it hands `resp` to, is seen)."""
        func = self.functions.get(owner)
        if func is None or func.class_qualname is not None or not func.params or func.params[0] != name:
            return None
        receivers = loader.registration().receivers
        for dec in func.decorators:
            method = dec.ref.rsplit(".", 1)[-1]
            if method in _RESPONSE_HOOKS and dec.ref != method:
                receiver = self.resolve(dec.ref[: -len(method) - 1])
                if receiver in receivers:
                    return "flask.Response()"
        return None

    def _argument_value(self, owner: str, name: str) -> str | None:
        """What every call site passes for parameter `name` of `owner`, when they all agree
        (`AuthActions(client)` in a fixture types `self._client` as the test client)."""
        func = self.functions.get(owner)
        if func is None or name not in func.params:
            return None
        position = func.params.index(name)
        if func.class_qualname is not None:
            if position == 0:
                return None  # self
            # `Cls(x)` feeds __init__; `obj.method(x)` feeds the method; both skip `self`.
            callee = func.class_qualname if func.name == "__init__" else owner
            position -= 1
        else:
            callee = owner
        found: set[str] = set()
        for arg_key, arg_ref in self._arguments().get(callee, ()):
            if arg_key in (f"#{position}", name):
                found.add(self.resolve(arg_ref))
        if len(found) == 1:
            value = found.pop()
            return None if value == UNKNOWN else value
        return None

    def _arguments(self) -> dict[str, list[tuple[str, str]]]:
        if self._args_cache is None:
            self._build_arguments()
            assert self._args_cache is not None
        return self._args_cache

    def _build_arguments(self) -> None:
        """Every call site's arguments, by callee. Resolving the callees needs this very table
        (`self.client.get(url)` where `self.client` came from an `__init__` parameter), so it
        is built before the first resolution starts (nothing is in progress, no cycle guard
        stands in for a real answer), twice: the second pass sees the first's table. Answers
        worked out from the half-built table are then dropped."""
        for _ in range(2):
            table: dict[str, list[tuple[str, str]]] = {}
            self._args_cache = self._args_cache or {}
            for mod in self.modules.values():
                for f in mod.functions:
                    for use in f.uses:
                        if use.arg_of and use.arg_of != "?" and use.arg_key and use.kind in ("name", "attr", "call"):
                            callee = self.resolve(use.arg_of)
                            if callee in self.functions or callee in self.classes:
                                # a call passes its result: `send(current_app._get_current_object())`
                                value = f"{use.ref}()" if use.kind == "call" else use.ref
                                table.setdefault(callee, []).append((use.arg_key, value))
            self._args_cache = table
            self._cache.clear()
            self._mro.clear()
        self._definers = jinja_kinds.jinja_attributes(self)
        self._cache.clear()
        self._mro.clear()
        # The table and the definers are a function of the tables alone (any run over equal tables
        # builds them the same way, cycle guard included): only the answers from here on count.
        self.cyclic = False
        self._leaned = False

    def fixture(self, user: str, name: str) -> str | None:
        """The pytest fixture `name` visible from function `user`, looked up as pytest does: the
        test's class and its bases, the test's module, the conftest.py files in the same and parent
        directories, then the plugin modules they name in `pytest_plugins`; in each module, a
        fixture defined there or imported into it (by name or with `*`). A fixture that asks for
        its own name gets the next one out (a local override of a shared fixture)."""
        mod = self.module_of.get(user)
        if mod is None or user not in self.functions:
            return None
        user_func = self.functions[user]
        if not (user_func.name.startswith("test") or self.is_fixture(user)):
            return None
        if user_func.class_qualname is not None:
            for klass in self.mro(user_func.class_qualname):
                owner = self.module_of.get(klass)
                for func in owner.functions if owner is not None else ():
                    if func.class_qualname == klass and func.qualname != user and self.fixture_name(func.qualname) == name:
                        return func.qualname
        directory = mod.path.rsplit("/", 1)[0] if "/" in mod.path else ""
        candidates = [mod]
        while True:
            conftest = f"{directory}/conftest.py" if directory else "conftest.py"
            candidates.extend(m for m in self._conftests.get(conftest, ()) if m is not mod)
            if not directory:
                break
            directory = directory.rsplit("/", 1)[0] if "/" in directory else ""
        candidates.extend(self.modules[p] for c in list(candidates) for p in c.pytest_plugins if p in self.modules)
        for candidate in candidates:
            for func in candidate.functions:
                if func.parent is None and func.class_qualname is None and func.qualname != user:
                    if self.fixture_name(func.qualname) == name:
                        return func.qualname
            imported = self._imported_fixture(candidate, name, user)
            if imported is not None:
                return imported
        return None

    def _imported_fixture(self, module: ModuleIndex, name: str, user: str) -> str | None:
        """A fixture `name` a module imports (`from .fixtures import client`, `from .fixtures import *`)."""
        bound = self.bindings[module.module].get(name)
        found = [bound] if bound else []
        found.extend(f.qualname for star in module.star_imports if star in self.modules
                     for f in self.modules[star].functions if f.parent is None and f.class_qualname is None)
        for qualname in found:
            if qualname != user and qualname in self.functions and self.fixture_name(qualname) == name:
                return qualname
        return None

    def fixture_name(self, qualname: str) -> str | None:
        """The name tests ask for: `name=` of `@pytest.fixture(name=...)`, else the def's name."""
        func = self.functions[qualname]
        for dec in func.decorators:
            if self.resolve(dec.ref) in ("pytest.fixture", "pytest_asyncio.fixture"):
                return dec.name_kw or func.name
        return None

    def is_fixture(self, qualname: str) -> bool:
        return qualname in self.functions and self.fixture_name(qualname) is not None

    def _resolve_super(self, ref: str) -> str:
        """`super().name` inside a method of `klass`: the first definition after `klass`."""
        klass, _, rest = ref.partition("()")
        parts = tokens(rest)
        if klass not in self.classes or not parts or parts[0] in ("()", "[]"):
            return UNKNOWN
        for base in self.mro(klass)[1:]:
            info = self.classes.get(base)
            if info is not None:
                if parts[0] in info.methods:
                    return join([f"{base}.{parts[0]}", *parts[1:]])
                continue
            if base != UNKNOWN:
                return self._resolve([*tokens(base), "()", *parts], 1)
        return UNKNOWN

    def _resolve(self, parts: list[str], depth: int) -> str:
        if depth > _MAX_DEPTH or not parts:
            return UNKNOWN
        if parts[0].startswith(("@", UNKNOWN)):
            return self.resolve(join(parts))  # a parameter or super() reference, substituted in
        # Longest leading run of names that is a repo module.
        names_end = 0
        while names_end < len(parts) and parts[names_end] not in ("()", "[]"):
            names_end += 1
        for i in range(names_end, 0, -1):
            mod = ".".join(parts[:i])
            if mod in self.modules:
                rebound = self._rebound_submodule(parts, i)
                if rebound is not None:
                    return self._resolve([*rebound, *parts[i:]], depth + 1)
                return self._in_module(mod, parts[i:], depth)
        return self._external(parts, depth)

    def _rebound_submodule(self, parts: list[str], i: int) -> list[str] | None:
        """The package's own name for `parts[:i]` when its `__init__` rebinds the submodule's name
        to something inside that submodule (`from .json import json`): Python's import sets the
        attribute to the module, then that from-import replaces it, so `pkg.json` (and
        `from pkg import json`) is the function. None when the submodule stands.

        A reference that already spells the rebinding's target (`pkg.json.json`, the binding
        itself, read as module and name) is left to the submodule, or it would loop."""
        if i < 2:
            return None
        parent = ".".join(parts[: i - 1])
        if parent not in self.modules:
            return None
        binding = self.bindings[parent].get(parts[i - 1])
        if not binding:
            return None
        target = tokens(binding)
        if len(target) <= i or target[:i] != parts[:i] or parts[: len(target)] == target:
            return None
        return target

    def _in_module(self, mod: str, rest: list[str], depth: int) -> str:
        if not rest:
            return mod
        name = rest[0]
        if name in ("()", "[]"):
            return UNKNOWN
        binding = self.bindings[mod].get(name)
        if binding is None and not name.startswith("_"):
            for star in self.modules[mod].star_imports:  # `from .core import *`
                if star in self.modules and self.bindings[star].get(name):
                    return self._resolve([*star.split("."), *rest], depth + 1)
        if binding is None:
            # A submodule not imported by name, or something the index did not see.
            sub = f"{mod}.{name}"
            if any(m == sub or m.startswith(sub + ".") for m in self.modules):
                return self._resolve([*sub.split("."), *rest[1:]], depth + 1)
            return UNKNOWN
        if binding == "":
            return UNKNOWN
        own = f"{mod}.{name}"
        if binding == own and (own in self.functions or own in self.classes):
            return self._members(own, rest[1:], depth)
        return self._resolve([*tokens(binding), *rest[1:]], depth + 1)

    def _members(self, head: str, rest: list[str], depth: int) -> str:
        """Walk `.attr`, `()` and `[]` from a repo function or class."""
        current = head
        instance = False
        skip = 0
        for i, part in enumerate(rest):
            if skip:
                skip -= 1
                continue
            nested = f"{current}.<locals>.{rest[i + 1]}" if part == "<locals>" and i + 1 < len(rest) else ""
            if nested in self.functions or nested in self.classes:
                # A def nested in a function (a fixture's closure): its own qualname.
                current, skip = nested, 1
                continue
            if current in self.classes:
                if part == "()" and not instance:
                    instance = True
                    continue
                if part in ("()", "[]"):
                    return UNKNOWN
                found = self._lookup_method(current, part, instance, rest[i + 1 :], depth)
                return found
            if current in self.functions:
                through = self._through_property(current, rest[i:], depth) if part != "()" else None
                if through is not None:
                    return through
                if part == "()":
                    value = self._single(self.functions[current].return_refs)
                    if value:
                        return self._resolve([*tokens(value), *rest[i + 1 :]], depth + 1)
                # A call result or attribute of a repo function whose type is unknown.
                return join([current, *rest[i:]])
            return UNKNOWN
        return f"{current}()" if instance else current

    def _lookup_method(
        self, class_qualname: str, name: str, instance: bool, rest: list[str], depth: int
    ) -> str:
        """Methods of repo classes first, then attributes set on `self` in them, and only then
        the first external base (a TestCase's `self.client` is the repo's, not unittest's)."""
        mro = self.mro(class_qualname)
        for klass in mro:
            info = self.classes.get(klass)
            if info is not None and name in info.methods:
                method = f"{klass}.{name}"
                if method in self.functions:
                    if rest:
                        return self._members(method, rest, depth + 1)
                    return self._through_property(method, [], depth) or method
        for klass in mro:  # `cls.ctx` in a classmethod reads what `cls.ctx = ...` set
            info = self.classes.get(klass)
            attrs = dict(info.attributes) if info is not None else {}
            if attrs.get(name):
                return self._resolve([*tokens(attrs[name]), *rest], depth + 1)
        if instance and name in self.fixture_cls_attributes and all(k in self.classes or k == UNITTEST for k in mro):
            # A pytest test class (no base but unittest's) given `self.client` by a fixture.
            found = {self._resolve([*tokens(ref), *rest], depth + 1) for ref in self.fixture_cls_attributes[name]}
            return found.pop() if len(found) == 1 and "" not in self.fixture_cls_attributes[name] else UNKNOWN
        for klass in mro:
            if klass in self.classes or klass == UNKNOWN:
                continue
            prefix = [*tokens(klass), "()"] if instance else tokens(klass)
            return self._resolve([*prefix, name, *rest], depth + 1)
        return UNKNOWN

    def _through_property(self, qualname: str, rest: list[str], depth: int) -> str | None:
        """`obj.prop...` where `prop` is a property getter returning a Quart Jinja value: that
        value (other properties keep resolving to the getter, as before)."""
        if not jinja_kinds.is_property(self, qualname):
            return None
        value = self._single(self.functions[qualname].return_refs)
        if not value:
            return None
        found = self._resolve([*tokens(value), *rest], depth + 1)
        return found if jinja_kinds.is_jinja(found) else None

    def _external(self, parts: list[str], depth: int) -> str:
        """A reference outside the repo, rewritten through the canonical and return tables
        (fixed for the run: each answer is kept)."""
        written = join(parts)
        known = self._externals.get(written)
        if known is None:
            known = self._externals[written] = self._canonical(written)
        return known

    def _canonical(self, ref: str) -> str:
        for _ in range(_MAX_DEPTH):
            changed = False
            toks = tokens(ref)
            for i in range(len(toks), 0, -1):
                prefix = join(toks[:i])
                target = self.canonical.get(prefix) or self.returns.get(prefix)
                if target is not None and target != prefix:
                    ref = join([*tokens(target), *toks[i:]])
                    changed = True
                    break
            if not changed:
                break
        return ref

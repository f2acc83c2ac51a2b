"""Resolve reference strings across the whole repo.

A module resolves names only as far as its own imports go (`flaskr.auth.bp.route`); here the
chain is followed through other modules' bindings (re-exports, module variables), classes
(instances, inherited methods) and the Flask API tables, down to one canonical string:
a repo function's qualname, or a Flask path such as `flask.Blueprint().route`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from quartify.analysis.index import PARAM_PREFIX, SUPER_PREFIX
from quartify.analysis.model import ClassInfo, FunctionInfo, ModuleIndex
from quartify.rules import loader

_TOKEN = re.compile(r"\(\)|\[\]|[^.()\[\]]+")
_MAX_DEPTH = 24
UNKNOWN = "?"


def tokens(ref: str) -> list[str]:
    return _TOKEN.findall(ref)


def join(parts: Iterable[str]) -> str:
    out = ""
    for part in parts:
        if part in ("()", "[]"):
            out += part
        else:
            out = f"{out}.{part}" if out else part
    return out


class Linker:
    def __init__(self, modules: Iterable[ModuleIndex]) -> None:
        mods = sorted(modules, key=lambda m: m.module)
        self.modules = {m.module: m for m in mods}
        self.bindings = {m.module: m.binding_map() for m in mods}
        self.functions: dict[str, FunctionInfo] = {f.qualname: f for m in mods for f in m.functions}
        self.classes: dict[str, ClassInfo] = {c.qualname: c for m in mods for c in m.classes}
        self.module_of: dict[str, ModuleIndex] = {}
        for m in mods:
            for f in m.functions:
                self.module_of[f.qualname] = m
            for c in m.classes:
                self.module_of[c.qualname] = m
        api = loader.quart_api()
        names = loader.names()
        self.canonical = dict(api.canonical)
        for flask_mod, quart_mod in names.modules.items():
            self.canonical.setdefault(quart_mod, flask_mod)
        for flask_name, new in names.renames.items():
            flask_mod = flask_name.rsplit(".", 1)[0]
            self.canonical.setdefault(f"{names.modules[flask_mod]}.{new}", flask_name)
        self.returns = api.returns
        self._cache: dict[str, str] = {}

    # -- public --------------------------------------------------------------------------------
    def resolve(self, ref: str) -> str:
        if not ref or ref == UNKNOWN:
            return UNKNOWN
        if ref.startswith(PARAM_PREFIX):
            return ref
        if ref.startswith(SUPER_PREFIX):
            return self._resolve_super(ref[len(SUPER_PREFIX) :])
        cached = self._cache.get(ref)
        if cached is None:
            self._cache[ref] = UNKNOWN  # guards cycles
            cached = self._resolve(tokens(ref), 0)
            self._cache[ref] = cached
        return cached

    def is_function(self, resolved: str) -> bool:
        return resolved in self.functions

    def mro(self, class_qualname: str) -> list[str]:
        """Repo classes first, in a simple depth-first order; external bases as canonical refs."""
        out: list[str] = []
        seen: set[str] = set()
        stack = [class_qualname]
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
        return out

    # -- internals -----------------------------------------------------------------------------
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
        # Longest leading run of names that is a repo module.
        names_end = 0
        while names_end < len(parts) and parts[names_end] not in ("()", "[]"):
            names_end += 1
        for i in range(names_end, 0, -1):
            mod = ".".join(parts[:i])
            if mod in self.modules:
                return self._in_module(mod, parts[i:], depth)
        return self._external(parts, depth)

    def _in_module(self, mod: str, rest: list[str], depth: int) -> str:
        if not rest:
            return mod
        name = rest[0]
        if name in ("()", "[]"):
            return UNKNOWN
        binding = self.bindings[mod].get(name)
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
        for i, part in enumerate(rest):
            if current in self.classes:
                if part == "()" and not instance:
                    instance = True
                    continue
                if part in ("()", "[]"):
                    return UNKNOWN
                found = self._lookup_method(current, part, instance, rest[i + 1 :], depth)
                return found
            if current in self.functions:
                # A call result or attribute of a repo function: unknown type.
                return join([current, *rest[i:]])
            return UNKNOWN
        return f"{current}()" if instance else current

    def _lookup_method(
        self, class_qualname: str, name: str, instance: bool, rest: list[str], depth: int
    ) -> str:
        for klass in self.mro(class_qualname):
            info = self.classes.get(klass)
            if info is not None:
                if name in info.methods:
                    method = f"{klass}.{name}"
                    if method in self.functions:
                        return join([method, *rest]) if rest else method
                continue
            if klass == UNKNOWN:
                continue
            prefix = [*tokens(klass), "()"] if instance else tokens(klass)
            return self._resolve([*prefix, name, *rest], depth + 1)
        if instance:
            for klass in self.mro(class_qualname):
                info = self.classes.get(klass)
                attrs = dict(info.attributes) if info is not None else {}
                if attrs.get(name):
                    return self._resolve([*tokens(attrs[name]), *rest], depth + 1)
        return UNKNOWN

    def _external(self, parts: list[str], depth: int) -> str:
        ref = join(parts)
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

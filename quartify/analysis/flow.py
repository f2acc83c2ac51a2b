"""Value flow inside one function: which bindings of a local name can reach each place it is read.

The index types a local name by the values bound to it. Taking every binding in the function at
once (flow-insensitive) breaks down exactly where tests are most repetitive: `rv = client.get(...)`
rebound a dozen times to different verbs, or `handler = client` then `handler = app.test_client()`,
turns into a union too wide to trust, and the response stops being awaited somewhere in the
middle of the test. This module computes reaching definitions over the function's structured
statements (if/else, loops with break/continue, try/except/finally, with, match), so each read
sees only the bindings that can flow to it: usually exactly one.

It knows nothing about what a binding means: the caller passes `bind`, which says which names a
statement binds and to what values (`analysis.scopes` supplies its own local-binding collector), and
gets back, for each `ast.Name` read, the tuple of those values that reach it. A read the analysis
cannot vouch for (inside a nested def or lambda, which runs later; a name also bound by `:=`,
`global`, `nonlocal` or a `match` pattern) is left out, and the caller falls back to every binding of the name.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

from quartify.analysis.walk import children

# name -> the values that may be bound to it here (identity matters, not equality; a value may
# appear twice in one tuple: only which values, in the order first met, count). Never changed in place.
State: TypeAlias = dict[str, tuple[ast.AST, ...]]
Bind: TypeAlias = Callable[[ast.AST], dict[str, list[ast.AST]]]
Reaching: TypeAlias = dict[ast.Name, tuple[ast.AST, ...]]
Narrow: TypeAlias = Callable[[ast.expr], dict[str, list[ast.AST]]]

_DEFERRED_TYPES = frozenset({ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
# The statements `_Flow.stmt` follows one by one; every other statement is simple (read, then bind).
_NOT_SIMPLE = frozenset({
    ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match,
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Break, ast.Continue,
    *(kind for kind in (getattr(ast, "TryStar", None),) if kind is not None),
})
# Nodes whose children read nothing here: deferred bodies, and leaves (a constant, a context).
_NO_READ_UNDER = frozenset({*_DEFERRED_TYPES, ast.Constant, ast.Load, ast.Store, ast.Del})
_MAX_PASSES = 64  # a loop reaches its fixed point in (bindings + 1) passes; this only guards cost


class _GiveUp(Exception):
    """The function is too irregular to follow: every read falls back to every binding."""


def reaching_values(
    body: list[ast.stmt], bind: Bind, narrow: Narrow | None = None, rare_binders: bool = True,
    bound: Iterable[str] | None = None,
) -> Reaching:
    """For each name read in `body` (and in its comprehensions), the bound values that reach it.
    `narrow`, when given, says what an `if` test proves about names in the branch it guards
    (`isinstance(data, Response)`): those values replace the reaching ones there.
    `rare_binders` False: the caller knows the module holds no `:=`, `global`, `nonlocal` or
    `match` (`may_hold_rare_binders` of its text), so no name is untracked and none is looked for.
    `bound`, when given, holds every name `bind` can bind: only reads of those can be reached by a
    value (a function binding no name has no flow to follow)."""
    if bound is not None:
        bound = frozenset(bound)
        if not bound:
            return {}
    flow = _Flow(bind, _untracked(body) if rare_binders else frozenset(), narrow, bound)
    try:
        flow.block(body, {})
    except (_GiveUp, RecursionError):
        return {}
    return {name: tuple(values.values()) for name, values in flow.reads.items()}


def may_hold_rare_binders(source: str) -> bool:
    """False when `source` has none of the tokens `_untracked` looks for (`:=`, the keywords
    `global` and `nonlocal`, a `match` statement), all spelled out in the text of any program
    using them; True says only "perhaps" (the word may sit in a string or a comment). A `match`
    statement begins its line (no compound statement follows a `;` or another statement's `:` on
    one line), so `re.match(...)` or `if matched:` is not one. Plain `str.find`, no regex: this
    looks at every byte of every file."""
    return (":=" in source or _has_word(source, "global", False) or _has_word(source, "nonlocal", False)
            or _has_word(source, "match", True))


def _has_word(source: str, word: str, line_start: bool) -> bool:
    """`word` stands alone (no letter, digit or `_` touching it) somewhere in `source`; with
    `line_start`, only blanks may come before it on its line."""
    at = source.find(word)
    while at >= 0:
        end = at + len(word)
        before = at
        if line_start:
            while before and source[before - 1] in " \t\f":
                before -= 1
        prev = source[before - 1] if before else "\n"
        next_ = source[end] if end < len(source) else "\n"
        if (prev in "\r\n" if line_start else not _word_char(prev)) and not _word_char(next_):
            return True
        at = source.find(word, end)
    return False


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _untracked(body: list[ast.stmt]) -> frozenset[str]:
    """Names bound in ways the statement walk does not follow (`:=`, `global`, `nonlocal`, a
    `match` capture)."""
    names: set[str] = set()
    for node in _own_nodes(body):
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return frozenset(names)


def _own_nodes(nodes: Iterable[ast.AST]) -> list[ast.AST]:
    """Every node under `nodes` outside nested defs, lambdas and classes (depth first, last
    child first)."""
    out: list[ast.AST] = []
    deferred = _DEFERRED_TYPES
    for root in reversed(list(nodes)):  # a root is entered even when it is a def itself
        out.append(root)
        stack = list(children(root))
        while stack:
            node = stack.pop()
            if type(node) in deferred:
                continue
            out.append(node)
            stack.extend(children(node))
    return out


def _merge(*states: State | None) -> State | None:
    """The union of the states that can occur here; None when no path reaches it."""
    live = [s for s in states if s is not None]
    if not live:
        return None
    first = live[0]
    if all(state is first for state in live):
        return first  # a branch that binds nothing hands its state on unchanged
    out: dict[str, tuple[ast.AST, ...]] = {}
    for state in live:
        for name, values in state.items():
            known = out.get(name)
            if known is None:
                out[name] = values
            elif known is not values:  # the same tuple: a binding both paths share
                seen = {id(value) for value in known}
                extra = tuple(value for value in values if id(value) not in seen)
                if extra:
                    out[name] = known + extra
    return out


def _same(a: State | None, b: State | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.keys() == b.keys() and all({id(v) for v in a[k]} == {id(v) for v in b[k]} for k in a)


@dataclass
class _Loop:
    breaks: list[State] = field(default_factory=list)
    continues: list[State] = field(default_factory=list)


@dataclass
class _Flow:
    bind: Bind
    untracked: frozenset[str]
    narrow: Narrow | None = None
    bound: frozenset[str] | None = None  # the only names a value can reach (None: any)
    reads: dict[ast.Name, dict[int, ast.AST]] = field(default_factory=dict)
    loops: list[_Loop] = field(default_factory=list)
    tries: list[list[State]] = field(default_factory=list)  # states an exception may leave from
    names: dict[int, list[ast.Name]] = field(default_factory=dict)  # `_names_under`, by id of the root
    passes: int = 0

    # -- reads and bindings ----------------------------------------------------------------------
    def read(self, nodes: Iterable[ast.AST | None], state: State) -> None:
        reads = self.reads
        for root in nodes:
            if root is None:
                continue
            names = self.names.get(id(root))
            if names is None:
                names = self.names[id(root)] = self._names_under(root)
            for node in names:
                values = state.get(node.id)
                if values:
                    slot = reads.get(node)
                    if slot is None:
                        slot = reads[node] = {}
                    for value in values:
                        slot.setdefault(id(value), value)

    def _names_under(self, root: ast.AST) -> list[ast.Name]:
        """The tracked names `root` reads outside nested defs, lambdas and classes (a loop reads
        its statements once per pass: they are listed once). The walk of `_own_nodes`, without
        listing what cannot be a read (a name's context)."""
        untracked, bound = self.untracked, self.bound
        name_type, load, skipped = ast.Name, ast.Load, _NO_READ_UNDER
        out: list[ast.Name] = []
        if type(root) is name_type:
            stack: list[ast.AST] = [root]
        else:
            stack = list(children(root))  # a root is entered even when it is a def itself
        while stack:
            node = stack.pop()
            kind = type(node)
            if kind is name_type:
                read: ast.Name = node  # type: ignore[assignment]
                name = read.id
                if type(read.ctx) is load and name not in untracked and (bound is None or name in bound):
                    out.append(read)
            elif kind not in skipped:
                stack.extend(children(node))
        return out

    def assign(self, node: ast.AST, state: State) -> State:
        bound = self.bind(node)
        if not bound:
            return state
        return {**state, **{name: tuple(values) for name, values in bound.items()}}

    def narrowed(self, test: ast.expr, state: State) -> State:
        """The state in the branch `test` guards: a name the test proves an instance of something
        is bound to that (only a name already bound here, so a parameter stays a parameter)."""
        proved = self.narrow(test) if self.narrow is not None else {}
        kept = {name: tuple(values) for name, values in proved.items() if name in state and name not in self.untracked}
        return {**state, **kept} if kept else state

    def note(self, state: State | None) -> None:
        """An exception raised here lands in every enclosing `except` with this state."""
        if state is not None:
            for observed in self.tries:
                observed.append(state)

    # -- statements --------------------------------------------------------------------------
    def block(self, body: Iterable[ast.stmt], state: State | None) -> State | None:
        tries = self.tries
        for stmt in body:
            if state is None:
                return None  # unreachable: its reads fall back to every binding
            for observed in tries:  # `note`, inline: an exception raised here lands there
                observed.append(state)
            state = self.stmt(stmt, state)
        self.note(state)
        return state

    def stmt(self, stmt: ast.stmt, state: State) -> State | None:
        kind = type(stmt)
        if kind not in _NOT_SIMPLE:
            self.read((stmt,), state)  # every part of a simple statement: the names under it
            return None if kind is ast.Return or kind is ast.Raise else self.assign(stmt, state)
        if isinstance(stmt, ast.If):
            self.read([stmt.test], state)
            return _merge(self.block(stmt.body, self.narrowed(stmt.test, state)), self.block(stmt.orelse, state))
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            return self.loop(stmt, state)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            self.read([item.context_expr for item in stmt.items], state)
            return self.block(stmt.body, self.assign(stmt, state))
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            return self.try_(stmt, state)
        if isinstance(stmt, ast.Match):
            return self.match(stmt, state)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # Decorators, defaults and bases run here; the body runs later (its reads fall back).
            self.read(_definition_parts(stmt), state)
            return self.assign(stmt, state)
        if isinstance(stmt, (ast.Break, ast.Continue)):
            if not self.loops:
                raise _GiveUp
            jumps = self.loops[-1].breaks if isinstance(stmt, ast.Break) else self.loops[-1].continues
            jumps.append(state)
            return None
        raise AssertionError(f"not a compound statement: {kind.__name__}")  # _NOT_SIMPLE lists only those above

    def loop(self, stmt: ast.For | ast.AsyncFor | ast.While, state: State) -> State | None:
        is_for = not isinstance(stmt, ast.While)
        if is_for:
            self.read([stmt.iter], state)  # type: ignore[union-attr]
        head: State = state
        while True:
            self.passes += 1
            if self.passes > _MAX_PASSES:
                raise _GiveUp
            frame = _Loop()
            self.loops.append(frame)
            if isinstance(stmt, ast.While):
                self.read([stmt.test], head)
            out = self.block(stmt.body, self.assign(stmt, head) if is_for else head)
            self.loops.pop()
            new_head = _merge(head, out, *frame.continues)
            assert new_head is not None  # `head` is live
            if _same(new_head, head):
                break
            head = new_head
        return _merge(self.block(stmt.orelse, head), *frame.breaks)

    def try_(self, stmt: ast.stmt, state: State) -> State | None:
        observed: list[State] = []
        self.tries.append(observed)
        body_out = self.block(stmt.body, state)  # type: ignore[attr-defined]
        self.tries.pop()
        raised = _merge(state, *observed)
        outs = [self.block(stmt.orelse, body_out)]  # type: ignore[attr-defined]
        for handler in stmt.handlers:  # type: ignore[attr-defined]
            if raised is None:
                break
            self.read([handler.type], raised)
            outs.append(self.block(handler.body, self.assign(handler, raised)))
        finalbody: list[ast.stmt] = stmt.finalbody  # type: ignore[attr-defined]
        if not finalbody:
            return _merge(*outs)
        # The finally block also runs on the way out of a return or an unhandled exception.
        entry = _merge(*outs, raised)
        self.block(finalbody, entry)
        normal = _merge(*outs)
        return self.block(finalbody, normal) if normal is not None else None

    def match(self, stmt: ast.Match, state: State) -> State | None:
        self.read([stmt.subject], state)
        outs: list[State | None] = [state]  # no case matched
        for case in stmt.cases:
            self.read([case.guard], state)
            outs.append(self.block(case.body, state))
        return _merge(*outs)


def _definition_parts(stmt: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[ast.AST]:
    parts: list[ast.AST] = list(stmt.decorator_list)
    if isinstance(stmt, ast.ClassDef):
        parts.extend(stmt.bases)
        parts.extend(k.value for k in stmt.keywords)
    else:
        parts.extend(stmt.args.defaults)
        parts.extend(d for d in stmt.args.kw_defaults if d is not None)
    return parts

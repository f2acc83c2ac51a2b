"""Turn the linked index into the solver's plain graph, classifying every function.

Classification comes from the registration table (`rules/registration.toml`): a function
registered as a view or hook is forced async; a URL preprocessor, template filter, property,
dunder, CLI command or app factory is a barrier that async cannot cross.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Generic, TypeVar

from quartify.analysis import decorator_package, graph_scan
from quartify.analysis.classify import DISTINCTIVE, Classified, classify, untyped
from quartify.analysis.classify import (
    decorator_call_registration as _decorator_call_registration,
)
from quartify.analysis.classify import registration_kind as _registration_kind
from quartify.analysis.graph_memo import BodyMemo, ModuleBody, World
from quartify.analysis.graph_scan import ModuleFacts, Scans
from quartify.analysis.index import PARAM_PREFIX
from quartify.analysis.link import UNKNOWN, Linker, tokens
from quartify.analysis.model import CTX_OK, FunctionInfo, ModuleIndex, Use
from quartify.analysis.solver import Edge, Graph, Seed
from quartify.analysis.view_registry import CALLS as REGISTRY_CALLS
from quartify.analysis.view_registry import registry_call
from quartify.core.types import Span
from quartify.rules import loader
from quartify.rules.loader import AwaitKind

_T = TypeVar("_T")

# Calls that read a function's metadata only: passing a function to them is no value use.
_METADATA_ONLY = frozenset({"functools.wraps", "functools.update_wrapper"})
# Where a registering call takes the function: keyword name, or positional index.
_CALL_ARG = {"add_url_rule": ("view_func", "#2"), "register_error_handler": ("f", "#1")}

BARRIER_WHY = graph_scan.BARRIER_WHY
is_test_module = graph_scan.is_test_module  # where planners and the pipeline have asked for it


@dataclass
class RepoGraph:
    graph: Graph
    kinds: dict[str, Classified]
    barriers: dict[str, str]  # node -> human reason
    wrappers: dict[str, set[str]]  # decorator qualname -> its wrapper functions
    wrapper_params: dict[str, set[str]]  # wrapper qualname -> "@param:..." refs it calls
    value_uses: dict[str, str]  # function -> what it was passed to
    split_overrides: list[tuple[str, str]]  # (test double's method, shipped method it overrides)
    # Decorators also applied to things quartify cannot see (`auth(view)` with `view` a loop
    # variable): their wrappers await the wrapped call only when it returns an awaitable.
    uncertain_decorators: frozenset[str] = frozenset()
    # decorator qualname -> the functions it is applied to (`@deco`, `deco(f)`): when one of them
    # stays sync (a barrier), the decorator's wrappers await the wrapped call only when needed.
    applications: dict[str, frozenset[str]] = field(default_factory=dict)
    # decorator qualname -> the defs written under `@decorator` (their name is the wrapper's)
    decorated: dict[str, frozenset[str]] = field(default_factory=dict)


def build(linker: Linker, memo: BodyMemo | None = None) -> RepoGraph:
    """The repo's graph. `memo`: what function bodies gave a run whose answers this linker
    adopted (analysis/graph_memo.py); the same graph, with less work after an edit (each module's
    share of the whole-repo passes is kept there too, analysis/graph_scan.py)."""
    # Pure answers asked once per string (the same callee and receiver recur across the repo).
    resolve = linker.resolve
    registration_kind = _Memo(lambda resolved: _registration_kind(linker, resolved))
    # by the written callee (its receiver is what that resolves to)
    call_registration = _Memo(lambda written: _decorator_call_registration(
        linker, written, resolve(written) if written != "?" else UNKNOWN))
    functions = linker.functions

    def may_register(use: Use) -> bool:
        """Whether the registration loop below can do anything with `use` (else it passes over
        it): a call whose value a view or hook registration takes, or a name or attribute naming
        a repo function. Reads the use and the linker's answers only."""
        if use.kind == "call":
            arg_of = use.arg_of
            if not arg_of or arg_of == "?":
                return False
            registering = registration_kind(resolve(arg_of))
            if registering is None:
                called = call_registration(arg_of)
                if called is not None:
                    registering = called[0]
            return registering in ("view", "hook")
        if use.kind not in ("name", "attr") or use.arg_of is None and use.kind == "attr":
            return False
        return resolve(use.ref) in functions

    modules = list(linker.modules.values())
    facts = _module_facts(linker, modules, memo.scans if memo is not None else None, may_register)
    # None: each function of each module is the linker's (no qualname is defined twice)
    located = None if len(functions) == sum(len(f.names) for f in facts) else graph_scan.by_function(
        linker, modules, facts)

    kinds: dict[str, Classified]
    if located is None:
        kinds = dict(sorted(zip(chain.from_iterable(f.names for f in facts),
                                chain.from_iterable(f.kinds for f in facts)), key=itemgetter(0)))
    else:
        kinds = {}
        for qualname in sorted(functions):
            at = located.get(qualname)
            kinds[qualname] = at[3].kinds[at[2]] if at is not None else classify(linker, functions[qualname])

    package = _package(linker, modules, facts, located)
    wrappers, wrapper_params = _decorator_families(package, modules, facts, located)
    applications: dict[str, set[str]] = {}
    decorated: dict[str, set[str]] = {}
    # `deco(f)` spelled as a call: `f` keeps its own name, so only the wrapper must follow it
    # (an edge wrapper -> f below), not f the wrapper (a group would turn f async whenever the
    # wrapper is, say because it is a view, and with it every sync caller of f).
    called_only: dict[str, set[str]] = {}
    value_uses: dict[str, str] = {}
    changed: set[str] = set()  # functions classified here otherwise than by their own module's facts

    over_opaque: set[str] = set()  # wrappers stacked above a decorator quartify cannot see into
    for qualname, resolved_decorators in _decorators(modules, facts, located):
        for k, resolved in enumerate(resolved_decorators):
            # `package.applied(linker, dec) or linker.resolve(dec.ref)`
            target = (package.made or resolved) if resolved == decorator_package.MADE else resolved
            if target in wrappers:
                applications.setdefault(target, set()).add(qualname)
                decorated.setdefault(target, set()).add(qualname)
                if any(_opaque(linker, below, registration_kind) for below in resolved_decorators[k + 1 :]):
                    over_opaque.add(target)

    for cls in sorted(linker.classes.values(), key=lambda c: c.qualname):
        for ref in cls.decorator_refs:
            target = linker.resolve(ref)
            if target in wrappers:
                for method in cls.methods:
                    name = f"{cls.qualname}.{method}"
                    if name in kinds and kinds[name].kind == "view":
                        applications.setdefault(target, set()).add(name)

    decorator_spans: set[Span] | None = None  # asked for rarely: built on first need
    decorator_of = _Memo(lambda resolved: _decorator_of(linker, resolved, wrappers))
    relevant: list[tuple[str | None, Use]] = []  # the uses `may_register` keeps, in the repo's order
    for module, found in zip(modules, facts):
        for i, j in found.registering:
            owner = None if i == graph_scan.MODULE else found.names[i]
            relevant.append((owner, graph_scan.owner_uses(module, i)[j]))

    for _owner, use in relevant:
        use_kind, arg_of = use.kind, use.arg_of
        if use_kind == "call":
            if not arg_of or arg_of == "?":
                continue
            # `add_url_rule(..., view_func=require_key("k")(echo))`: the view Flask gets is the
            # decorator's wrapper, so the wrapper is the view.
            registering = registration_kind(resolve(arg_of))
            called = call_registration(arg_of)
            if registering is None and called is not None:
                registering = called[0]  # `app.route("/")(login_required(view))`
            applied = decorator_of(resolve(use.ref))
            if registering in ("view", "hook") and applied is not None:
                for wrapper in sorted(wrappers[applied]):
                    if kinds[wrapper].kind in ("plain", "dunder"):
                        kinds[wrapper] = Classified(registering, use.span.line, f"{tokens(arg_of)[-1]}()")
                        changed.add(wrapper)
            continue
        if use_kind not in ("name", "attr") or arg_of is None and use_kind == "attr":
            continue
        target = resolve(use.ref)
        if target not in functions:
            continue
        receiver = resolve(arg_of) if arg_of and arg_of != "?" else UNKNOWN
        kind = registration_kind(receiver) if receiver != UNKNOWN else None
        if kind is None and use.arg_of and use.arg_of != "?" and untyped(receiver):
            method = use.arg_of.rsplit(".", 1)[-1]
            if method in DISTINCTIVE:
                kind = loader.registration().methods[method]
        called = call_registration(arg_of) if arg_of else None
        if kind is None and called is not None and use.arg_key == "#0":
            # `app.errorhandler(404)(render_error)`: the decorator spelled as a call registers
            # its argument exactly as `@app.errorhandler(404)` would.
            kind, method = called
            if kinds[target].kind in ("plain", "dunder"):
                kinds[target] = Classified(kind, use.span.line, f"{method}()()")
                changed.add(target)
            continue
        if kind is not None:
            method = tokens(use.arg_of or receiver)[-1]
            key, pos = _CALL_ARG.get(method, ("f", "#0"))
            if use.arg_key in (key, pos):
                if kinds[target].kind in ("plain", "dunder"):
                    kinds[target] = Classified(kind, use.span.line, f"{method}()")
                    changed.add(target)
                continue
        decorator = decorator_of(receiver)
        if decorator is not None:
            applications.setdefault(decorator, set()).add(target)
            called_only.setdefault(decorator, set()).add(target)
            continue
        if use.arg_of and use.arg_of.endswith(".setattr"):
            continue  # a monkeypatched fake shares the colour of what it replaces (below)
        if use.ref.startswith(PARAM_PREFIX):
            # A parameter typed by its one call site (`admins_only(handler)` types `f`): passing
            # it on (`functools.wraps(f)`) says nothing about where the function itself goes.
            continue
        if receiver in _METADATA_ONLY:
            continue  # `functools.wraps(view)` copies the name, it never calls or keeps `view`
        if receiver in decorator_package.DECORATOR | decorator_package.DECORATE:
            continue  # `decorator(caller)`, `decorate(view, caller)`: the families above
        if use.arg_of is None and use.kind == "name" and target in wrappers.get(target, ()):
            if decorator_spans is None:
                decorator_spans = {d.span for f in linker.functions.values() for d in f.decorators}
            if use.span in decorator_spans:
                continue  # `@stamped` applying a `decorator`-package caller: an application (above), not a value
        if use.arg_of is None and use.kind == "name":
            func = linker.functions[target]
            parent = linker.functions.get(func.parent) if func.parent else None
            if parent is not None and func.name in parent.returned_names:
                continue  # a decorator returning its wrapper
            value_uses.setdefault(target, "a variable or container")
        elif use.arg_of is not None and _returned_through_calls(linker, _owner, target, use):
            continue  # `return arguments(schema)(response(200)(wrapper))`: still the decorator's wrapper
        elif use.arg_of is not None:
            value_uses.setdefault(target, f"{use.arg_of.rsplit('.', 1)[-1]}()" if use.arg_of != "?" else "a call")

    streamed = _streamed_generators(linker, modules, facts, located)
    for qualname, line in streamed.items():
        if kinds[qualname].kind == "plain":
            kinds[qualname] = Classified("stream", line, "stream_with_context")
            changed.add(qualname)

    barriers, seeds = _seeds_and_barriers(linker, facts, located, kinds, value_uses, changed)
    if memo is not None:  # kept by module only while no qualname is defined twice (graph_memo.py)
        memo.under(_world(linker, facts, located, wrappers), modules if located is None else ())
    use_seeds, registry_seeds, edges = _body_uses(linker, kinds, wrappers, memo, whole=located is None)
    seeds.extend(use_seeds)
    seeds.extend(registry_seeds)

    groups: list[frozenset[str]] = []
    for decorator_name, family in sorted(wrappers.items()):
        rebound = applications.get(decorator_name, set()) - _called_only(decorator_name, called_only, decorated)
        if rebound:
            groups.append(frozenset(set(family) | rebound))
        for target in sorted(called_only.get(decorator_name, set()) - rebound):
            edges.extend(Edge(w, target, _param_call_line(linker, w, wrapper_params)) for w in sorted(family))
    split_overrides: list[tuple[str, str]] = []
    groups.extend(_override_groups(linker, modules, facts, split_overrides))
    groups.extend(_patch_groups(modules, facts, located))

    graph = Graph(
        nodes=frozenset(linker.functions),
        edges=tuple(edges),
        seeds=tuple(seeds),
        barriers=barriers,
        groups=tuple(groups),
        # the linker's functions are the modules' in order, the last of a qualname defined twice
        def_lines=dict(zip(chain.from_iterable(f.names for f in facts), chain.from_iterable(f.lines for f in facts))),
    )
    uncertain = _uncertain_decorators(linker, modules, facts, wrappers, wrapper_params, package) | over_opaque
    return RepoGraph(
        graph, kinds, barriers, wrappers, wrapper_params, value_uses, sorted(set(split_overrides)), uncertain,
        {d: frozenset(members) for d, members in applications.items()},
        {d: frozenset(members) for d, members in decorated.items()},
    )



def _seeds_and_barriers(
    linker: Linker, facts: list[ModuleFacts], located: Located | None,
    kinds: dict[str, Classified], value_uses: dict[str, str], changed: set[str],
) -> tuple[dict[str, str], list[Seed]]:
    """Forced seeds (views, hooks, streamed generators, defs already async, form validators)
    and barriers (functions async cannot cross), each with the reason a person reads
    (`graph_scan.mark`), in function order. Each module's facts hold them for its functions under
    their own classification and passed as no value; those classified otherwise here (`changed`)
    or passed as a value are marked again, and so is every function when a qualname is defined
    twice (`located` is not None)."""
    functions = linker.functions
    again = set(functions) if located is not None else changed | value_uses.keys()
    seeds: list[Seed] = []
    barred: list[tuple[str, str]] = []
    for found in facts if located is None else ():
        names = found.names
        if again.isdisjoint(names):
            seeds.extend(found.forced)
            barred.extend((names[i], why) for i, why in found.barred)
        else:
            seeds.extend(seed for seed in found.forced if seed.node not in again)
            barred.extend((names[i], why) for i, why in found.barred if names[i] not in again)
    unlocated = () if located is None else [q for q in functions if q not in located]
    for qualname in again:
        func = functions[qualname]
        special = graph_scan.is_special(func) or qualname in unlocated
        marked = graph_scan.mark(linker, func, kinds[qualname], special, value_uses.get(qualname))
        if isinstance(marked, Seed):
            seeds.append(marked)
        elif marked is not None:
            barred.append((qualname, marked))
    seeds.sort(key=attrgetter("node"))  # one forced seed per function at most
    barred.sort()
    # Quart-WTF's `validate_on_submit` awaits `self.validate()`: a form's own `validate` (or
    # `validate_on_submit`) override must be a coroutine function, even when it awaits nothing.
    # Looked for among the functions so named (`form_methods`), in the linker's order.
    named = ([(found.names[i], functions[found.names[i]]) for found in facts for i in found.form_methods]
             if located is None else functions.items())
    for qualname, func in named:
        if (func.name in FORM_ASYNC_METHODS and func.class_qualname and linker.applies(FLASK_FORM)
                and linker.inherits(func.class_qualname, FLASK_FORM)):
            seeds.append(Seed(qualname, func.span.line, f"overrides {FLASK_FORM}.{func.name} (async in Quart-WTF)", forced=True))
    return dict(barred), seeds


def _called_only(decorator: str, called_only: dict[str, set[str]], decorated: dict[str, set[str]]) -> set[str]:
    """The functions `decorator` is applied to only by a call (`deco(f)`), never as `@deco`."""
    return called_only.get(decorator, set()) - decorated.get(decorator, set())


def _param_call_line(linker: Linker, wrapper: str, wrapper_params: dict[str, set[str]]) -> int:
    """Where `wrapper` calls the function it wraps (its def line if no such call is indexed)."""
    func = linker.functions[wrapper]
    refs = wrapper_params.get(wrapper, set())
    return next((u.span.line for u in func.uses if u.kind == "call" and u.ref in refs), func.span.line)


def _world(linker: Linker, facts: list[ModuleFacts], located: Located | None, wrappers: dict[str, set[str]]) -> World:
    """The repo-wide facts body facts depend on (graph_memo.py), from the modules' facts when
    each function of each module is the linker's."""
    functions = linker.functions
    if located is None:
        async_defs = frozenset(chain.from_iterable(map(f.names.__getitem__, f.async_defs) for f in facts))
        generators = frozenset(chain.from_iterable(map(f.names.__getitem__, f.generators) for f in facts))
    else:
        async_defs = frozenset(q for q, f in functions.items() if f.is_async)
        generators = frozenset(q for q, f in functions.items() if f.is_generator)
    return World(async_defs, generators, tuple(sorted((d, frozenset(w)) for d, w in wrappers.items())),
                 tuple(sorted(linker.extra_awaitables.items())), linker.applies(FLASK_FORM))


def _body_uses(
    linker: Linker, kinds: dict[str, Classified], wrappers: dict[str, set[str]],
    memo: BodyMemo | None = None, whole: bool = False,
) -> tuple[list[Seed], list[Seed], list[Edge]]:
    """What every use in a function body says, in one pass over the repo's functions (sorted):
    the functions that use a Quart awaitable (or build a Quart-WTF form) and must become async;
    those calling a view out of `app.view_functions`, which gets a coroutine once views are async
    (analysis/view_registry.py decides when it can be awaited); and the caller -> callee edges
    colour can climb along. Returned in that order, each list in function order. With `memo`
    (a run whose linker adopted the last run's answers, analysis/graph_memo.py, started `under`
    this run's repo-wide facts), a module seen by the last run under the same facts gives what
    it gave then; `whole`: each function of each module is the linker's, else nothing is kept."""
    functions = linker.functions
    modules = linker.modules.values()
    forms = linker.applies(FLASK_FORM)
    kept: list[tuple[ModuleIndex, ModuleBody]] = []
    fresh: list[ModuleIndex] = []
    todo: list[tuple[str, FunctionInfo]] = []  # the functions worked out now
    for module in modules if whole else ():
        known = memo.get(module) if memo is not None else None
        if known is None:
            fresh.append(module)
            todo.extend((f.qualname, f) for f in module.functions)
        else:
            kept.append((module, known))
            todo.extend((module.functions[i].qualname, module.functions[i]) for i in known[2])
    if whole:
        todo.sort(key=itemgetter(0))
    else:
        todo = [(q, functions[q]) for q in sorted(functions)]
    # reference -> (what it resolves to, the Quart awaitable it stands for), asked once
    ask = _Memo(lambda ref: (linker.resolve(ref), quart_awaitable(linker, ref)))
    is_form = _Memo(lambda resolved: linker.inherits(resolved, FLASK_FORM))
    worked = {q: _function_body(linker, kinds, wrappers, forms, func, ask, is_form) for q, func in todo}
    use_seeds = [s for found in worked.values() for s in found[0]]
    registry_seeds = [s for found in worked.values() for s in found[1] or ()]
    edges = [e for found in worked.values() for e in found[2]]
    if kept:  # the kept shares and the functions worked out, in function order (a stable sort)
        use_seeds = sorted(chain(use_seeds, *(body[0] for _m, body in kept)), key=attrgetter("node"))
        edges = sorted(chain(edges, *(body[1] for _m, body in kept)), key=attrgetter("caller"))
    if memo is not None:
        shares = {id(m): (m, body) for m, body in kept}
        for module in fresh:
            found = [worked[f.qualname] for f in module.functions]
            shares[id(module)] = (module, (
                tuple(s for seeds, registry, _e in found if registry is None for s in seeds),
                tuple(e for _s, registry, edges in found if registry is None for e in edges),
                tuple(i for i, (_s, registry, _e) in enumerate(found) if registry is not None)))
        memo.keep(shares)
    return use_seeds, registry_seeds, edges


def _function_body(
    linker: Linker, kinds: dict[str, Classified], wrappers: dict[str, set[str]], forms: bool, func: FunctionInfo,
    ask: _Memo[tuple[str, loader.Awaitable | None]], is_form: _Memo[bool],
) -> tuple[list[Seed], list[Seed] | None, list[Edge]]:
    """What one function's uses say: its use seeds, its registry seeds (None when it calls no
    view registry: a function that does reads the repo's classification, never kept) and edges."""
    qualname, functions = func.qualname, linker.functions
    use_seeds: list[Seed] = []
    edges: list[Edge] = []
    calls: list[Use] = []
    for use in func.uses:
        resolved, awaitable = ask(use.ref)
        call = use.kind == "call"
        if call and forms and is_form(resolved):
            use_seeds.append(Seed(qualname, use.span.line, f"creates a {FLASK_FORM} ({use.text}.create_form is awaited)"))
            seeded = True
        elif awaitable is not None and _needs_async(awaitable.kind, use):
            text = use.text or resolved
            use_seeds.append(Seed(qualname, use.span.line, f"uses {text}()" if call else f"uses {text}"))
            seeded = True
        else:
            seeded = False
        if not call:
            continue  # neither a registry call nor an edge
        if resolved in REGISTRY_CALLS:
            calls.append(use)
        if seeded:
            continue  # a seed, not an edge
        callee = functions.get(resolved)
        if (
            callee is not None
            and not callee.is_generator
            and not callee.is_async
            and not hands_coroutine_over(linker, use)
            and resolved not in wrappers.get(resolved, ())  # `stamped(view)` decorates, runs nothing
        ):
            # A function that was async before the migration colours nobody: its callers
            # already await it or hand its coroutine on (`gather(*[close(c) for c in cs])`).
            # Calling a generator runs none of its body: an async generator's caller
            # needs no await, so colour does not climb out of generators.
            edges.append(Edge(qualname, resolved, use.span.line, CTX_OK if use.checked else use.ctx))
    if not calls:
        return use_seeds, None, edges
    # Once every use of the function is resolved (a registry call reads its other uses).
    is_view = lambda q: q in kinds and kinds[q].kind == "view"
    registry_seeds = []
    for use in calls:
        found = registry_call(linker, func, use, is_view)
        if found is not None and not found.reason:
            registry_seeds.append(Seed(qualname, use.span.line, f"calls the view {', '.join(found.endpoints)} "
                                       "from app.view_functions (a coroutine function in Quart)"))
    return use_seeds, registry_seeds, edges


FLASK_FORM = "flask_wtf.FlaskForm"
STREAM_WITH_CONTEXT = graph_scan.STREAM_WITH_CONTEXT
FORM_ASYNC_METHODS = graph_scan.FORM_ASYNC_METHODS  # coroutine methods of QuartForm
# Calls that take a coroutine object and run it: the call inside them is not awaited, and
# the caller does not need to be async (`asyncio.run(main())` in a sync CLI command).
COROUTINE_CONSUMERS = frozenset(
    {"asyncio.run", "asyncio.create_task", "asyncio.ensure_future", "asyncio.gather", "asyncio.wait_for",
     "asyncio.shield", "asyncio.run_coroutine_threadsafe"}
)

_POOL_SUBMIT = "concurrent.futures.ThreadPoolExecutor().submit"




def quart_awaitable(linker: Linker, ref: str) -> loader.Awaitable | None:
    """The Quart awaitable `ref` stands for (quart_api.toml); for a local bound several ways
    (`for method in (client.get, client.post)`), the one kind every way agrees on."""
    api = loader.quart_api()
    found = {api.awaitables.get(alt) or linker.extra_awaitables.get(alt)
             for alt in linker.alternatives(ref) if linker.applies(alt)}
    if len(found) > 1 and None not in found and len({a.kind for a in found if a is not None}) == 1:
        return min(found, key=lambda a: str(a))
    return found.pop() if len(found) == 1 else None


class _Memo(Generic[_T]):
    """A pure question about a string, answered once per string within one `build`."""

    def __init__(self, answer: Callable[[str], _T]) -> None:
        self.answer = answer
        self.known: dict[str, _T] = {}

    def __call__(self, key: str) -> _T:
        try:
            return self.known[key]
        except KeyError:
            found = self.known[key] = self.answer(key)
            return found


def hands_coroutine_over(linker: Linker, use: Use) -> bool:
    if not use.arg_of or use.arg_of == "?":
        return False
    target = linker.resolve(use.arg_of)
    if target == _POOL_SUBMIT and use.arg_key != "#0":
        return True  # `ThreadPoolExecutor(1).submit(asyncio.run, setup(app))` (planners/factory_bridge.py)
    return target in COROUTINE_CONSUMERS or target.endswith(".run_until_complete")


def _module_facts(
    linker: Linker, modules: list[ModuleIndex], scans: Scans | None, may_register: Callable[[Use], bool]
) -> list[ModuleFacts]:
    """Each module's share of the passes: kept ones where `scans` has them, the rest scanned."""
    if scans is None:
        return graph_scan.scan(linker, modules, may_register)
    scans.turn()
    known = [scans.get(m) for m in modules]
    missing = [m for m, f in zip(modules, known) if f is None]
    fresh = iter(graph_scan.scan(linker, missing, may_register))
    out = []
    for module, found in zip(modules, known):
        if found is None:
            found = next(fresh)
            scans.put(module, found)
        out.append(found)
    return out


Located = dict[str, tuple[FunctionInfo, ModuleIndex, int, ModuleFacts]]


def _own(located: Located | None, module: ModuleIndex, found: ModuleFacts, i: int) -> bool:
    """Whether the function at position `i` of `module` is the linker's: always when `located` is
    None (no qualname defined twice), else when no later definition took its qualname."""
    if located is None:
        return True
    at = located.get(found.names[i])
    return at is not None and at[2] == i and at[1] is module


def _package(
    linker: Linker, modules: list[ModuleIndex], facts: list[ModuleFacts], located: Located | None
) -> decorator_package.Callers:
    """`decorator_package.find`, from the modules' facts (functions in qualname order)."""
    per_function = []
    for module, found in zip(modules, facts):
        for i, decorated, callers in found.package:
            if _own(located, module, found, i):
                per_function.append((found.names[i], decorated, callers))
    per_function.sort(key=lambda entry: entry[0])
    return decorator_package.gather(linker, per_function, (c for found in facts for c in found.made))


def _decorators(
    modules: list[ModuleIndex], facts: list[ModuleFacts], located: Located | None
) -> list[tuple[str, tuple[str, ...]]]:
    """What each decorated function's decorators resolve to, in qualname order."""
    out = []
    for module, found in zip(modules, facts):
        for i, resolved in found.decorators:
            if _own(located, module, found, i):
                out.append((found.names[i], resolved))
    out.sort(key=lambda entry: entry[0])
    return out


def _streamed_generators(
    linker: Linker, modules: list[ModuleIndex], facts: list[ModuleFacts], located: Located | None
) -> dict[str, int]:
    """Generator functions handed to `stream_with_context`, which in Quart takes only an
    async generator function: `stream_with_context(gen())`, `(gen)` and `@stream_with_context`."""
    found: dict[str, int] = {}
    for module_facts in facts:
        for target, line in module_facts.streamed:
            found.setdefault(target, line)
    for module, module_facts in zip(modules, facts):
        for i in module_facts.streamed_defs:
            if _own(located, module, module_facts, i):
                found.setdefault(module_facts.names[i], module_facts.lines[i])
    return found


def _needs_async(kind: AwaitKind, use: Use) -> bool:
    if kind in (AwaitKind.PROPERTY, AwaitKind.AS_TEXT):
        return use.kind == "attr"
    if kind == AwaitKind.CONTEXT:
        return use.kind == "call" and use.with_item
    if kind == AwaitKind.CONTEXT_VALUE:
        return use.kind in ("name", "attr") and use.with_item
    if kind == AwaitKind.OFFLOAD:
        return False  # a sync call; only moved to a thread when its caller is async anyway
    return use.kind == "call"


def _returned_through_calls(linker: Linker, owner: str | None, target: str, use: Use) -> bool:
    """`wrapper` handed to other decorators inside its enclosing def's `return` statement
    (`return arguments(schema)(response(200)(wrapper))`): the decorator still returns it, wrapped."""
    func = linker.functions[target]
    if owner is None or func.parent != owner:
        return False
    return any(_inside(use.span, ret) for ret in linker.functions[owner].value_returns)


def _inside(inner: Span, outer: Span) -> bool:
    return (inner.line, inner.col) >= (outer.line, outer.col) and (inner.end_line, inner.end_col) <= (
        outer.end_line, outer.end_col)


def _decorator_families(
    package: decorator_package.Callers, modules: list[ModuleIndex], facts: list[ModuleFacts], located: Located | None
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """A decorator's wrappers: nested defs that call a parameter of an enclosing def, and
    `decorator`-package callers, which call their first parameter (the decorated function)."""
    wrappers: dict[str, set[str]] = {}
    wrapper_params: dict[str, set[str]] = {}
    for family, caller in package.families.items():
        wrappers.setdefault(family, set()).add(caller)
        wrapper_params.setdefault(caller, set()).update(package.calls[caller])
    calls = []
    for module, found in zip(modules, facts):
        for i, top, ref in found.param_calls:
            if _own(located, module, found, i):
                calls.append((found.names[i], top, ref))
    calls.sort(key=lambda entry: entry[0])  # stable: each function's calls stay in use order
    for qualname, top, ref in calls:
        wrappers.setdefault(top, set()).add(qualname)
        wrapper_params.setdefault(qualname, set()).add(ref)
    return wrappers, wrapper_params


def _override_groups(linker: Linker, modules: list[ModuleIndex], facts: list[ModuleFacts],
                     split: list[tuple[str, str]]) -> list[frozenset[str]]:
    """Each method's overrides that share a colour, in class order (test doubles' pairs go to
    `split`): from the modules' facts, or worked out again when a class qualname is defined twice."""
    if len(linker.classes) != sum(len(m.classes) for m in modules):
        groups: list[frozenset[str]] = []
        for cls in sorted(linker.classes.values(), key=lambda c: c.qualname):
            groups.extend(graph_scan.override_groups(linker, cls, split))
        return groups
    for found in facts:
        split.extend(found.split_overrides)
    by_class = sorted(chain.from_iterable(found.overrides for found in facts), key=itemgetter(0))
    return [members for _cls, members in by_class]


def _decorator_of(linker: Linker, resolved: str, wrappers: dict[str, set[str]]) -> str | None:
    """The decorator family a callee belongs to: the decorator itself, or the function a
    decorator factory returns (`require_key("k")` resolves to the factory's inner def)."""
    current: str | None = resolved
    while current is not None and current in linker.functions:
        if current in wrappers:
            return current
        current = linker.functions[current].parent
    return None


def _patch_groups(modules: list[ModuleIndex], facts: list[ModuleFacts], located: Located | None) -> list[frozenset[str]]:
    """`monkeypatch.setattr("pkg.db.init_db", fake)`: when init_db turns async, so must fake (in
    the order of the functions that patch)."""
    found = [(f.names[i], pair) for m, f in zip(modules, facts) for i, pair in f.patches if _own(located, m, f, i)]
    found.sort(key=itemgetter(0))
    return [pair for _qualname, pair in found]


def _opaque(linker: Linker, resolved: str, registration_kind: Callable[[str], object]) -> bool:
    """Whether a decorator below another hands it something quartify cannot colour: not a repo
    function (whose wrapper follows the view), not a registration (`@bp.route` returns the view
    itself), but a library's wrapper (`@auth.login_required`) or an unresolved name. Such a
    wrapper may stay sync under Quart (Flask-HTTPAuth's runs the view to completion and returns
    its value), so the repo decorator above must await its callee only when it is awaitable."""
    if resolved == decorator_package.MADE or resolved in linker.functions:
        return False
    return registration_kind(resolved) is None


def _uncertain_decorators(
    linker: Linker,
    modules: list[ModuleIndex],
    facts: list[ModuleFacts],
    wrappers: dict[str, set[str]],
    wrapper_params: dict[str, set[str]],
    package: decorator_package.Callers,
) -> frozenset[str]:
    """Decorators called on a value that is not a function quartify knows (`auth(view)` in a
    registration loop): whatever they wrap may stay sync."""
    # The def that receives the wrapped function: the decorator itself, or for a factory
    # (`require_key("k")`) the decorator it returns.
    receivers: dict[str, str] = {family: family for family in package.families}
    for wrapper, refs in wrapper_params.items():
        top = _decorator_of(linker, wrapper, wrappers)
        for ref in refs:
            if top is not None:
                receivers[ref[len(PARAM_PREFIX) :].rpartition(":")[0]] = top
    # Every receiver is a repo function, so the calls of anything else cannot matter
    # (`ModuleFacts.calls` holds the calls of repo functions only).
    applied: dict[str, list[Use]] = {}
    for module, found in zip(modules, facts):
        for resolved, i, j in found.calls:
            target = receivers.get(resolved)
            if target is not None:
                applied.setdefault(target, []).append(graph_scan.owner_uses(module, i)[j])
    if not applied:
        return frozenset()
    known = {site for found in facts for site in found.passed}
    uncertain = set()
    for decorator, calls in applied.items():
        if any((call.ref, call.span.line) not in known for call in calls):
            uncertain.add(decorator)
    return frozenset(uncertain)

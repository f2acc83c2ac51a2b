"""Turn the linked index into the solver's plain graph, classifying every function.

Classification comes from the registration table (`rules/registration.toml`): a function
registered as a view or hook is forced async; a URL preprocessor, template filter, property,
dunder, CLI command or app factory is a barrier that async cannot cross.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from quartify.analysis import decorator_package
from quartify.analysis.graph_memo import BodyFacts, BodyMemo, Scans, World, scan
from quartify.analysis.index import PARAM_PREFIX
from quartify.analysis.link import UNKNOWN, Linker, join, tokens
from quartify.analysis.model import CTX_OK, FunctionInfo, ModuleIndex, Use
from quartify.analysis.solver import Edge, Graph, Seed
from quartify.analysis.unittest_facts import sync_fixture_why
from quartify.analysis.view_registry import CALLS as REGISTRY_CALLS
from quartify.analysis.view_registry import registry_call
from quartify.core.types import Span
from quartify.rules import loader
from quartify.rules.loader import AwaitKind, RegisteredKind

_T = TypeVar("_T")

# Registration method names distinctive enough to trust on a receiver the index cannot type
# (an `app` parameter without annotation). `get`/`post`/... are too common to guess from.
_DISTINCTIVE = frozenset(
    {"route", "add_url_rule", "before_request", "before_app_request", "after_request",
     "after_app_request", "teardown_request", "teardown_app_request", "teardown_appcontext",
     "errorhandler", "app_errorhandler", "register_error_handler", "context_processor",
     "app_context_processor"}
)
# Calls that read a function's metadata only: passing a function to them is no value use.
_METADATA_ONLY = frozenset({"functools.wraps", "functools.update_wrapper"})
_PROPERTY = frozenset({"builtins.property", "functools.cached_property"})
# Where a registering call takes the function: keyword name, or positional index.
_CALL_ARG = {"add_url_rule": ("view_func", "#2"), "register_error_handler": ("f", "#1")}

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


# What a function is to Flask: registered (`RegisteredKind`), a barrier (`BARRIER_WHY`), streamed, or plain.
FunctionKind = Literal[RegisteredKind, "property", "dunder", "factory", "value", "signal", "stream", "plain"]


@dataclass(frozen=True)
class Classified:
    kind: FunctionKind
    line: int
    detail: str


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


def _registration_kind(linker: Linker, resolved: str) -> RegisteredKind | None:
    reg = loader.registration()
    toks = tokens(resolved)
    if len(toks) < 2:
        return None
    method = toks[-1]
    receiver = resolved[: -len(method) - 1]
    kind = reg.methods.get(method)
    if kind is None:
        return None
    if receiver in reg.receivers:
        return kind
    return None


def _decorator_call_registration(
    linker: Linker, arg_of: str | None, receiver: str
) -> tuple[RegisteredKind, str] | None:
    """`app.errorhandler(404)(f)`, `bp.route("/")(f)`: the registering decorator called by hand.
    Returns its kind and method name when the callee is the result of a registration call."""
    if not arg_of or arg_of == "?" or not arg_of.endswith(")"):
        return None
    toks = tokens(receiver)
    if len(toks) >= 3 and toks[-1] == "()":
        kind = _registration_kind(linker, join(toks[:-1]))
        if kind is not None:
            return kind, toks[-2]
    if _untyped(receiver):
        written = tokens(arg_of)
        if len(written) >= 3 and written[-1] == "()" and written[-2] in _DISTINCTIVE:
            return loader.registration().methods[written[-2]], written[-2]
    return None


def _untyped(resolved: str) -> bool:
    """A receiver the index could not type: an unannotated parameter, or unresolvable."""
    return resolved == UNKNOWN or resolved.startswith(PARAM_PREFIX)


def _is_cli(resolved: str) -> bool:
    reg = loader.registration()
    if resolved in reg.cli_decorators:
        return True
    return resolved.endswith(".cli.command") or resolved.endswith(".cli.group")


def classify(linker: Linker, func: FunctionInfo) -> Classified:
    reg = loader.registration()
    for dec in func.decorators:
        resolved = linker.resolve(dec.ref)
        kind = _registration_kind(linker, resolved)
        if kind is None and _untyped(resolved) and dec.called and dec.ref:
            method = dec.ref.rsplit(".", 1)[-1]
            if method in _DISTINCTIVE:
                kind = reg.methods[method]
        if kind is not None:
            return Classified(kind, dec.span.line, f"@{dec.ref.rsplit('.', 1)[-1]}")
        if _is_cli(resolved):
            return Classified("cli", dec.span.line, "click command")
        if resolved in _PROPERTY or resolved.endswith(".setter"):
            return Classified("property", dec.span.line, "property")
        if resolved.startswith(("flask.", "blinker.")) and resolved.rsplit(".", 1)[-1] in ("connect", "connect_via"):
            return Classified("signal", dec.span.line, "signal receiver")
    if func.class_qualname:
        mro = linker.mro(func.class_qualname)
        if func.name in reg.view_methods and any(c in reg.view_classes for c in mro):
            return Classified("view", func.span.line, "class-based view method")
    if func.name.startswith("__") and func.name.endswith("__"):
        return Classified("dunder", func.span.line, func.name)
    if func.makes_app:
        return Classified("factory", func.span.line, "app factory")
    return Classified("plain", func.span.line, "")


def build(linker: Linker, memo: BodyMemo | None = None) -> RepoGraph:
    """The repo's graph. `memo`: what function bodies gave a run whose answers this linker
    adopted (analysis/graph_memo.py); the same graph, with less work after an edit (each pass's
    per-function scan is kept there too, `Scans`)."""
    scans = memo.scans if memo is not None else None
    if scans is not None:
        scans.turn()
    kinds: dict[str, Classified] = {}
    for qualname in sorted(linker.functions):
        func = linker.functions[qualname]
        kinds[qualname] = scan(scans, "classify", func, lambda: classify(linker, func))

    package = decorator_package.find(linker, scans)
    wrappers, wrapper_params = _decorator_families(linker, package, scans)
    applications: dict[str, set[str]] = {}
    decorated: dict[str, set[str]] = {}
    # `deco(f)` spelled as a call: `f` keeps its own name, so only the wrapper must follow it
    # (an edge wrapper -> f below), not f the wrapper (a group would turn f async whenever the
    # wrapper is, say because it is a view, and with it every sync caller of f).
    called_only: dict[str, set[str]] = {}
    value_uses: dict[str, str] = {}

    for qualname in sorted(linker.functions):
        func = linker.functions[qualname]
        if not func.decorators:
            continue
        for resolved in scan(scans, "decorators", func, lambda: tuple(linker.resolve(d.ref) for d in func.decorators)):
            # `package.applied(linker, dec) or linker.resolve(dec.ref)`
            target = (package.made or resolved) if resolved == decorator_package.MADE else resolved
            if target in wrappers:
                applications.setdefault(target, set()).add(qualname)
                decorated.setdefault(target, set()).add(qualname)

    for cls in sorted(linker.classes.values(), key=lambda c: c.qualname):
        for ref in cls.decorator_refs:
            target = linker.resolve(ref)
            if target in wrappers:
                for method in cls.methods:
                    name = f"{cls.qualname}.{method}"
                    if name in kinds and kinds[name].kind == "view":
                        applications.setdefault(target, set()).add(name)

    decorator_spans: set[Span] | None = None  # asked for rarely: built on first need
    owners = _owners(linker)

    # Pure answers asked once per string (the same callee and receiver recur across the repo).
    resolve = linker.resolve
    registration_kind = _Memo(lambda resolved: _registration_kind(linker, resolved))
    decorator_of = _Memo(lambda resolved: _decorator_of(linker, resolved, wrappers))
    # by the written callee (its receiver is what that resolves to)
    call_registration = _Memo(lambda written: _decorator_call_registration(
        linker, written, resolve(written) if written != "?" else UNKNOWN))
    functions = linker.functions

    def may_register(use: Use) -> bool:
        """Whether the loop below can do anything with `use` (else it passes over it): a call
        whose value a view or hook registration takes, or a name or attribute naming a repo
        function. Reads the use and the linker's answers only."""
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

    registering: list[tuple[str | None, Use]] = []  # the uses `may_register` keeps, in the repo's order
    for owner_name, owner, uses in owners:
        kept = scan(scans, "registrations", owner, lambda: tuple(u for u in uses if may_register(u)))
        registering.extend((owner_name, u) for u in kept)
    functions = linker.functions
    for _owner, use in registering:
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
            continue
        if use_kind not in ("name", "attr") or arg_of is None and use_kind == "attr":
            continue
        target = resolve(use.ref)
        if target not in functions:
            continue
        receiver = resolve(arg_of) if arg_of and arg_of != "?" else UNKNOWN
        kind = registration_kind(receiver) if receiver != UNKNOWN else None
        if kind is None and use.arg_of and use.arg_of != "?" and _untyped(receiver):
            method = use.arg_of.rsplit(".", 1)[-1]
            if method in _DISTINCTIVE:
                kind = loader.registration().methods[method]
        called = call_registration(arg_of) if arg_of else None
        if kind is None and called is not None and use.arg_key == "#0":
            # `app.errorhandler(404)(render_error)`: the decorator spelled as a call registers
            # its argument exactly as `@app.errorhandler(404)` would.
            kind, method = called
            if kinds[target].kind in ("plain", "dunder"):
                kinds[target] = Classified(kind, use.span.line, f"{method}()()")
            continue
        if kind is not None:
            method = tokens(use.arg_of or receiver)[-1]
            key, pos = _CALL_ARG.get(method, ("f", "#0"))
            if use.arg_key in (key, pos):
                if kinds[target].kind in ("plain", "dunder"):
                    kinds[target] = Classified(kind, use.span.line, f"{method}()")
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

    streamed = _streamed_generators(linker, owners, scans)
    for qualname, line in streamed.items():
        if kinds[qualname].kind == "plain":
            kinds[qualname] = Classified("stream", line, "stream_with_context")

    barriers, seeds = _seeds_and_barriers(linker, kinds, value_uses)
    use_seeds, registry_seeds, edges = _body_uses(linker, kinds, wrappers, memo)
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
    groups.extend(_override_groups(linker, split_overrides))
    groups.extend(_patch_groups(linker))

    graph = Graph(
        nodes=frozenset(linker.functions),
        edges=tuple(edges),
        seeds=tuple(seeds),
        barriers=barriers,
        groups=tuple(groups),
        def_lines={q: f.span.line for q, f in linker.functions.items()},
    )
    uncertain = _uncertain_decorators(linker, owners, wrappers, wrapper_params, package, scans)
    return RepoGraph(
        graph, kinds, barriers, wrappers, wrapper_params, value_uses, sorted(set(split_overrides)), uncertain,
        {d: frozenset(members) for d, members in applications.items()},
        {d: frozenset(members) for d, members in decorated.items()},
    )



def _seeds_and_barriers(
    linker: Linker, kinds: dict[str, Classified], value_uses: dict[str, str]
) -> tuple[dict[str, str], list[Seed]]:
    """Forced seeds (views, hooks, streamed generators, defs already async, form validators)
    and barriers (functions async cannot cross), each with the reason a person reads."""
    barriers: dict[str, str] = {}
    seeds: list[Seed] = []
    for qualname, info in kinds.items():
        func = linker.functions[qualname]
        if info.kind in ("view", "hook", "stream") or func.is_async:
            what = {"view": f"registered with {info.detail}", "hook": f"registered with {info.detail}",
                    "stream": "streamed through stream_with_context (needs an async generator)"}.get(
                info.kind, "already async def")
            seeds.append(Seed(qualname, info.line, what, forced=True))
        elif info.kind in BARRIER_WHY:
            barriers[qualname] = BARRIER_WHY[info.kind]
        elif qualname in value_uses:
            barriers[qualname] = f"it is passed as a value to {value_uses[qualname]}"
        elif func.is_generator and func.value_returns:
            barriers[qualname] = "it is a generator that returns a value, which an async generator cannot"
        elif (why := sync_fixture_why(linker, func)) is not None:
            barriers[qualname] = why  # setUpClass & co: unittest calls them without awaiting
    # Quart-WTF's `validate_on_submit` awaits `self.validate()`: a form's own `validate` (or
    # `validate_on_submit`) override must be a coroutine function, even when it awaits nothing.
    for qualname, func in linker.functions.items():
        if (func.name in FORM_ASYNC_METHODS and func.class_qualname and linker.applies(FLASK_FORM)
                and linker.inherits(func.class_qualname, FLASK_FORM)):
            seeds.append(Seed(qualname, func.span.line, f"overrides {FLASK_FORM}.{func.name} (async in Quart-WTF)", forced=True))
    return barriers, seeds


def _called_only(decorator: str, called_only: dict[str, set[str]], decorated: dict[str, set[str]]) -> set[str]:
    """The functions `decorator` is applied to only by a call (`deco(f)`), never as `@deco`."""
    return called_only.get(decorator, set()) - decorated.get(decorator, set())


def _param_call_line(linker: Linker, wrapper: str, wrapper_params: dict[str, set[str]]) -> int:
    """Where `wrapper` calls the function it wraps (its def line if no such call is indexed)."""
    func = linker.functions[wrapper]
    refs = wrapper_params.get(wrapper, set())
    return next((u.span.line for u in func.uses if u.kind == "call" and u.ref in refs), func.span.line)


def _body_uses(
    linker: Linker, kinds: dict[str, Classified], wrappers: dict[str, set[str]], memo: BodyMemo | None = None
) -> tuple[list[Seed], list[Seed], list[Edge]]:
    """What every use in a function body says, in one pass over the repo's functions (sorted):
    the functions that use a Quart awaitable (or build a Quart-WTF form) and must become async;
    those calling a view out of `app.view_functions`, which gets a coroutine once views are async
    (analysis/view_registry.py decides when it can be awaited); and the caller -> callee edges
    colour can climb along. Returned in that order, each list in function order. With `memo`
    (a run whose linker adopted the last run's answers, analysis/graph_memo.py), a function
    object seen by the last run under the same repo-wide facts gives what it gave then."""
    use_seeds: list[Seed] = []
    registry_seeds: list[Seed] = []
    edges: list[Edge] = []
    forms = linker.applies(FLASK_FORM)
    seen: dict[int, tuple[FunctionInfo, BodyFacts]] = {}
    if memo is not None:
        memo.under(World(
            frozenset(q for q, f in linker.functions.items() if f.is_async),
            frozenset(q for q, f in linker.functions.items() if f.is_generator),
            tuple(sorted((d, frozenset(w)) for d, w in wrappers.items())),
            tuple(sorted(linker.extra_awaitables.items())), forms), linker.modules.values())
    resolve = linker.resolve
    functions = linker.functions
    # reference -> (what it resolves to, the Quart awaitable it stands for), asked in that order
    facts: dict[str, tuple[str, loader.Awaitable | None]] = {}
    is_form = _Memo(lambda resolved: linker.inherits(resolved, FLASK_FORM))
    is_view = lambda q: q in kinds and kinds[q].kind == "view"  # noqa: E731
    for qualname in sorted(functions):
        func = functions[qualname]
        known = memo.get(func) if memo is not None else None
        if known is not None:
            use_seeds.extend(known[0])
            registry_seeds.extend(known[1])
            edges.extend(known[2])
            seen[id(func)] = (func, known)
            continue
        first = len(use_seeds), len(edges)
        calls: list[Use] = []
        for use in func.uses:
            fact = facts.get(use.ref)
            if fact is None:
                fact = facts[use.ref] = (resolve(use.ref), quart_awaitable(linker, use.ref))
            resolved, awaitable = fact
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
                edges.append(Edge(qualname, resolved, use.span.line, use.ctx))
        # Once every use of the function is resolved (a registry call reads its other uses).
        for use in calls:
            found = registry_call(linker, func, use, is_view)
            if found is not None and not found.reason:
                registry_seeds.append(Seed(qualname, use.span.line, f"calls the view {', '.join(found.endpoints)} "
                                           "from app.view_functions (a coroutine function in Quart)"))
        if memo is not None and not calls:  # a registry call reads the repo's classification: never kept
            seen[id(func)] = (func, (tuple(use_seeds[first[0]:]), (), tuple(edges[first[1]:])))
    if memo is not None:
        memo.keep(seen)
    return use_seeds, registry_seeds, edges


STREAM_WITH_CONTEXT = "flask.stream_with_context"
FLASK_FORM = "flask_wtf.FlaskForm"
FORM_ASYNC_METHODS = frozenset({"validate", "validate_on_submit"})  # coroutine methods of QuartForm
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


Owner = tuple[str | None, "FunctionInfo | ModuleIndex", tuple[Use, ...]]


def _owners(linker: Linker) -> list[Owner]:
    """Every holder of uses, in the repo's order: each module (its module-level and class-body
    uses, owner name None), then its functions."""
    out: list[Owner] = []
    for mod in linker.modules.values():
        out.append((None, mod, mod.module_uses))
        out.extend((func.qualname, func, func.uses) for func in mod.functions)
    return out


def _streamed_generators(linker: Linker, owners: list[Owner], scans: Scans | None = None) -> dict[str, int]:
    """Generator functions handed to `stream_with_context`, which in Quart takes only an
    async generator function: `stream_with_context(gen())`, `(gen)` and `@stream_with_context`."""

    def handed(uses: tuple[Use, ...]) -> tuple[tuple[str, int], ...]:
        out = []
        for use in uses:
            if use.arg_key != "#0" or not use.arg_of or linker.resolve(use.arg_of) != STREAM_WITH_CONTEXT:
                continue
            target = linker.resolve(use.ref)
            if target in linker.functions and linker.functions[target].is_generator:
                out.append((target, use.span.line))
        return tuple(out)

    found: dict[str, int] = {}
    for _name, owner, uses in owners:
        for target, line in scan(scans, "streamed", owner, lambda: handed(uses)):
            found.setdefault(target, line)
    for qualname, func in linker.functions.items():
        if func.is_generator and any(linker.resolve(d.ref) == STREAM_WITH_CONTEXT for d in func.decorators):
            found.setdefault(qualname, func.span.line)
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
    linker: Linker, package: decorator_package.Callers, scans: Scans | None = None
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """A decorator's wrappers: nested defs that call a parameter of an enclosing def, and
    `decorator`-package callers, which call their first parameter (the decorated function)."""
    wrappers: dict[str, set[str]] = {}
    wrapper_params: dict[str, set[str]] = {}
    for family, caller in package.families.items():
        wrappers.setdefault(family, set()).add(caller)
        wrapper_params.setdefault(caller, set()).update(package.calls[caller])
    for qualname in sorted(linker.functions):
        func = linker.functions[qualname]
        if func.parent is None:
            continue
        for top, ref in scan(scans, "families", func, lambda: _param_calls(linker, func)):
            wrappers.setdefault(top, set()).add(qualname)
            wrapper_params.setdefault(qualname, set()).add(ref)
    return wrappers, wrapper_params


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


def _override_groups(linker: Linker, split: list[tuple[str, str]]) -> list[frozenset[str]]:
    groups: list[frozenset[str]] = []
    for cls in sorted(linker.classes.values(), key=lambda c: c.qualname):
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


def _decorator_of(linker: Linker, resolved: str, wrappers: dict[str, set[str]]) -> str | None:
    """The decorator family a callee belongs to: the decorator itself, or the function a
    decorator factory returns (`require_key("k")` resolves to the factory's inner def)."""
    current: str | None = resolved
    while current is not None and current in linker.functions:
        if current in wrappers:
            return current
        current = linker.functions[current].parent
    return None


def _patch_groups(linker: Linker) -> list[frozenset[str]]:
    """`monkeypatch.setattr("pkg.db.init_db", fake)`: when init_db turns async, so must fake."""
    groups: list[frozenset[str]] = []
    for qualname in sorted(linker.functions):
        for target, fake, _line in linker.functions[qualname].patches:
            real = linker.resolve(target)
            double = linker.resolve(fake)
            if real in linker.functions and double in linker.functions:
                groups.append(frozenset({real, double}))
    return groups


def _uncertain_decorators(
    linker: Linker,
    owners: list[Owner],
    wrappers: dict[str, set[str]],
    wrapper_params: dict[str, set[str]],
    package: decorator_package.Callers,
    scans: Scans | None = None,
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
    if not receivers:
        return frozenset()
    per_owner = [scan(scans, "uncertain", owner, lambda: _function_calls(linker, uses)) for _name, owner, uses in owners]
    applied: dict[str, list[Use]] = {}
    for calls_of, _known in per_owner:
        for resolved, use in calls_of:
            target = receivers.get(resolved)
            if target is not None:
                applied.setdefault(target, []).append(use)
    if not applied:
        return frozenset()
    known = {site for _calls, sites in per_owner for site in sites}
    uncertain = set()
    for decorator, calls in applied.items():
        if any((call.ref, call.span.line) not in known for call in calls):
            uncertain.add(decorator)
    return frozenset(uncertain)


def _function_calls(
    linker: Linker, uses: tuple[Use, ...]
) -> tuple[tuple[tuple[str, Use], ...], frozenset[tuple[str, int]]]:
    """What `_uncertain_decorators` reads from one owner's uses: its calls with an argument of
    a repo function (what they call, the use), and where a repo function is passed as an
    argument (the written callee it is passed to, the line). Every receiver of a wrapped
    function is a repo function, so the calls of anything else cannot matter."""
    resolve, functions = linker.resolve, linker.functions
    calls = tuple((resolved, use) for use in uses
                  if use.kind == "call" and use.nargs >= 1 and (resolved := resolve(use.ref)) in functions)
    known = frozenset((use.arg_of, use.span.line) for use in uses
                      if use.kind in ("name", "attr") and use.arg_of and resolve(use.ref) in functions)
    return calls, known

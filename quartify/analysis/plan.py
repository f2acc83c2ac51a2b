"""From the solution to per-file edit plans: which defs turn async, which spans get `await`.

The plan is positional (spans from the index), so the LibCST transform only applies it and
never re-resolves a name: one resolver decides, the transform obeys. Every await the plan
cannot place (a lambda, a function that must stay sync) becomes a finding with its chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quartify.analysis.blocking import LoopSet, blocking_rule, loop_set
from quartify.analysis.graph import FLASK_FORM, STREAM_WITH_CONTEXT, RepoGraph, hands_coroutine_over
from quartify.analysis.index import PARAM_PREFIX
from quartify.analysis.link import Linker, join, tokens
from quartify.analysis.model import CTX_OK, FunctionInfo, ModuleIndex, Rename, Use
from quartify.analysis.solver import Solution
from quartify.core.config import BlockingMode, Options
from quartify.core.types import ChainStep, Finding, Safety, Severity, Span
from quartify.deps._common import extension_modules as extension_table
from quartify.rules import blocking as blocking_rules
from quartify.rules import loader
from quartify.rules.loader import AwaitKind


UNITTEST_CASE = "unittest.TestCase"
_ASYNC_HOOKS = {"setUp": "asyncSetUp", "tearDown": "asyncTearDown"}


@dataclass(frozen=True)
class AwaitEdit:
    span: Span
    parens: bool
    as_text: bool = False  # `resp.text` -> `await resp.get_data(as_text=True)`
    maybe: bool = False  # await only if awaitable: the wrapped view may stay sync


@dataclass(frozen=True)
class KeywordRename:
    span: Span  # the call
    renames: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FilePlan:
    path: str
    rewrite_imports: bool
    import_lines: tuple[int, ...] = ()  # lines of the flask imports to rewrite
    make_async: tuple[Span, ...] = ()
    awaits: tuple[AwaitEdit, ...] = ()
    async_withs: tuple[Span, ...] = ()
    # `with client:` whose body reads `g`/`current_app`: the client's app context goes first
    app_context_withs: tuple[tuple[Span, Span], ...] = ()  # (with span, client expression span)
    renames: tuple[Rename, ...] = ()
    keyword_renames: tuple[KeywordRename, ...] = ()
    cli_bridges: tuple[Span, ...] = ()
    stream_calls: tuple[Span, ...] = ()  # `gen()` inside `stream_with_context(gen())`
    client_calls: tuple[Span, ...] = ()  # test-client requests whose keywords change shape
    data_as_form: tuple[Span, ...] = ()  # ...whose `data=` is a variable known to hold a dict
    data_as_text: tuple[Span, ...] = ()  # ...whose `data=` is known to be str/bytes (no warning)
    offload_calls: tuple[Span, ...] = ()  # `runner.invoke(...)` -> `await asyncio.to_thread(runner.invoke, ...)`
    response_withs: tuple[Span, ...] = ()  # `with client.get() as r:` -> `r = await client.get()` (no CM in Quart)
    cookie_calls: tuple[Span, ...] = ()  # client.set_cookie/delete_cookie: server name first
    default_path_calls: tuple[Span, ...] = ()  # test_request_context(): Quart needs the path
    async_test_cases: tuple[Span, ...] = ()  # unittest.TestCase classes -> IsolatedAsyncioTestCase
    renamed_defs: tuple[tuple[Span, str], ...] = ()  # setUp -> asyncSetUp, tearDown -> asyncTearDown
    sleep_calls: tuple[Span, ...] = ()  # time.sleep(x) -> await asyncio.sleep(x)
    form_creates: tuple[Span, ...] = ()  # MyForm(...) -> await MyForm.create_form(...) (Quart-WTF)
    cors_calls: tuple[Span, ...] = ()  # CORS(app) -> app = cors(app) (Quart-CORS)
    extension_modules: tuple[tuple[str, str], ...] = ()  # imports moved: flask_bcrypt -> quart_bcrypt
    app_runs: tuple[Span, ...] = ()  # app.run(...): keywords Quart ignores or renames
    todo_comments: tuple[tuple[Span, str], ...] = ()  # `# TODO(quartify): ...` above the statement
    findings: tuple[Finding, ...] = field(default=())

    @property
    def has_edits(self) -> bool:
        return bool(
            self.rewrite_imports or self.make_async or self.awaits or self.async_withs or self.app_context_withs
            or self.renames or self.keyword_renames or self.cli_bridges or self.stream_calls
            or self.client_calls or self.cookie_calls or self.default_path_calls or self.async_test_cases
            or self.offload_calls or self.response_withs or self.sleep_calls or self.todo_comments
            or self.form_creates or self.cors_calls or self.extension_modules or self.app_runs
        )


@dataclass(frozen=True)
class RepoPlan:
    linker: Linker
    graph: RepoGraph
    solution: Solution
    options: Options = field(default_factory=Options)

    def chain_steps(self, node: str) -> tuple[ChainStep, ...]:
        steps = []
        for name, reason in self.solution.chain(node):
            mod = self.linker.module_of.get(name)
            steps.append(ChainStep(mod.path if mod else "?", reason.line, f"{_short(name)}: {reason.what}"))
        return tuple(steps)

    def is_async(self, qualname: str) -> bool:
        return qualname in self.solution.async_nodes

    def methods_named(self, name: str) -> list[str]:
        return self._methods_by_name.get(name, [])

    @property
    def loop(self) -> LoopSet:
        return self._loop

    @property
    def async_test_bases(self) -> frozenset[str]:
        """Repo classes deriving straight from unittest.TestCase whose family has async methods:
        they become IsolatedAsyncioTestCase, or pytest would call the coroutines and pass them."""
        return self._async_test_bases

    def _find_async_test_bases(self) -> frozenset[str]:
        found: set[str] = set()
        for qualname, info in self.linker.classes.items():
            mro = self.linker.mro(qualname)
            if UNITTEST_CASE not in mro:
                continue
            has_async = any(self.is_async(f"{qualname}.{m}") for m in info.methods)
            if not has_async:
                continue
            for klass in mro:
                base = self.linker.classes.get(klass)
                if base is not None and any(self.linker.resolve(b) == UNITTEST_CASE for b in base.bases):
                    found.add(klass)
        return frozenset(found)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_loop", loop_set(self.linker, self.graph))
        object.__setattr__(self, "_async_test_bases", self._find_async_test_bases())
        by_name: dict[str, list[str]] = {}
        for qualname, func in self.linker.functions.items():
            if func.class_qualname is not None:
                by_name.setdefault(func.name, []).append(qualname)
        object.__setattr__(self, "_methods_by_name", by_name)

    _methods_by_name: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _loop: LoopSet = field(default_factory=lambda: LoopSet({}), init=False, repr=False, compare=False)
    _async_test_bases: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)


def _short(qualname: str) -> str:
    return qualname.replace(".<locals>", "")


def plan_file(repo: RepoPlan, module: ModuleIndex) -> FilePlan:
    linker = repo.linker
    api = loader.quart_api()
    make_async: list[Span] = []
    awaits: list[AwaitEdit] = []
    async_withs: list[Span] = []
    app_context_withs: list[tuple[Span, Span]] = []
    keyword_renames: list[KeywordRename] = []
    cli_bridges: list[Span] = []
    stream_calls: list[Span] = []
    client_calls: list[Span] = []
    offload_calls: list[Span] = []
    response_withs: list[Span] = []
    sleep_calls: list[Span] = []
    todo_comments: list[tuple[Span, str]] = []
    form_creates: list[Span] = []
    data_as_form: list[Span] = []
    data_as_text: list[Span] = []
    cookie_calls: list[Span] = []
    default_path_calls: list[Span] = []
    findings: list[Finding] = []

    def need_await(use: Use, func: FunctionInfo | None) -> str | None:
        """What the use awaits, or None when it needs no await."""
        if func is not None and use.kind == "call" and use.ref in repo.graph.wrapper_params.get(func.qualname, ()):
            return use.text + "()" if repo.is_async(func.qualname) else None
        resolved = linker.resolve(use.ref)
        awaitable = api.awaitables.get(resolved)
        if awaitable is not None:
            if awaitable.kind in (AwaitKind.PROPERTY, AwaitKind.AS_TEXT) and use.kind == "attr":
                return use.text
            if awaitable.kind in (AwaitKind.CALL, AwaitKind.AIOFILE) and use.kind == "call":
                return use.text + "()"
            return None
        if use.kind == "call" and resolved in linker.functions and repo.is_async(resolved):
            if linker.functions[resolved].is_generator or hands_coroutine_over(linker, use):
                return None  # an async generator is iterated; asyncio.run(...) takes the coroutine
            return use.text + "()"
        return None

    def where(use: Use) -> str:
        return f"{module.path}:{use.span.line}"

    for func in module.functions:
        if func.parent is None and any(linker.resolve(d.ref) == STREAM_WITH_CONTEXT for d in func.decorators):
            findings.append(
                Finding(
                    code="QFY105",
                    severity=Severity.ERROR,
                    message=(
                        "Quart's `stream_with_context` copies the request context when it is applied, so at "
                        "module level it fails on import; move the generator into the view that streams it"
                    ),
                    path=module.path,
                    line=func.span.line,
                    col=func.span.col,
                )
            )
        classified = repo.graph.kinds.get(func.qualname)
        kind = classified.kind if classified else "plain"
        becomes_async = repo.is_async(func.qualname)
        if becomes_async and not func.is_async:
            make_async.append(func.span)
        bridge = False
        body_async = becomes_async or func.is_async
        if not body_async and kind == "cli":
            bridge = any(need_await(u, func) for u in func.uses if u.ctx == CTX_OK and not u.awaited)
            bridge = bridge or any(_all_async_items(linker, func, w.items) for w in func.withs)
            if bridge:
                cli_bridges.append(func.span)
                body_async = True
        for use in func.uses:
            if use.kind == "call":
                renames = api.keyword_renames.get(linker.resolve(use.ref))
                if renames:
                    keyword_renames.append(KeywordRename(use.span, tuple(sorted(renames.items()))))
                callee = linker.resolve(use.ref)
                if callee in api.test_client.request_methods:
                    client_calls.append(use.span)
                    data_kind = _data_kind(linker, func, use)
                    if data_kind == "dict":
                        data_as_form.append(use.span)
                    elif data_kind == "text":
                        data_as_text.append(use.span)
                if callee in api.test_client.default_path:
                    default_path_calls.append(use.span)
                if callee in api.test_client.cookie_methods:
                    cookie_calls.append(use.span)
                elif callee in api.test_client.missing:
                    findings.append(
                        Finding("QFY131", Severity.WARNING, api.test_client.missing[callee], module.path,
                                use.span.line, use.span.col)
                    )
                if use.arg_key == "#0" and use.arg_of and linker.resolve(use.arg_of) == STREAM_WITH_CONTEXT:
                    target = linker.resolve(use.ref)
                    if target in linker.functions and linker.functions[target].is_generator:
                        stream_calls.append(use.span)
            if use.kind == "call" and not use.awaited and linker.inherits(linker.resolve(use.ref), FLASK_FORM):
                if body_async and use.ctx == CTX_OK:
                    form_creates.append(use.span)
                else:
                    findings.append(Finding("QFY101", Severity.ERROR,
                                            f"`{use.text}(...)` must become `await {use.text}.create_form(...)` under "
                                            "Quart-WTF, but it is not in an async function; left unchanged",
                                            module.path, use.span.line, use.span.col))
                continue
            if use.kind == "call" and body_async and use.ctx == CTX_OK and _kind_of(linker, use) == AwaitKind.OFFLOAD:
                offload_calls.append(use.span)
                continue
            awaited_what = need_await(use, func)
            if awaited_what is None and use.kind == "call" and not use.awaited:
                maybe = _unresolved_async_method(repo, use)
                if maybe is not None:
                    findings.append(
                        Finding(
                            code="QFY104",
                            severity=Severity.WARNING,
                            message=(
                                f"`{use.text}()` calls something quartify cannot resolve; `{_short(maybe)}` has that "
                                "name and became async: if this is it, add `await` (and make the caller async)"
                            ),
                            path=module.path,
                            line=use.span.line,
                            col=use.span.col,
                            chain=(
                                ChainStep(module.path, use.span.line, f"{_short(func.qualname)} calls {use.text}()"),
                                *repo.chain_steps(maybe),
                            ),
                        )
                    )
            if awaited_what is None or use.awaited:
                continue
            if body_async and use.ctx == CTX_OK:
                as_text = _kind_of(linker, use) == AwaitKind.AS_TEXT
                unsure = use.ref in repo.graph.wrapper_params.get(func.qualname, ()) and _in_uncertain_family(repo, func)
                awaits.append(AwaitEdit(use.span, use.parens, as_text, unsure))
                continue
            callee = linker.resolve(use.ref)
            chain = repo.chain_steps(callee) if callee in linker.functions else ()
            if use.ctx != CTX_OK:
                why = f"it sits in a {use.ctx}, which cannot contain `await`"
            else:
                why = f"`{_short(func.qualname)}` must stay sync: {repo.graph.barriers.get(func.qualname, 'it is not async')}"
            findings.append(
                Finding(
                    code="QFY101",
                    severity=Severity.ERROR,
                    message=f"`{awaited_what}` must be awaited under Quart, but {why}; left unchanged",
                    path=module.path,
                    line=use.span.line,
                    col=use.span.col,
                    chain=(ChainStep(module.path, use.span.line, f"{_short(func.qualname)} uses {awaited_what}"), *chain),
                )
            )
        if func.qualname in repo.loop:
            _blocking_calls(repo, module, func, body_async, findings, sleep_calls, offload_calls, todo_comments)
        for site in func.withs:
            if body_async and not site.is_async and _response_item(linker, func, site.items):
                response_withs.append(site.span)
                continue
            if site.is_async or not _all_async_items(linker, func, site.items):
                continue
            if body_async:
                async_withs.append(site.span)
                client = _client_item(linker, func, site.items)
                if client is not None and site.touches_app_globals:
                    app_context_withs.append((site.span, client))
            else:
                findings.append(
                    Finding(
                        code="QFY102",
                        severity=Severity.ERROR,
                        message=(
                            f"this `with` needs `async with` under Quart, but `{_short(func.qualname)}` must stay "
                            f"sync: {repo.graph.barriers.get(func.qualname, 'it is not async')}; left unchanged"
                        ),
                        path=module.path,
                        line=site.span.line,
                        col=site.span.col,
                        chain=(
                            ChainStep(module.path, site.span.line, f"{_short(func.qualname)} stays sync: "
                                      f"{repo.graph.barriers.get(func.qualname, 'it is not async')}"),
                            ChainStep(module.path, site.span.line, f"it enters {_with_items_text(func, site.items)}, "
                                      "an async context manager in Quart"),
                        ),
                    )
                )

    for use in module.module_uses:
        if use.kind == "call":
            renames = api.keyword_renames.get(linker.resolve(use.ref))
            if renames:
                keyword_renames.append(KeywordRename(use.span, tuple(sorted(renames.items()))))
        what = need_await(use, None)
        if what and not use.awaited:
            findings.append(
                Finding(
                    code="QFY103",
                    severity=Severity.ERROR,
                    message=f"`{what}` must be awaited under Quart, but it runs at {use.ctx}; move it into an async function",
                    path=module.path,
                    line=use.span.line,
                    col=use.span.col,
                )
            )

    async_test_cases: list[Span] = []
    renamed_defs: list[tuple[Span, str]] = []
    for cls in module.classes:
        if UNITTEST_CASE not in linker.mro(cls.qualname):
            continue
        methods = [linker.functions.get(f"{cls.qualname}.{m}") for m in cls.methods]
        if cls.qualname in repo.async_test_bases:
            async_test_cases.append(cls.span)  # a subclass has async tests: the base must run them
        if not any(f is not None and repo.is_async(f.qualname) for f in methods):
            continue
        for method in methods:
            if method is not None and repo.is_async(method.qualname) and method.name in _ASYNC_HOOKS:
                renamed_defs.append((method.span, _ASYNC_HOOKS[method.name]))

    cors_calls, extension_renames = _extensions(repo, module, findings)
    findings.extend(_missing_apis(repo, module))
    for double, shipped in repo.graph.split_overrides:
        func = linker.functions[double]
        if linker.module_of[double] is module and repo.is_async(double) and not repo.is_async(shipped):
            findings.append(Finding(
                "QFY106", Severity.WARNING,
                f"`{_short(double)}` became async but overrides `{_short(shipped)}`, which shipped code calls "
                "synchronously: those callers would get a coroutine. Keep the override sync, or make the "
                "shipped method async", module.path, func.span.line, func.span.col,
                chain=repo.chain_steps(double),
            ))
    app_runs = _serving(repo, module, findings)

    return FilePlan(
        path=module.path,
        rewrite_imports=module.imports_flask,
        import_lines=module.flask_import_lines,
        make_async=tuple(sorted(set(make_async))),
        awaits=tuple(sorted(set(awaits), key=lambda a: a.span)),
        async_withs=tuple(sorted(set(async_withs))),
        app_context_withs=tuple(sorted(set(app_context_withs))),
        renames=module.renames,
        keyword_renames=tuple(sorted(set(keyword_renames), key=lambda k: k.span)),
        cli_bridges=tuple(sorted(set(cli_bridges))),
        stream_calls=tuple(sorted(set(stream_calls))),
        client_calls=tuple(sorted(set(client_calls))),
        data_as_form=tuple(sorted(set(data_as_form))),
        data_as_text=tuple(sorted(set(data_as_text))),
        offload_calls=tuple(sorted(set(offload_calls))),
        sleep_calls=tuple(sorted(set(sleep_calls))),
        form_creates=tuple(sorted(set(form_creates))),
        cors_calls=tuple(sorted(set(cors_calls))),
        extension_modules=extension_renames,
        app_runs=tuple(app_runs),
        todo_comments=tuple(sorted(set(todo_comments))),
        response_withs=tuple(sorted(set(response_withs))),
        cookie_calls=tuple(sorted(set(cookie_calls))),
        default_path_calls=tuple(sorted(set(default_path_calls))),
        async_test_cases=tuple(sorted(async_test_cases)),
        renamed_defs=tuple(sorted(renamed_defs)),
        findings=tuple(sorted(_kept(repo.options, module, findings), key=Finding.sort_key)),
    )


def _kind_of(linker: Linker, use: Use) -> AwaitKind | None:
    awaitable = loader.quart_api().awaitables.get(linker.resolve(use.ref))
    return awaitable.kind if awaitable is not None else None


def _item_kind(linker: Linker, func: FunctionInfo, item: Span) -> AwaitKind | None:
    """How a `with` item is async in Quart: a call giving a context manager, an awaited call
    giving an async file, or a value that is itself an async context manager (the client)."""
    for use in func.uses:
        if use.span != item or not use.with_item:
            continue
        kind = _kind_of(linker, use)
        if use.kind == "call" and kind in (AwaitKind.CONTEXT, AwaitKind.AIOFILE):
            return kind
        if use.kind in ("name", "attr") and kind == AwaitKind.CONTEXT_VALUE:
            return kind
    return None


def _all_async_items(linker: Linker, func: FunctionInfo, items: tuple[Span, ...]) -> bool:
    return bool(items) and all(_item_kind(linker, func, item) is not None for item in items)


def _client_item(linker: Linker, func: FunctionInfo, items: tuple[Span, ...]) -> Span | None:
    if len(items) == 1 and _item_kind(linker, func, items[0]) == AwaitKind.CONTEXT_VALUE:
        return items[0]
    return None


def _unresolved_async_method(repo: RepoPlan, use: Use) -> str | None:
    """An async repo method whose name an unresolvable `x.name()` call shares, if any."""
    linker = repo.linker
    resolved = linker.resolve(use.ref)
    if resolved in linker.functions:
        return None
    root = resolved.split(".", 1)[0]
    if not (root == "?" or resolved.startswith(PARAM_PREFIX) or root in linker.top_packages):
        return None  # resolved outside the repo (a library call): not ours to guess
    name = use.ref.rsplit(".", 1)[-1]
    if "." not in use.ref or not name.isidentifier():
        return None
    if name in _CONTAINER_METHODS:
        return None  # `payload.get(...)` on an unknown value is far likelier a dict than our method
    for qualname in sorted(repo.methods_named(name)):
        kind = repo.graph.kinds.get(qualname)
        if kind is not None and kind.kind in ("view", "hook"):
            continue  # Flask calls view and hook methods; user code does not
        if repo.is_async(qualname) and not linker.functions[qualname].is_generator:
            return qualname
    return None


_CONTAINER_METHODS = frozenset(
    name for t in (dict, list, str, bytes, set) for name in dir(t) if not name.startswith("_")
)


def _with_items_text(func: FunctionInfo, items: tuple[Span, ...]) -> str:
    texts = [f"{u.text}()" for u in func.uses if u.kind == "call" and u.with_item and u.span in items]
    return ", ".join(texts) or "a context manager"


_TEXT = frozenset({"builtins.str()", "builtins.bytes()"})


def _data_kind(linker: Linker, func: FunctionInfo, call: Use) -> str | None:
    """What `client.post(data=x)` sends when `x` is a variable: "dict" (a literal or a parametrize
    row: it must become `form=`), "text" (str/bytes: fine as it is), or None (unknown)."""
    for use in func.uses:
        if use.arg_key != "data" or not _inside(use.span, call.span):
            continue
        if use.kind in ("name", "attr"):
            resolved = linker.resolve(use.ref)
        elif use.kind == "call":  # `data=dict(a="1")`
            resolved = linker.resolve(use.ref) + "()"
        else:
            continue
        if resolved in ("builtins.dict()", "builtins.dict()()"):
            return "dict"
        if resolved in _TEXT or resolved.removesuffix("()") in _TEXT:
            return "text"
        return None
    return None


def _inside(inner: Span, outer: Span) -> bool:
    return (inner.line, inner.col) >= (outer.line, outer.col) and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)


def _response_item(linker: Linker, func: FunctionInfo, items: tuple[Span, ...]) -> bool:
    """`with client.get(...) as response:`: Flask's test response is a context manager, Quart's is not."""
    if len(items) != 1:
        return False
    requests = loader.quart_api().test_client.request_methods
    return any(
        u.span == items[0] and u.with_item and u.kind == "call" and linker.resolve(u.ref) in requests
        and _kind_of(linker, u) == AwaitKind.CALL  # not test_request_context(), a real context manager
        for u in func.uses
    )


def _kept(options: Options, module: ModuleIndex, findings: list[Finding]) -> list[Finding]:
    """Drop findings the user silenced: `--select`/`--ignore`, or `# quartify: ignore[CODE]`."""
    silenced = {line: set(codes) for line, codes in module.suppressions}
    return [
        f for f in findings
        if options.wants(f.code) and not (f.code in silenced.get(f.line, ()) or "ALL" in silenced.get(f.line, ()))
    ]


def _blocking_calls(
    repo: RepoPlan,
    module: ModuleIndex,
    func: FunctionInfo,
    body_async: bool,
    findings: list[Finding],
    sleep_calls: list[Span],
    offload_calls: list[Span],
    todo_comments: list[tuple[Span, str]],
) -> None:
    """Blocking calls in a function that runs on the event loop: a finding with the chain from
    the view, and the fix the options allow (sleep rewrite, thread offload) or a TODO comment."""
    options = repo.options
    tables = blocking_rules.tables(options.extra_rules)
    silenced = {line: set(codes) for line, codes in module.suppressions}
    for use in func.uses:
        rule = blocking_rule(repo.linker, tables, use)
        if rule is None or not options.wants(rule.code) or rule.code in silenced.get(use.span.line, ()):
            continue
        where_ok = body_async and use.ctx == CTX_OK
        fix: str | None = None
        refusal = ""
        if "sleep" in rule.fixes and where_ok and options.blocking != BlockingMode.REPORT:
            fix = "sleep"
        elif options.blocking == BlockingMode.THREAD:
            if rule.thread_affinity:
                refusal = (" Not offloaded: this library's connections are tied to the thread that made them, so "
                           "calls cannot move to a worker thread one by one; offload the whole unit of work "
                           "(connect, use, close) or switch library.")
            elif "thread" in rule.fixes and where_ok:
                fix = "thread"
            elif not where_ok:
                refusal = " Not offloaded: the call is not directly in an async function."
        chain = (
            *(ChainStep(repo.linker.module_of[h.caller].path, h.line, f"{_short(h.caller)} calls {_short(h.callee)}")
              for h in repo.loop.paths.get(func.qualname, ())),
            ChainStep(module.path, use.span.line, f"{_short(func.qualname)} calls {use.text}()"),
        )
        replacement = rule.replacement.call + (f" ({rule.replacement.package}"
                                               f"{' >= ' + rule.replacement.min_version if rule.replacement.min_version else ''})")
        message = f"`{use.text}()`: {rule.summary}; use {replacement}.{refusal}"
        findings.append(
            Finding(
                code=rule.code,
                severity=Severity(rule.severity) if fix is None else Severity.INFO,
                message=message if fix is None else f"{message} Fixed: {'await asyncio.sleep' if fix == 'sleep' else 'await asyncio.to_thread'}.",
                path=module.path,
                line=use.span.line,
                col=use.span.col,
                fix=rule.replacement.call,
                safety=Safety.SAFE if fix == "sleep" else Safety.UNSAFE if "thread" in rule.fixes else Safety.DISPLAY,
                chain=chain,
            )
        )
        if fix == "sleep":
            sleep_calls.append(use.span)
        elif fix == "thread":
            offload_calls.append(use.span)
        elif options.blocking == BlockingMode.TODO and rule.severity != "info":
            todo_comments.append((use.span, f"TODO(quartify): {rule.code} {use.text}() blocks the event loop; use {rule.replacement.call}"))


CORS = "flask_cors.CORS"


def _extensions(repo: RepoPlan, module: ModuleIndex, findings: list[Finding]) -> tuple[list[Span], tuple[tuple[str, str], ...]]:
    """Flask extension imports: a finding each with the Quart replacement; the import moves
    where the port keeps the API (Bcrypt, WTF); `CORS(app)` becomes `app = cors(app)` when every
    use in the file has that simple shape."""
    linker = repo.linker
    moves = loader.names().extension_modules
    uses = [u for f in module.functions for u in f.uses] + list(module.module_uses)
    cors_uses = [u for u in uses if u.kind in ("call", "name", "attr") and linker.resolve(u.ref) == CORS]
    cors_ok = bool(cors_uses) and all(u.kind == "call" and u.statement and u.nargs == 1 for u in cors_uses)
    table = extension_table()
    renamed: dict[str, str] = {}
    for line, col, name in module.extension_imports:
        entry = table.get(name) or table.get(name.split(".")[0])
        if entry is None:
            continue
        target = moves.get(name)
        if target is not None and (name != "flask_cors" or cors_ok):
            renamed[name] = target
            message = f"`{name}` ({entry.name}) moved to `{target}`" + (f": {entry.note}" if entry.note else "")
            findings.append(Finding("QFY141", Severity.INFO, message, module.path, line, col))
            continue
        advice = " or ".join(entry.packages) if entry.packages else (entry.alternative or "no Quart-native replacement")
        findings.append(
            Finding(
                "QFY140",
                Severity.WARNING,
                f"`{name}` is a Flask extension ({entry.name}); under Quart use {advice}"
                + (f". {entry.note}" if entry.note else ""),
                module.path,
                line,
                col,
            )
        )
    cors_calls = [u.span for u in cors_uses] if "flask_cors" in renamed else []
    return cors_calls, tuple(sorted(renamed.items()))


def _missing_apis(repo: RepoPlan, module: ModuleIndex) -> list[Finding]:
    """Uses of Flask APIs Quart lacks (`request.environ`, `app.wsgi_app`): one finding per use."""
    missing = loader.quart_api().missing
    out = []
    uses = [u for f in module.functions for u in f.uses] + list(module.module_uses)
    for use in uses:
        if use.kind not in ("attr", "call"):
            continue
        parts = tokens(repo.linker.resolve(use.ref))
        for end in range(len(parts), 0, -1):  # the attribute itself, or anything read through it
            advice = missing.get(join(parts[:end]))
            if advice is not None:
                out.append(Finding("QFY150", Severity.WARNING, f"`{use.text}`: {advice}", module.path,
                                   use.span.line, use.span.col))
                break
    # `request.environ.get(...)` is a call and an attribute on one line: report the line once.
    unique: dict[tuple[int, str], Finding] = {}
    for finding in out:
        unique.setdefault((finding.line, finding.message.split("`: ", 1)[-1]), finding)
    return list(unique.values())


APP_RUN = "flask.Flask().run"


def _serving(repo: RepoPlan, module: ModuleIndex, findings: list[Finding]) -> list[Span]:
    """Green-thread stacks and development servers a Quart app leaves behind: monkey-patching,
    Socket.IO/Sockets handlers, gevent/eventlet gunicorn workers, `app.run(...)`."""
    serving = loader.quart_api().serving
    linker = repo.linker
    hypercorn = serving.hypercorn.format(module=module.module.split("@")[0] or "app")
    runs: list[Span] = []

    def add(code: str, message: str, line: int, col: int = 0, severity: Severity = Severity.WARNING) -> None:
        findings.append(Finding(code, severity, message, module.path, line, col))

    uses = [u for f in module.functions for u in f.uses] + list(module.module_uses)
    for use in uses:
        if use.kind != "call":
            continue
        resolved = linker.resolve(use.ref)
        if resolved in serving.monkey_patches:
            add("QFY160", f"`{use.text}()` patches the standard library for green threads; Quart runs on asyncio: "
                f"remove it and serve with `{hypercorn}` (`-k uvloop` for the uvloop worker)", use.span.line, use.span.col)
        elif resolved in serving.socket_runs:
            add("QFY161", f"`{use.text}()` starts a Socket.IO server; Quart serves websockets itself: "
                f"`{hypercorn}`", use.span.line, use.span.col)
        elif resolved == APP_RUN:
            runs.append(use.span)
            add("QFY162", f"`{use.text}()` is Quart's development server (its reloader is on by default); in "
                f"production serve with `{hypercorn}` (`-k uvloop` for the uvloop worker). Keywords Quart ignores are dropped and "
                "`ssl_context=(cert, key)` becomes `certfile=`/`keyfile=`", use.span.line, use.span.col, Severity.INFO)
    for func in module.functions:
        for dec in func.decorators:
            if linker.resolve(dec.ref) in serving.socket_handlers:
                add("QFY161", f"`{func.name}` is a Flask-SocketIO/Flask-Sockets handler: in Quart write it as "
                    "`@app.websocket(rule)` with `await websocket.receive()` / `await websocket.send(...)` "
                    "(python-socketio's ASGI server can wrap the app when the Socket.IO protocol is needed)",
                    dec.span.line, dec.span.col)
    if module.worker_class is not None and module.worker_class[1] in serving.green_workers:
        line, worker = module.worker_class
        add("QFY163", f"gunicorn worker_class {worker!r} serves WSGI apps on green threads; a Quart app is ASGI: "
            f"`{serving.hypercorn.format(module='<module>')}` (`-k uvloop` for the uvloop worker)", line)
    return runs


def _in_uncertain_family(repo: RepoPlan, func: FunctionInfo) -> bool:
    return any(func.qualname in repo.graph.wrappers.get(d, ()) for d in repo.graph.uncertain_decorators)

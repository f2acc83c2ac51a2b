"""What each finding code means, for reports that describe their rules (SARIF `rules`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from quartify.core.types import Finding
from quartify.rules.blocking import BlockingRule, RuleError, tables


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str  # a PascalCase identifier, as SARIF's reportingDescriptor.name expects
    summary: str  # one line
    help: str  # plain text: what to do about it
    severity: str  # the default: error, warning or info
    category: str


# The codes outside the blocking-call tables (README "Findings"):
# code: (name, summary, help, default severity, category).
_CORE: dict[str, tuple[str, str, str, str, str]] = {
    "QFY001": (
        "CannotMigrate",
        "the file could not be read, parsed or written; it was left unchanged",
        "Fix the syntax, encoding or permission problem (the message says which), then run quartify again.",
        "error",
        "input",
    ),
    "QFY002": (
        "VerificationFailed",
        "the rewritten file failed verification; the original was left unchanged",
        "Migrate this file by hand, and report the case to quartify.",
        "error",
        "verify",
    ),
    "QFY003": (
        "FormatterFailed",
        "--format-code: black could not format the rewritten file",
        "quartify's output is kept as it is; format the file by hand.",
        "info",
        "format",
    ),
    "QFY004": (
        "PathSkipped",
        (
            "a path was left alone: not a regular file (FIFO, socket, device), a dangling or looping "
            "symbolic link, a link to a file outside the tree, or a hard-linked file whose other names "
            "keep the old text"
        ),
        "Migrate the file where it really lives, or check the other names of a hard-linked file.",
        "warning",
        "input",
    ),
    "QFY005": (
        "KeptUnchangedPinsColour",
        "a file kept unchanged keeps its functions sync; callers in other files were planned without await",
        "Migrate the kept file by hand (its QFY001/QFY002 finding says why it was kept); then run quartify again "
        "so its callers await what became async.",
        "warning",
        "verify",
    ),
    "QFY006": (
        "FileTooLarge",
        "a Python file over the size limit (2,000,000 bytes by default) was left unchanged",
        (
            "Usually generated code that needs no migration; otherwise raise the limit with --max-file-size "
            "(0: no limit)."
        ),
        "warning",
        "input",
    ),
    "QFY101": (
        "AwaitImpossibleHere",
        (
            "a Quart awaitable or async call cannot be awaited where it stands (lambda, generator "
            "expression, or a function that must stay sync)"
        ),
        (
            "Restructure the code so the awaitable is reached from an async function, e.g. compute the "
            "value before the lambda or generator, or move the work out of the sync-only function."
        ),
        "error",
        "async",
    ),
    "QFY102": (
        "AsyncWithImpossibleHere",
        "a `with` needs `async with` in a function that must stay sync",
        "Move the context manager into an async function.",
        "error",
        "async",
    ),
    "QFY103": (
        "AwaitAtModuleLevel",
        "an awaitable is used at module level",
        "Move the call into an async function, e.g. a `before_serving` hook.",
        "error",
        "async",
    ),
    "QFY104": (
        "UnresolvedCallMayNeedAwait",
        "a call quartify cannot resolve shares its name with a method that became async",
        "If the call reaches the async method, add `await` and make the caller async.",
        "warning",
        "async",
    ),
    "QFY105": (
        "StreamWithContextAtModuleLevel",
        "`@stream_with_context` at module level (Quart applies it eagerly)",
        "Apply `stream_with_context` inside the view that returns the stream.",
        "error",
        "quart-api",
    ),
    "QFY107": (
        "GeneratorReturnDropped",
        "a streamed generator became an async generator, which cannot return a value: the value was dropped",
        "Nothing to do unless other code read the generator's return value (Flask's streaming never did).",
        "info",
        "colouring",
    ),
    "QFY108": (
        "FactoryRunsAsyncHelper",
        "an app factory stays sync but calls a helper that became async, or enters an app context itself: the helper, or the block moved into a nested async def, runs on its own event loop in a worker thread",
        "Nothing to do unless the helper creates something bound to an event loop (an async client or pool): create that in a `before_serving` hook instead.",
        "info",
        "colouring",
    ),
    "QFY109": (
        "AsyncWrapperOverSyncFunction",
        "a function that stays sync is decorated with a decorator whose wrapper became async: its name now gives a coroutine",
        "Make the function async by hand (and await its calls), or give it a sync copy of the decorator.",
        "error",
        "colouring",
    ),
    "QFY110": (
        "FlaskImportKept",
        "a Flask import with no Quart counterpart stays on Flask",
        "Find a Quart equivalent, or keep Flask installed for this import.",
        "warning",
        "imports",
    ),
    "QFY120": (
        "FlaskExtensionDependency",
        "a Flask extension dependency, with its Quart replacement",
        "Replace the extension with its Quart counterpart and adapt its use.",
        "warning",
        "dependencies",
    ),
    "QFY121": (
        "PytestFlaskDependency",
        "`pytest-flask`, which has no Quart counterpart",
        "Replace pytest-flask fixtures with fixtures around Quart's test client.",
        "warning",
        "dependencies",
    ),
    "QFY122": (
        "DependencyNotRewritten",
        "a Flask dependency quartify could not rewrite (lock file, multi-line requirement)",
        "Update the dependency by hand (and regenerate the lock file).",
        "warning",
        "dependencies",
    ),
    "QFY123": (
        "PytestAsyncioModeChanged",
        "`asyncio_mode` changed to `auto`",
        "Check that the rest of the test suite is fine with pytest-asyncio's auto mode.",
        "info",
        "dependencies",
    ),
    "QFY124": (
        "DependencyFileUnparsable",
        "a dependency or configuration file does not parse",
        "Fix the file, then run quartify again.",
        "warning",
        "dependencies",
    ),
    "QFY125": (
        "PytestConfigWritten",
        "no pytest configuration was found, so quartify wrote pytest.ini for pytest-asyncio",
        "Move the settings into your usual configuration file if you prefer.",
        "info",
        "dependencies",
    ),
    "QFY106": (
        "AsyncOverrideOfSyncMethod",
        "a test double's override became async while the shipped method it overrides stays sync",
        "Keep the override sync (run its async work with asyncio.run in a thread), or make the shipped client async.",
        "warning",
        "colouring",
    ),
    "QFY126": (
        "ExtensionDependencyPorted",
        "a Flask extension dependency replaced by its Quart port, because the same run moved its imports",
        "Nothing to do: the port's version is the lowest measured to install beside Quart >= 0.22 "
        "(docs/extensions.md).",
        "info",
        "dependencies",
    ),
    "QFY127": (
        "ImportNotProvided",
        "the migrated code imports a module that none of the project's dependency files installs",
        "Add the requirement the message names to the file where the project lists its requirements, "
        "or install it with the migrated code.",
        "warning",
        "dependencies",
    ),
    "QFY128": (
        "RequirementsWritten",
        "the project had no dependency file, so quartify wrote requirements.txt with what the migrated code imports",
        "Move the requirements into your usual packaging file if you prefer.",
        "info",
        "dependencies",
    ),
    "QFY140": (
        "FlaskExtension",
        "a Flask extension import, with its Quart replacement",
        "Switch to the Quart port named in the message, or keep the extension with care: it reads Flask's globals.",
        "warning",
        "extensions",
    ),
    "QFY141": (
        "ExtensionImportMoved",
        "a Flask extension import moved to its Quart port",
        "Install the Quart port and check the note in the message.",
        "info",
        "extensions",
    ),
    "QFY142": (
        "FormInitSignature",
        "a form with its own `__init__` positional parameters cannot be built by Quart-WTF's `create_form`",
        (
            "create_form passes the submitted data as the first positional argument: make the extra parameters "
            "keyword-only and pass them by keyword to `await Form.create_form(...)`."
        ),
        "error",
        "extensions",
    ),
    "QFY143": (
        "FlaskPatchRoute",
        "Flask extensions run unchanged under quart-flask-patch (plus the compat module quartify writes)",
        (
            "The extensions' synchronous code runs on the event loop: move slow work to a Quart port or an "
            "async library (docs/extensions.md) when latency matters."
        ),
        "warning",
        "extensions",
    ),
    "QFY150": (
        "MissingQuartApi",
        "a Flask API Quart does not have",
        "Use the Quart equivalent named in the message.",
        "error",
        "api",
    ),
    "QFY151": (
        "CopiedContextInThread",
        "copy_current_request_context(f) handed to a thread: Quart's wrapper is async, the thread never runs it",
        "Run the wrapped function on the event loop (asyncio.ensure_future(copy_current_request_context(f)())) "
        "or use current_app.add_background_task(f).",
        "error",
        "api",
    ),
    "QFY152": (
        "RequestPropertyAssigned",
        "an assignment to request.form/json/data/files/values, read-only awaitable properties in Quart",
        "Keep the replaced value in a local or on g and read it from there.",
        "error",
        "api",
    ),
    "QFY153": (
        "TemplateAttributeRaises",
        "get_template_attribute, which raises under Quart, or a call of the macro it returned, left because they could not be rewritten together",
        "Load the template with `await template.make_module_async()` and await each macro call.",
        "error",
        "api",
    ),
    "QFY154": (
        "JinjaTemplateRenderedSync",
        "a template of Quart's async Jinja environment rendered with a sync render(), generate() or stream() that quartify could not make async",
        "In an async function use `await template.render_async(...)`, or iterate `template.generate_async(...)`.",
        "error",
        "api",
    ),
    "QFY155": (
        "MaybeJinjaTemplateRenderedSync",
        "render(), generate() or stream() of a template loaded from a value quartify cannot type: if it is Quart's Jinja environment, the sync call raises in the running loop",
        "If the environment is the app's (or an overlay of it), use `await template.render_async(...)`.",
        "warning",
        "api",
    ),
    "QFY156": (
        "ViewCalledFromRegistryUnawaited",
        "a view called through app.view_functions that quartify could not await (endpoint not a literal, view already async, or a caller that stays sync)",
        "Await the call in an async function once the view it reaches is async.",
        "warning",
        "async",
    ),
    "QFY160": (
        "GreenThreadPatching",
        "gevent/eventlet monkey-patching, which a Quart app does not need",
        "Remove the monkey-patching and serve the app with Hypercorn.",
        "warning",
        "serving",
    ),
    "QFY161": (
        "SocketIoHandler",
        "a Flask-SocketIO or Flask-Sockets handler or server",
        "Rewrite it as a Quart websocket route (`@app.websocket`), or wrap the app with python-socketio's ASGI server.",
        "warning",
        "serving",
    ),
    "QFY162": (
        "DevelopmentServer",
        "app.run(): Quart's development server",
        "Serve with Hypercorn in production (`hypercorn -k uvloop -w N module:app`, N at least the number of cores).",
        "info",
        "serving",
    ),
    "QFY163": (
        "GreenGunicornWorker",
        "a gunicorn config with eventlet/gevent workers",
        "A Quart app is ASGI: serve it with Hypercorn (`hypercorn -k uvloop -w N module:app`, N at least the number of cores).",
        "error",
        "serving",
    ),
    "QFY170": (
        "UnsafeFixRefusedSqlite",
        "--unsafe-fixes kept sqlite3: one shape the aiosqlite swap cannot follow keeps it everywhere",
        "Change the shape the message names (e.g. fetch the connection in an async method instead of `__init__`), "
        "or move the sqlite work off the loop by hand; then run quartify again.",
        "warning",
        "unsafe-fixes",
    ),
    "QFY171": (
        "UnsafeFixRefusedHttp",
        "--unsafe-fixes kept a requests call: the httpx swap cannot carry one of its arguments or uses",
        "Rewrite the call with httpx.AsyncClient by hand (see httpx's compatibility notes), or leave it offloaded.",
        "warning",
        "unsafe-fixes",
    ),
    "QFY172": (
        "BlockingHelperOffloaded",
        "a sync helper holding blocking calls runs in a worker thread where an async function calls it",
        "Nothing to do: `await asyncio.to_thread(helper, ...)` copies the request context. Use --blocking todo to "
        "keep the helper on the loop with TODO comments instead.",
        "info",
        "blocking",
    ),
    "QFY130": (
        "TestClientArgument",
        "a test-client argument Quart takes differently and quartify cannot reshape",
        "Pass the argument the Quart way (e.g. `form=` for form data, `json=` for JSON).",
        "warning",
        "tests",
    ),
    "QFY131": (
        "TestClientMethodMissing",
        "a test-client method Quart does not have",
        "Rewrite the test without this method (e.g. read cookies from the cookie jar).",
        "error",
        "tests",
    ),
    "QFY132": (
        "AsyncFixtureByName",
        "an async test asks for an async fixture with `request.getfixturevalue()`, which pytest-asyncio cannot set up there",
        "Take the fixture as a parameter of the test instead of asking for it by name.",
        "warning",
        "tests",
    ),
    "QFY134": (
        "UnresolvedTestClientCall",
        (
            "a request method called on a test client (`x.test_client()`, often returned by a helper) whose "
            "app quartify cannot resolve: a coroutine under Quart, left without `await`"
        ),
        (
            "Add `await` to the calls (and make the tests async); the group names the helper or expression "
            "the client comes from, so one change there (an app quartify can resolve) may settle every site."
        ),
        "error",
        "tests",
    ),
    "QFY133": (
        "UnpinnedGetattr",
        (
            "`getattr(obj, name)` on a test client, test response or the request with a name quartify "
            "cannot pin (a parameter, a list that may change, a computed string), or a pinned read of an "
            "awaitable property through `getattr`: left without `await`"
        ),
        (
            "Await the call by hand when the name is always a request method, or dispatch with "
            "`client.open(path, method=name.upper())`; read `data`/`json`/`form`/`files`/`values` directly "
            "(`await response.data`)."
        ),
        "warning",
        "tests",
    ),
}

TYPECHECK_RULES: dict[str, RuleInfo] = {
    "missed-await": RuleInfo(
        "typecheck/missed-await", "TypecheckMissedAwait",
        "the type checker found a coroutine used without `await` after the migration",
        "Add `await` (and make the caller async), or run the call where it is awaited.", "error", "typecheck"),
    "quart-api": RuleInfo(
        "typecheck/quart-api", "TypecheckQuartApi",
        "the type checker found a Quart API used the Flask way after the migration",
        "Adapt the call to Quart's API (see the message for the expected type).", "error", "typecheck"),
    "other": RuleInfo(
        "typecheck/other", "TypecheckOther",
        "the type checker found a new error after the migration",
        "Read the type checker's message; it was not reported before the migration.", "error", "typecheck"),
}


def _blocking_info(rule: BlockingRule) -> RuleInfo:
    replacement = rule.replacement
    version = f" >= {replacement.min_version}" if replacement.min_version else ""
    help_text = f"Use {replacement.call} ({replacement.package}{version})."
    if rule.note:
        help_text += " " + rule.note
    name = "Blocking" + "".join(part.capitalize() for part in rule.category.replace("-", " ").split())
    return RuleInfo(rule.code, name, rule.summary, help_text, rule.severity, rule.category)


@cache
def _blocking() -> dict[str, RuleInfo]:
    try:
        return {rule.code: _blocking_info(rule) for rule in tables().rules}
    except (RuleError, OSError):  # the bundled tables are tested; never fail a report over them
        return {}


def rule_info(code: str, example: Finding | None = None) -> RuleInfo:
    """The metadata for `code`; an unknown code (a project's own rule) is described from `example`."""
    core = _CORE.get(code)
    if core is not None:
        return RuleInfo(code, *core)
    blocking = _blocking().get(code)
    if blocking is not None:
        return blocking
    summary = example.message.split(";")[0] if example is not None else f"quartify finding {code}"
    severity = example.severity.value if example is not None else "warning"
    return RuleInfo(code, "Finding" + code.replace("-", ""), summary, summary, severity, "other")

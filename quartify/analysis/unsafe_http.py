"""requests -> httpx (`--unsafe-fixes`): which calls become awaitable, or why none may.

`requests.get(url, ...)` and the verb methods of a `requests.Session()` become
`await quartify_http.client().get(url, ...)`: one `httpx.AsyncClient` per event loop, written into
the project as `quartify_http.py` (quartify/runtime/quartify_http.py says why per loop). Carried:
`params=`, `json=`, `headers=`, `timeout=` (a number), `data=` (a dict; text or bytes become
`content=`), `allow_redirects=` -> `follow_redirects=`; the client follows redirects and has no
timeout, as requests. On the response: `json()`, `raise_for_status()`, `status_code`, `text`,
`content`, `headers`, and `ok` -> `is_success`. In `except` clauses requests' exceptions become
httpx's nearest ones.

All or nothing, like the sqlite swap: one call or use the map cannot carry keeps requests in the
whole repo (a refusal where it stands), so no response or exception of one library meets code
written for the other.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from quartify.analysis.link import Linker
from quartify.analysis.model import CTX_OK, Use
from quartify.analysis.unsafe_sqlite import Refusal
from quartify.rules.loader import Awaitable, AwaitKind

VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
SESSIONS = ("requests.Session()", "requests.sessions.Session()")
FUNCTIONS = frozenset(f"{mod}.{verb}" for mod in ("requests", "requests.api") for verb in VERBS)
METHODS = frozenset(f"{s}.{verb}" for s in SESSIONS for verb in VERBS)
CALLS = FUNCTIONS | METHODS
KEYWORDS = frozenset({"params", "json", "data", "headers", "timeout", "allow_redirects"})
RESPONSE = frozenset({"json", "raise_for_status", "status_code", "text", "content", "headers", "ok"})
# requests' exception -> httpx's nearest (httpx docs, compatibility.md and exceptions.md).
EXCEPTIONS = {"RequestException": "HTTPError", "HTTPError": "HTTPStatusError", "Timeout": "TimeoutException",
              "ConnectionError": "NetworkError", "ConnectTimeout": "ConnectTimeout", "ReadTimeout": "ReadTimeout",
              "TooManyRedirects": "TooManyRedirects"}
REQUESTS_EXCEPTIONS = frozenset({
    *EXCEPTIONS, "ProxyError", "SSLError", "URLRequired", "MissingSchema", "InvalidSchema", "InvalidURL",
    "InvalidHeader", "ChunkedEncodingError", "ContentDecodingError", "StreamConsumedError", "RetryError",
    "JSONDecodeError", "InvalidJSONError", "UnrewindableBodyError",
})
MOCKING = ("responses", "requests_mock", "httpretty")


@dataclass(frozen=True)
class HttpSwap:
    awaitables: dict[str, Awaitable]
    refusals: tuple[Refusal, ...] = ()
    used: bool = False


def exception_of(resolved: str) -> str | None:
    """`requests.exceptions.Timeout` -> `Timeout` (a requests exception name), else None."""
    for prefix in ("requests.exceptions.", "requests."):
        name = resolved[len(prefix):] if resolved.startswith(prefix) else ""
        if name in REQUESTS_EXCEPTIONS:
            return name
    return None


def _calls_by_position(source: str) -> dict[tuple[int, int], ast.Call]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    return {(n.lineno, n.col_offset): n for n in ast.walk(tree) if isinstance(n, ast.Call)}


def call_problem(call: ast.Call | None, resolved: str) -> str | None:
    """Why the arguments of this requests call cannot be carried to httpx, or None."""
    if call is None:
        return "quartify could not read the call's arguments"
    positional = 2 if resolved.endswith(".request") else 1
    if len(call.args) > positional or any(isinstance(a, ast.Starred) for a in call.args):
        return "arguments beyond the URL are passed by position (httpx takes them by keyword)"
    for kw in call.keywords:
        if kw.arg is None:
            return "`**kwargs` may carry arguments httpx takes differently"
        if kw.arg not in KEYWORDS:
            return f"`{kw.arg}=` has no direct httpx counterpart on a request"
        if kw.arg == "timeout" and isinstance(kw.value, ast.Tuple):
            return "a (connect, read) timeout tuple means something else to httpx"
        if kw.arg == "data" and not isinstance(kw.value, (ast.Dict, ast.DictComp, ast.Constant)):
            return "`data=` may hold raw text or bytes, which httpx takes as `content=`"
    return None


def _member(resolved: str) -> str | None:
    """`requests.get().json` -> `json`: a member read on a response of a swapped call."""
    for call in CALLS:
        prefix = f"{call}()."
        if resolved.startswith(prefix):
            return resolved[len(prefix):]
    return None


def _why_not(linker: Linker, use: Use, resolved: str) -> str | None:
    member = _member(resolved)
    if member is not None:
        if "(" in member or "." in member:
            return None  # a read of what a member gave (`r.json()["x"]`, `r.headers.get`)
        if member not in RESPONSE:
            return f"`{use.text}` reads a response member httpx names or types differently"
        return None
    if any(resolved == f"{call}()" for call in CALLS) and use.arg_of and use.arg_of != "?":
        if linker.resolve(use.arg_of) not in linker.functions:
            return f"the response `{use.text}` is handed to `{use.arg_of.rsplit('.', 1)[-1]}()`"
    for session in SESSIONS:
        if resolved.startswith(session + "."):
            rest = resolved[len(session) + 1:]
            if rest.split(".", 1)[0].split("(", 1)[0] not in VERBS:
                return f"`{use.text}` configures or uses the session beyond its request methods"
        if resolved == session and (use.with_item or (use.arg_of and use.arg_of != "?")):
            return f"the session `{use.text}` is used as a value"
    name = exception_of(resolved)
    if name is not None and name not in EXCEPTIONS and use.kind == "attr":
        return f"`{use.text}` has no httpx counterpart quartify maps"
    if resolved.split(".", 1)[0] in MOCKING:
        return f"the tests mock requests with `{resolved.split('.', 1)[0]}`, which does not see httpx"
    if use.kind == "call" and use.key and "requests." in use.key and resolved.rsplit(".", 1)[-1] in ("setattr", "patch"):
        return f"`{use.text}(\"{use.key}\", ...)` patches requests, which the swapped code no longer calls"
    return None


def http_swap(linker: Linker, sources: Mapping[str, str]) -> HttpSwap:
    """The calls to await once requests is httpx, or the refusals that keep requests."""
    refusals: list[Refusal] = []
    used = False
    for mod in sorted(linker.modules.values(), key=lambda m: m.path):
        calls: dict[tuple[int, int], ast.Call] | None = None
        for use in mod.module_uses:
            resolved = linker.resolve(use.ref)
            if use.kind == "call" and resolved in CALLS:
                refusals.append(Refusal(mod.path, use.span.line, f"`{use.text}()` runs at import time"))
        for func in mod.functions:
            for use in func.uses:
                resolved = linker.resolve(use.ref)
                if use.kind == "call" and resolved in CALLS:
                    used = True
                    if calls is None:
                        calls = _calls_by_position(sources.get(mod.path, ""))
                    why = call_problem(calls.get((use.span.line, use.span.col)), resolved)
                    if use.ctx != CTX_OK:
                        why = f"it sits in a {use.ctx}, where it cannot be awaited"
                    if why is not None:
                        refusals.append(Refusal(mod.path, use.span.line, f"`{use.text}()`: {why}"))
                    continue
                why = _why_not(linker, use, resolved)
                if why is not None:
                    refusals.append(Refusal(mod.path, use.span.line, why))
    if not sources:
        refusals.append(Refusal("?", 0, "no sources to read the calls' arguments from"))
    return HttpSwap({name: Awaitable(name, AwaitKind.CALL, name) for name in sorted(CALLS)}, tuple(refusals), used)

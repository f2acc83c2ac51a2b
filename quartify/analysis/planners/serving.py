"""What a Quart app leaves behind from WSGI serving: green-thread monkey-patching, Socket.IO and
Sockets handlers, gevent/eventlet gunicorn workers, and `app.run(...)` keywords Quart ignores."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quartify.analysis.edits import Edit
from quartify.analysis.planners import planner
from quartify.analysis.planners.context import FileContext
from quartify.core.types import Finding, Severity

APP_RUN = "flask.Flask().run"


@dataclass(frozen=True)
class AppRun(Edit):
    """`app.run(...)`: drop the keywords Quart ignores, `ssl_context` -> `certfile`/`keyfile`."""


# Hypercorn starts one worker process unless told: one core for the whole app. Measured with
# benchmarks/throughput.py (docs/performance.md): one uvloop worker per core is the floor.
SERVE_FLAGS = "`-k uvloop -w N`: the uvloop worker, N worker processes, at least one per core; Hypercorn starts one"


@planner
def plan_serving(ctx: FileContext) -> Iterator[AppRun | Finding]:
    serving = ctx.api.serving
    module = ctx.module
    hypercorn = serving.hypercorn.format(module=module.module.split("@")[0] or "app")
    for use in ctx.all_uses:
        if use.kind != "call":
            continue
        resolved = ctx.resolve(use.ref)
        line, col = use.span.line, use.span.col
        if resolved in serving.monkey_patches:
            yield ctx.finding(
                "QFY160", Severity.WARNING,
                f"`{use.text}()` patches the standard library for green threads; Quart runs on asyncio: "
                f"remove it and serve with `{hypercorn}` ({SERVE_FLAGS})", line, col)
        elif resolved in serving.socket_runs:
            yield ctx.finding(
                "QFY161", Severity.WARNING,
                f"`{use.text}()` starts a Socket.IO server; Quart serves websockets itself: `{hypercorn}`", line, col)
        elif resolved == APP_RUN:
            yield AppRun(use.span)
            yield ctx.finding(
                "QFY162", Severity.INFO,
                f"`{use.text}()` is Quart's development server (its reloader is on by default); in "
                f"production serve with `{hypercorn}` ({SERVE_FLAGS}). Keywords Quart ignores "
                "are dropped and `ssl_context=(cert, key)` becomes `certfile=`/`keyfile=`", line, col)
    for func in module.functions:
        for dec in func.decorators:
            if ctx.resolve(dec.ref) in serving.socket_handlers:
                yield ctx.finding(
                    "QFY161", Severity.WARNING,
                    f"`{func.name}` is a Flask-SocketIO/Flask-Sockets handler: in Quart write it as "
                    "`@app.websocket(rule)` with `await websocket.receive()` / `await websocket.send(...)` "
                    "(python-socketio's ASGI server can wrap the app when the Socket.IO protocol is needed)",
                    dec.span.line, dec.span.col)
    if module.worker_class is not None and module.worker_class[1] in serving.green_workers:
        line, worker = module.worker_class
        yield ctx.finding(
            "QFY163", Severity.ERROR,
            f"gunicorn worker_class {worker!r} serves WSGI apps on green threads; a Quart app is ASGI: "
            f"`{serving.hypercorn.format(module='<module>')}` ({SERVE_FLAGS})", line)

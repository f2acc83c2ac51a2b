"""SQLAlchemy session registries bound to a thread: `scoped_session(factory)` with no `scopefunc`.

Such a registry hands each thread its own Session (a `threading.local`), and its methods
(`db_session.commit()`, `.execute()`, `.scalars()`, ...) act on the calling thread's Session.
Offloading those calls one by one (`await asyncio.to_thread(db_session.commit)`) runs them on a
worker thread's Session: the objects the view added on the loop thread are never committed, and
nothing fails (seen on two real apps whose test fixture swaps `db.session` for
`scoped_session(sessionmaker(bind=connection))`: a created row had no id). A registry given a
`scopefunc` (Flask-SQLAlchemy's own, keyed by the app context that `to_thread` copies) is not
thread-bound, and a Session taken from the registry (`session = db_session()`) is one object
wherever it runs; neither is concerned.

The index records each assignment of such a registry, to a module-level name or to an attribute
(`db.session = scoped_session(...)` in a conftest reaches the `db.session` the views use), and the
blocking planner leaves the calls on these receivers on the loop, with the reason.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from quartify.analysis.model import ModuleIndex

SCOPED_SESSION = frozenset({"sqlalchemy.orm.scoped_session", "sqlalchemy.orm.scoping.scoped_session"})
# What any registry resolves to (the rules type it so): a key for none in particular.
GENERIC = frozenset({"scoped_session()"})


def thread_local(value: ast.expr, ref: Callable[[ast.AST], str | None]) -> bool:
    """`value` builds a thread-local registry: `scoped_session(factory)` without a scopefunc
    (the keyword, or the second positional argument). The callee is resolved only when it is
    spelled `scoped_session` (every assignment of a call comes here; an alias is not followed)."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    spelled = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    return (
        spelled == "scoped_session"
        and ref(func) in SCOPED_SESSION
        and len(value.args) < 2
        and not any(k.arg in ("scopefunc", None) for k in value.keywords)
    )


def registries(modules: Iterable[ModuleIndex], resolve: Callable[[str], str]) -> dict[str, tuple[str, int]]:
    """The receivers a call on a thread-local registry has, with where the registry is assigned
    (the first place, in module order): the target as written through imports
    (`shop.database.db_session`), and what the linker resolves it to when that names this one
    object (`db.session` -> `flask_sqlalchemy.SQLAlchemy().session`), not just any registry
    (`sqlalchemy.orm.scoped_session()`, which registries with a scopefunc resolve to as well)."""
    found: dict[str, tuple[str, int]] = {}
    for module in modules:
        for line, ref in module.thread_local_sessions:
            found.setdefault(ref, (module.path, line))
            resolved = resolve(ref)
            if resolved.rpartition(".")[2] not in GENERIC and not resolved.startswith(("@", "?")):
                found.setdefault(resolved, (module.path, line))
    return found


def registry_of(registries: dict[str, tuple[str, int]], ref: str, resolve: Callable[[str], str]) -> tuple[str, int] | None:
    """Where the thread-local registry a call `ref` (`db_session.commit`) is made on is assigned,
    or None when its receiver is no such registry."""
    receiver = ref.rpartition(".")[0]
    return registries.get(receiver) or registries.get(resolve(ref).rpartition(".")[0])

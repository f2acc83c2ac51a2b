"""What every dependency-file format shares: requirement parsing, the extension matrix rows, and
the plan for one list of requirements (which entries become Quart, which are reported,
where `pytest-asyncio` goes).

The format modules only know where the requirements sit in their file and how to edit them
there without disturbing anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache

from quartify.core.types import Finding, Severity
from quartify.rules import extensions as extension_rows
from quartify.rules.extensions import ExtensionRow, Strategy

QUART = "quart"
QUART_FLOOR = ">=0.22"
PYTEST_ASYNCIO = "pytest-asyncio"
PYTEST_ASYNCIO_FLOOR = ">=0.24"
PYTEST_ASYNCIO_REQUIREMENT = PYTEST_ASYNCIO + PYTEST_ASYNCIO_FLOOR
# Flask extras Quart also offers: `flask[dotenv]` becomes `quart[dotenv]`; the rest are dropped.
SHARED_EXTRAS = ("dotenv",)

# The pytest settings quart-api.md §3.6 asks for. `asyncio_mode` is forced to "auto" (the
# converted tests are plain `async def`); a loop scope the project already chose is kept.
PYTEST_KEYS: tuple[tuple[str, str], ...] = (
    ("asyncio_mode", "auto"),
    ("asyncio_default_fixture_loop_scope", "function"),
)
FORCED_PYTEST_KEYS = frozenset({"asyncio_mode"})

CODE_EXTENSION = "QFY120"
CODE_PYTEST_PLUGIN = "QFY121"
CODE_NOT_REWRITTEN = "QFY122"
CODE_PYTEST_SETTING = "QFY123"
CODE_UNPARSABLE = "QFY124"
CODE_PORTED = "QFY126"

# Distributions (PEP 503 names) whose imports this run rewrote to their Quart port: their
# requirement becomes the row's `requirement`. Set around one file's rewrite by `ported()`.
_PORTED: ContextVar[frozenset[str]] = ContextVar("ported", default=frozenset())


# Requirements the migrated code imports beyond Quart and the ports (`quart-flask-patch>=0.3`
# on the patch route): added after the entry that became Quart, unless the list names them.
_ALSO: ContextVar[tuple[str, ...]] = ContextVar("also", default=())


@contextmanager
def ported(dists: frozenset[str], also: tuple[str, ...] = ()) -> Iterator[None]:
    """Within the block, requirements on `dists` are replaced by their Quart port's, and every
    list that gets Quart also gets `also`."""
    token = _PORTED.set(dists)
    also_token = _ALSO.set(also)
    try:
        yield
    finally:
        _ALSO.reset(also_token)
        _PORTED.reset(token)


def normalise(name: str) -> str:
    """PEP 503 normalisation: `Flask_SQLAlchemy` and `flask.sqlalchemy` are `flask-sqlalchemy`."""
    return re.sub(r"[-_.]+", "-", name).lower()


_NAME = re.compile(r"[ \t]*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EXTRAS = re.compile(r"[ \t]*\[([^\]]*)\]")
# Where the requirement proper ends: a marker, an inline comment, a per-requirement option.
_STOP = re.compile(r";|[ \t]#|[ \t]--?[A-Za-z]|[ \t]*\\$|$")
# What may follow the name (and extras): a version specifier, a URL, or nothing.
_SPEC = re.compile(r"[ \t]*(?:@|[<>=!~(]|$)")


@dataclass(frozen=True)
class Requirement:
    """One PEP 508 requirement inside a longer text; `start:end` covers name, extras and
    version or URL, so replacing that span keeps markers, comments and spacing."""

    name: str  # normalised
    spelled: str  # as written
    start: int
    end: int
    extras: tuple[str, ...] = ()


def parse_requirement(text: str) -> Requirement | None:
    m = _NAME.match(text)
    if m is None:
        return None
    pos = m.end()
    extras: tuple[str, ...] = ()
    e = _EXTRAS.match(text, pos)
    if e is not None:
        extras = tuple(normalise(x.strip()) for x in e.group(1).split(",") if x.strip())
        pos = e.end()
    stop = _STOP.search(text, pos)
    assert stop is not None  # `$` always matches
    spec = text[pos : stop.start()]
    if not _SPEC.match(spec):
        return None
    return Requirement(normalise(m.group(1)), m.group(1), m.start(1), pos + len(spec.rstrip()), extras)


def quart_extras(flask_extras: Sequence[str]) -> tuple[str, ...]:
    return tuple(x for x in SHARED_EXTRAS if x in flask_extras)


def quart_requirement(flask_extras: Sequence[str] = ()) -> str:
    extras = quart_extras(flask_extras)
    return QUART + (f"[{','.join(extras)}]" if extras else "") + QUART_FLOOR


@dataclass(frozen=True)
class Tables:
    """The matrix rows a dependency file can name: extensions and Flask test helpers."""

    extensions: Mapping[str, ExtensionRow]
    plugins: Mapping[str, ExtensionRow]


@cache
def tables() -> Tables:
    rows = extension_rows.load()
    return Tables(
        {row.dist: row for row in rows if row.kind == "extensions"},
        {row.dist: row for row in rows if row.kind == "plugins"},
    )


def _advice(row: ExtensionRow) -> str:
    if row.strategy is Strategy.NATIVE:
        return f"its Quart port is `{row.requirement}`, which quartify writes here when it rewrites the imports. {row.advice}"
    if row.strategy is Strategy.PATCH:
        return f"it runs under quart-flask-patch (`{row.requirement}`): {row.advice}"
    return row.advice


@dataclass(frozen=True)
class Note:
    """A finding about the item at `index` of a requirement list, before it has a line."""

    index: int
    code: str
    severity: Severity
    message: str

    def at(self, path: str, line: int) -> Finding:
        return Finding(self.code, self.severity, self.message, path, line)


def classify(name: str, spelled: str, index: int) -> Note | None:
    """The finding for a Flask-only dependency (an extension or pytest-flask), if it is one."""
    t = tables()
    if name in t.plugins:
        entry = t.plugins[name]
        message = f"`{spelled}` is a test helper for Flask and was left in place; {entry.advice}"
        return Note(index, CODE_PYTEST_PLUGIN, Severity.WARNING, message)
    entry_or_none = t.extensions.get(name)
    if entry_or_none is not None:
        entry = entry_or_none
        message = f"`{spelled}` is built for Flask and was left in place; {_advice(entry)}"
        return Note(index, CODE_EXTENSION, Severity.WARNING, message)
    if name.startswith("flask-"):
        message = (
            f"`{spelled}` looks like a Flask extension and was left in place; quartify knows no "
            "Quart replacement for it. Check whether it works under Quart (see quart-flask-patch)."
        )
        return Note(index, CODE_EXTENSION, Severity.WARNING, message)
    return None


@dataclass(frozen=True)
class Plan:
    """What to do with one list of requirements.

    `replace` maps an index to the new text of its requirement span (name, extras, version);
    `ports` are those of them that became a Quart port (a Flask extension whose imports this
    run rewrote); `remove` drops Flask where Quart is already listed, a port already listed,
    and a pytest plugin that cannot run with a Quart app (a `drop` row); `add_after` is where
    `pytest-asyncio` goes (right after `pytest`), or None.
    """

    replace: Mapping[int, str] = field(default_factory=dict)
    ports: Mapping[int, ExtensionRow] = field(default_factory=dict)
    remove: frozenset[int] = frozenset()
    add_after: int | None = None
    notes: tuple[Note, ...] = ()
    # Ports of extensions this run moved that the list does not name: added right after the
    # entry that became Quart (`add_ports_after`), so no import lacks its package.
    add_ports: tuple[str, ...] = ()
    add_ports_after: int | None = None

    @property
    def edits(self) -> bool:
        return bool(self.replace or self.remove or self.add_after is not None or self.add_ports)


def plan(items: Sequence[tuple[str, str, tuple[str, ...]] | None], add_asyncio: bool = True) -> Plan:
    """Plan one list. Each item is `(normalised name, spelling, extras)`, or None for an
    entry that is not a named requirement (an include, a URL-only line, a table). Every format
    (requirements files, pyproject and setup.cfg lists, setup.py) can take the ports and the
    packages the migrated code imports that the list lacks: they are added after the entry that
    became Quart."""
    names = {item[0] for item in items if item is not None}
    replace: dict[int, str] = {}
    ports: dict[int, ExtensionRow] = {}
    moved = _PORTED.get()
    remove: set[int] = set()
    notes: list[Note] = []
    add_after: int | None = None
    became_quart: int | None = None
    for index, item in enumerate(items):
        if item is None:
            continue
        name, spelled, extras = item
        if name == "flask":
            if QUART in names:
                remove.add(index)
            else:
                replace[index] = quart_requirement(extras)
                became_quart = index if became_quart is None else became_quart
            continue
        if name == "pytest" and add_after is None and add_asyncio and PYTEST_ASYNCIO not in names:
            add_after = index
        row = tables().extensions.get(name)
        if name in moved and row is not None and row.requirement is not None and row.quart_package is not None:
            if normalise(row.quart_package) in names:
                remove.add(index)  # the port is already listed
            else:
                replace[index] = row.requirement
                ports[index] = row
            message = (f"`{spelled}` became `{row.requirement}`: this run rewrote its imports to the Quart port"
                       if index in ports else f"`{spelled}` was removed: its imports now use `{row.quart_package}`")
            notes.append(Note(index, CODE_PORTED, Severity.INFO, message))
            continue
        plugin = tables().plugins.get(name)
        if plugin is not None and plugin.drop:  # it would stop every test: removed, with why
            remove.add(index)
            notes.append(Note(index, CODE_PYTEST_PLUGIN, Severity.WARNING, f"`{spelled}` was removed: {plugin.advice}"))
            continue
        note = classify(name, spelled, index)
        if note is not None:
            notes.append(note)
    missing = _missing_ports(names, moved) if became_quart is not None else ()
    for requirement in missing:
        assert became_quart is not None
        message = f"added `{requirement}`: this run rewrote imports to that Quart port"
        notes.append(Note(became_quart, CODE_PORTED, Severity.INFO, message))
    also = tuple(r for r in _ALSO.get() if _name_of(r) not in names) if became_quart is not None else ()
    for requirement in also:
        assert became_quart is not None
        notes.append(Note(became_quart, CODE_PORTED, Severity.INFO, f"added `{requirement}`: the migrated code imports it"))
    add = (*missing, *also)
    return Plan(replace, ports, frozenset(remove), add_after, tuple(notes), add, became_quart if add else None)


def _name_of(requirement: str) -> str:
    parsed = parse_requirement(requirement)
    return parsed.name if parsed is not None else normalise(requirement)


def _missing_ports(names: set[str], moved: frozenset[str]) -> tuple[str, ...]:
    """The requirements of moved extensions a list names neither by the extension nor the port."""
    out = []
    for dist in sorted(moved):
        row = tables().extensions.get(dist)
        if row is None or row.requirement is None or row.quart_package is None:
            continue
        if dist not in names and normalise(row.quart_package) not in names:
            out.append(row.requirement)
    return tuple(out)


def unparsable(path: str, why: str, line: int = 1) -> Finding:
    return Finding(
        CODE_UNPARSABLE, Severity.WARNING, f"could not parse {path} ({why}); left unchanged", path, line
    )


def mode_changed(path: str, line: int, old: str) -> Finding:
    return Finding(
        CODE_PYTEST_SETTING,
        Severity.INFO,
        f"pytest `asyncio_mode` was {old!r}; set to 'auto' so the converted `async def` tests run "
        "without `@pytest.mark.asyncio`",
        path,
        line,
    )

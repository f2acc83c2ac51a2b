"""Value types shared by every stage.

Every stage hands plain frozen data to the next one, so a stage can run in a worker
process, be cached, or be tested on its own; renderers (terminal, JSON, ...) only ever
see these types.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


class Severity(str, enum.Enum):
    """How much a finding should worry the user; `error` means the output may not work."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Safety(str, enum.Enum):
    """Ruff-style fix applicability: only `safe` fixes are applied without asking."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY = "display-only"


@dataclass(frozen=True, order=True)
class Span:
    """A source range; lines 1-based, columns 0-based in characters (LibCST's convention)."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class ChainStep:
    """One hop of a reason chain: `what` happens at `path:line`."""

    path: str
    line: int
    what: str


@dataclass(frozen=True)
class Finding:
    """Something the user should know about one place in one file."""

    code: str
    severity: Severity
    message: str
    path: str
    line: int
    col: int = 0
    fix: str | None = None
    safety: Safety = Safety.DISPLAY
    chain: tuple[ChainStep, ...] = ()
    # The root cause this finding shares with others (`sqlite3`, the receiver a helper returns,
    # an extension): findings with the same code and group are one decision (report/groups.py).
    # Empty: the code alone groups it.
    group: str = ""
    # The group's decision when the planner knows better than the code's default help (a
    # Flask-SQLAlchemy call under quart-flask-patch: keep it or offload, not "use select(User)").
    decision: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.col, self.code, self.message)


class Status(str, enum.Enum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    FAILED = "failed"


@dataclass(frozen=True)
class FileResult:
    """What happened to one file; `new_source` is set only when the file changes."""

    path: Path
    status: Status
    old_source: str = ""
    new_source: str | None = None
    findings: tuple[Finding, ...] = ()
    functions_made_async: int = 0
    awaits_added: int = 0
    encoding: str = "utf-8"
    # Modules the new text imports that the old did not (module, first line), read by verification
    # from the output it parsed; None: the import check reads the texts itself.
    added_imports: tuple[tuple[str, int], ...] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class AsyncFunction:
    """A function the run made `async def`, with the chain that says why."""

    path: str
    line: int
    qualname: str
    chain: tuple[ChainStep, ...]


@dataclass(frozen=True)
class OtherFile:
    """A file outside a subset run's focus that the run's changes would also touch, and why
    (`caller of helper_a`): the run reports it but leaves it alone."""

    path: str
    why: str


@dataclass(frozen=True)
class RunResult:
    """The outcome of one pipeline run over a set of files."""

    files: tuple[FileResult, ...]
    excluded: int = 0
    findings: tuple[Finding, ...] = field(default=())
    async_functions: tuple[AsyncFunction, ...] = ()
    timings: tuple[tuple[str, float], ...] = ()  # stage -> seconds
    async_tests: bool = False  # some test module has async tests after the run (pytest-asyncio needed)
    leftovers: tuple[Path, ...] = ()  # temp files of killed runs, for the write step to remove
    also_needs: tuple[OtherFile, ...] = ()  # subset runs: other files the changes would touch

    @property
    def changed(self) -> tuple[FileResult, ...]:
        return tuple(f for f in self.files if f.status is Status.CHANGED)

    @property
    def failed(self) -> tuple[FileResult, ...]:
        return tuple(f for f in self.files if f.status is Status.FAILED)

    def all_findings(self) -> tuple[Finding, ...]:
        """Every finding, sorted, one per fact: a second finding with the same code at the same
        place (path, line, column) says nothing new and is dropped."""
        found = list(self.findings)
        for f in self.files:
            found.extend(f.findings)
        return dedupe(found)


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def dedupe(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """`findings` sorted, one per (code, path, line, column): the most severe, then the one with
    the shortest message (of a chain's findings, the one about its first call)."""
    best: dict[tuple[str, str, int, int], Finding] = {}
    for finding in findings:
        key = (finding.code, finding.path, finding.line, finding.col)
        kept = best.get(key)
        if kept is None or _preference(finding) < _preference(kept):
            best[key] = finding
    return tuple(sorted(best.values(), key=Finding.sort_key))


def _preference(finding: Finding) -> tuple[int, int, str]:
    return (_RANK[finding.severity], len(finding.message), finding.message)

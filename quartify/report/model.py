"""The one findings model every report format renders: built once from a run, then frozen.

`ReportData.from_run` gathers what the renderers need (display paths, per-file edit counts,
findings grouped by file and by root cause (report/groups.py), the optional type-check result, timings and the chain behind each
function made async) so that `json`, `sarif`, `md` and `html` all describe the same run the
same way. Renderers never look at anything else.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from quartify import __version__
from quartify.core.types import (
    ChainStep,
    dedupe,
    FileResult,
    Finding,
    RunResult,
    Safety,
    Severity,
    Status,
)

from quartify.report.groups import FindingGroup, build_groups

TYPECHECK_CATEGORIES = ("missed-await", "quart-api", "other")


@dataclass(frozen=True)
class TypecheckError:
    """One type-check error present after the migration but not before it.

    A position in the migrated source: `line` 1-based and `col` 0-based, like `Finding`.
    `category` is one of `TYPECHECK_CATEGORIES`: a coroutine used without `await`, a Quart
    API used the Flask way, or anything else; `hint` holds the checker's notes, one per line.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    category: str = "other"
    hint: str = ""

    def __post_init__(self) -> None:
        if self.category not in TYPECHECK_CATEGORIES:
            raise ValueError(f"unknown type-check category {self.category!r}; expected one of {TYPECHECK_CATEGORIES}")


@dataclass(frozen=True)
class TypecheckResult:
    """The type check run around the migration: errors before, after, and the new ones;
    `notes` says what made the check less than complete (empty when all went as planned)."""

    new_errors: tuple[TypecheckError, ...]
    baseline_count: int
    after_count: int
    seconds: float
    notes: tuple[str, ...] = ()

    def by_category(self) -> dict[str, tuple[TypecheckError, ...]]:
        return {c: tuple(e for e in self.new_errors if e.category == c) for c in TYPECHECK_CATEGORIES}

    @classmethod
    def of(cls, value: TypecheckLike) -> TypecheckResult:
        """This model's copy of any result of the same shape (`quartify.typecheck.TypecheckResult`)."""
        if isinstance(value, TypecheckResult):
            return value
        return cls(
            new_errors=tuple(
                TypecheckError(
                    e.path, e.line, e.col, e.code, e.message, e.category, str(getattr(e, "hint", "") or "")
                )
                for e in value.new_errors
            ),
            baseline_count=value.baseline_count,
            after_count=value.after_count,
            seconds=value.seconds,
            notes=tuple(str(n) for n in getattr(value, "notes", ()) or ()),
        )


class TypecheckErrorLike(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def col(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def category(self) -> str: ...


class TypecheckLike(Protocol):
    """What `ReportData.from_run` accepts as a type-check result."""

    @property
    def new_errors(self) -> Sequence[TypecheckErrorLike]: ...
    @property
    def baseline_count(self) -> int: ...
    @property
    def after_count(self) -> int: ...
    @property
    def seconds(self) -> float: ...


@dataclass(frozen=True)
class AsyncChain:
    """Why one function became `async def`: the function (`qualname` at `path:line`, the
    line of its `def` in the original source) and the chain of calls down to the awaitable."""

    path: str
    line: int
    qualname: str
    chain: tuple[ChainStep, ...] = ()


@dataclass(frozen=True)
class FileReport:
    """One file of the run, under the display path its findings use."""

    path: str
    status: Status
    old_source: str
    new_source: str | None
    findings: tuple[Finding, ...]
    functions_made_async: int = 0
    awaits_added: int = 0
    lines_added: int = 0
    lines_removed: int = 0
    encoding: str = "utf-8"

    @property
    def changed(self) -> bool:
        return self.status is Status.CHANGED


@dataclass(frozen=True)
class Summary:
    """The counts every format shows at the top."""

    files_scanned: int
    files_excluded: int
    files_changed: int
    files_failed: int
    files_unchanged: int
    functions_made_async: int
    awaits_added: int
    lines_added: int
    lines_removed: int
    errors: int
    warnings: int
    infos: int
    by_code: tuple[tuple[str, int], ...]

    @property
    def findings(self) -> int:
        return self.errors + self.warnings + self.infos


@dataclass(frozen=True)
class ReportData:
    """Everything a report says about one run. Build it with `from_run`."""

    tool_version: str
    files: tuple[FileReport, ...]
    findings: tuple[Finding, ...]
    excluded: int = 0
    typecheck: TypecheckResult | None = None
    timings: tuple[tuple[str, float], ...] = ()
    async_chains: tuple[AsyncChain, ...] = ()
    root: str | None = None  # absolute directory the display paths are relative to, when known
    dry_run: bool = False
    groups: tuple[FindingGroup, ...] = ()  # `findings` under their root causes (report/groups.py)
    _by_path: dict[str, FileReport] = field(default_factory=dict, init=False, repr=False, compare=False)
    _group_of: dict[Finding, FindingGroup] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_path.update((f.path, f) for f in self.files)
        if self.findings and not self.groups:
            object.__setattr__(self, "groups", build_groups(self.findings))
        self._group_of.update((site, g) for g in self.groups for site in g.sites)

    @classmethod
    def from_run(
        cls,
        result: RunResult,
        *,
        root: Path | None = None,
        typecheck: TypecheckLike | None = None,
        timings: Mapping[str, float] | None = None,
        async_chains: Iterable[AsyncChain] = (),
        dry_run: bool = False,
        tool_version: str = __version__,
    ) -> ReportData:
        """`root` is the directory the run's display paths are relative to (the pipeline's
        discovery root, `quartify.core.discover.common_root(paths)`); without it, it is
        inferred from the findings, then from the files' common directory. `typecheck` is
        any result shaped like `quartify.typecheck.TypecheckResult`; `timings` maps a stage
        name to seconds; `async_chains` says why each function became async."""
        base = root.resolve() if root is not None else _infer_root(result.files)
        files = tuple(sorted((_file_report(f, base) for f in result.files), key=lambda f: f.path))
        return cls(
            tool_version=tool_version,
            files=files,
            findings=result.all_findings(),
            excluded=result.excluded,
            typecheck=TypecheckResult.of(typecheck) if typecheck is not None else None,
            timings=tuple((str(k), float(v)) for k, v in (timings or {}).items()),
            async_chains=tuple(sorted(async_chains, key=lambda c: (c.path, c.line, c.qualname))),
            root=base.as_posix() if base is not None else None,
            dry_run=dry_run,
        )

    def file(self, path: str) -> FileReport | None:
        return self._by_path.get(path)

    @property
    def changed(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if f.status is Status.CHANGED)

    def findings_by_path(self) -> dict[str, tuple[Finding, ...]]:
        """Findings grouped by path, paths sorted; includes paths that are not among `files`."""
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.path, []).append(finding)
        return {p: tuple(grouped[p]) for p in sorted(grouped)}

    def chains_by_path(self) -> dict[str, tuple[AsyncChain, ...]]:
        grouped: dict[str, list[AsyncChain]] = {}
        for chain in self.async_chains:
            grouped.setdefault(chain.path, []).append(chain)
        return {p: tuple(v) for p, v in grouped.items()}

    def sections(self) -> tuple[str, ...]:
        """The paths a per-file report has a section for: changed or failed files, and every
        path with a finding or an async chain, sorted."""
        paths = {f.path for f in self.files if f.status is not Status.UNCHANGED}
        paths.update(f.path for f in self.findings)
        paths.update(c.path for c in self.async_chains)
        return tuple(sorted(paths))

    def manual_groups(self) -> tuple[FindingGroup, ...]:
        """The groups that ask for a human (see `manual_work`), most impact first."""
        wanted = set(self.manual_work())
        return tuple(g for g in self.groups if any(site in wanted for site in g.sites))

    def group_of(self, finding: Finding) -> FindingGroup | None:
        return self._group_of.get(finding)

    def manual_work(self) -> tuple[Finding, ...]:
        """Findings that ask for a human: errors and warnings, and anything whose fix is not
        `safe` (safe fixes are already applied)."""
        return tuple(
            f for f in self.findings if f.severity is not Severity.INFO or (f.fix is not None and f.safety is not Safety.SAFE)
        )

    def summary(self) -> Summary:
        severities = Counter(f.severity for f in self.findings)
        return Summary(
            files_scanned=len(self.files),
            files_excluded=self.excluded,
            files_changed=sum(f.status is Status.CHANGED for f in self.files),
            files_failed=sum(f.status is Status.FAILED for f in self.files),
            files_unchanged=sum(f.status is Status.UNCHANGED for f in self.files),
            functions_made_async=sum(f.functions_made_async for f in self.files),
            awaits_added=sum(f.awaits_added for f in self.files),
            lines_added=sum(f.lines_added for f in self.files),
            lines_removed=sum(f.lines_removed for f in self.files),
            errors=severities[Severity.ERROR],
            warnings=severities[Severity.WARNING],
            infos=severities[Severity.INFO],
            by_code=tuple(sorted(Counter(f.code for f in self.findings).items())),
        )


def _file_report(result: FileResult, root: Path | None) -> FileReport:
    added = removed = 0
    if result.new_source is not None:
        matcher = difflib.SequenceMatcher(
            None, result.old_source.splitlines(), result.new_source.splitlines(), autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                removed += i2 - i1
                added += j2 - j1
    return FileReport(
        path=_display(result.path, root),
        status=result.status,
        old_source=result.old_source,
        new_source=result.new_source,
        findings=dedupe(result.findings),
        functions_made_async=result.functions_made_async,
        awaits_added=result.awaits_added,
        lines_added=added,
        lines_removed=removed,
        encoding=result.encoding,
    )


def _display(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            pass
    return path.as_posix()


def _infer_root(files: Iterable[FileResult]) -> Path | None:
    """The discovery root, recovered from a file whose findings name it relatively."""
    files = tuple(files)
    for result in files:
        full = result.path.resolve().as_posix()
        for finding in result.findings:
            suffix = "/" + finding.path
            if full.endswith(suffix) and not Path(finding.path).is_absolute():
                return Path(full[: -len(suffix)] or "/")
    dirs = [str(f.path.resolve().parent) for f in files if f.path.is_absolute() or f.path.exists()]
    if not dirs:
        return None
    try:
        return Path(os.path.commonpath(dirs))
    except ValueError:
        return None

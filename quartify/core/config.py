"""Run options, as one frozen value the CLI, stdin mode and tests all build the same way.

The command line and `[tool.quartify]` of the project's pyproject.toml say the same things; both
go through the same vocabularies here (`BlockingMode`, the matrix's `Strategy`), so a value one accepts the other accepts.
`[tool.quartify]` is checked key by key: an unknown key or value is a `ConfigError` naming the
file, the key and its line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from quartify.rules.blocking import parse_rule
from quartify.rules.extensions import Strategy
from quartify.rules.schema import (
    Document,
    TableError,
    array_of,
    boolean,
    integer,
    member_of,
    strings,
    table,
)


class BlockingMode(StrEnum):
    """What happens to a blocking call on the event loop (`--blocking`, `blocking = ...`)."""

    TODO = "todo"
    """Report it with a TODO comment at the call; `time.sleep` gets the safe fix."""
    THREAD = "thread"
    """The default: also offload it with `asyncio.to_thread` where that is safe (the call, or the
    sync helper an async function calls it through); a TODO comment where it is not."""
    REPORT = "report"
    """Only report it."""


class TodoPolicy(StrEnum):
    """How many `# TODO(quartify)` comments a run writes (`--todo`, `todo = ...`)."""

    FUNCTION = "function"
    """One per function per root cause (`[sqlite3]`), above its first site, with the count."""
    NONE = "none"
    """None: the report is the only list of work left."""


DEFAULT_MAX_FILE_SIZE = 2_000_000  # bytes


@dataclass(frozen=True)
class Options:
    jobs: int = 0  # 0: pick from the machine and the number of files
    exclude: tuple[str, ...] = ()
    blocking: BlockingMode = BlockingMode.THREAD
    select: tuple[str, ...] = ()  # finding-code prefixes to keep (empty: all)
    ignore: tuple[str, ...] = ()  # finding-code prefixes to drop
    # Project blocking rules from `[[tool.quartify.rules]]`: (source, TOML text with [[rule]]).
    extra_rules: tuple[tuple[str, str], ...] = ()
    # How far Flask extensions are migrated (`--extensions`): native rows of the matrix get their
    # port, patch rows the patch, the rest a finding; `patch` and `report` stop earlier.
    extensions: Strategy = Strategy.NATIVE
    todo: TodoPolicy = TodoPolicy.FUNCTION
    # `--unsafe-fixes`: fixes that change which library does the I/O (requests -> httpx,
    # sqlite3 -> aiosqlite); off by default, like ruff's unsafe fixes (docs/rules.md lists them).
    unsafe_fixes: bool = False


    # Larger Python files are left alone with a QFY006 finding (`--max-file-size`; 0: no limit):
    # a generated multi-megabyte module would cost minutes and gigabytes in LibCST.
    max_file_size: int = DEFAULT_MAX_FILE_SIZE

    def wants(self, code: str) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)

    def workers(self, files: int) -> int:
        if files < 8 or os.environ.get("PRE_COMMIT") == "1":
            return 1
        wanted = self.jobs or (os.cpu_count() or 1)
        return max(1, min(wanted, 61, (files + 3) // 4))


class ConfigError(TableError):
    pass


@dataclass(frozen=True)
class ProjectSettings:
    """`[tool.quartify]`, checked; a key left out is None or empty."""

    jobs: int | None = None
    exclude: tuple[str, ...] = ()
    blocking: BlockingMode | None = None
    extensions: Strategy | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extra_rules: tuple[tuple[str, str], ...] = ()
    todo: TodoPolicy | None = None
    unsafe_fixes: bool | None = None
    max_file_size: int | None = None


_SETTINGS = table(
    {"blocking": member_of(BlockingMode), "extensions": member_of(Strategy), "exclude": strings,
     "select": strings, "ignore": strings, "rules": array_of(parse_rule), "jobs": integer(0),
     "todo": member_of(TodoPolicy), "unsafe-fixes": boolean, "max-file-size": integer(0)},
    optional={"blocking", "extensions", "exclude", "select", "ignore", "rules", "jobs", "todo", "unsafe-fixes",
              "max-file-size"},
)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (black's and ruff's project root rule)."""
    for directory in [start, *start.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def project_settings(pyproject: Path | None) -> ProjectSettings:
    """`[tool.quartify]` of a pyproject.toml, checked against its schema."""
    if pyproject is None:
        return ProjectSettings()
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{pyproject}: {exc}") from exc
    doc = Document.parse(str(pyproject), text, ConfigError)
    tool = doc.data.get("tool", {})
    raw: Any = tool.get("quartify", {}) if isinstance(tool, dict) else {}
    settings = _SETTINGS(doc, ("tool", "quartify"), raw)
    rules = raw.get("rules")
    if rules:
        import tomlkit  # only a project with its own rules pays for it

    return ProjectSettings(
        jobs=settings.get("jobs"),
        exclude=settings.get("exclude", ()),
        blocking=settings.get("blocking"),
        extensions=settings.get("extensions"),
        select=settings.get("select"),
        ignore=settings.get("ignore", ()),
        # Kept as TOML text: Options must pickle and hash (the blocking tables are cached by it).
        extra_rules=((str(pyproject), tomlkit.dumps({"rule": rules})),) if rules else (),
        todo=settings.get("todo"),
        unsafe_fixes=settings.get("unsafe-fixes"),
        max_file_size=settings.get("max-file-size"),
    )


def merge_options(
    settings: ProjectSettings,
    *,
    jobs: int = 0,
    exclude: tuple[str, ...] = (),
    blocking: str | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    extensions: str | None = None,
    todo: str | None = None,
    unsafe_fixes: bool | None = None,
    max_file_size: int | None = None,
) -> Options:
    """Command-line options over the project's settings: CLI values win, lists add up."""
    return Options(
        jobs=jobs or settings.jobs or 0,
        exclude=(*settings.exclude, *exclude),
        blocking=BlockingMode(blocking) if blocking else settings.blocking or BlockingMode.THREAD,
        extensions=Strategy(extensions) if extensions else settings.extensions or Strategy.NATIVE,
        select=select or settings.select or (),
        ignore=(*settings.ignore, *ignore),
        extra_rules=settings.extra_rules,
        todo=TodoPolicy(todo) if todo else settings.todo or TodoPolicy.FUNCTION,
        unsafe_fixes=unsafe_fixes if unsafe_fixes is not None else bool(settings.unsafe_fixes),
        max_file_size=_first_set(max_file_size, settings.max_file_size, DEFAULT_MAX_FILE_SIZE),
    )


def _first_set(*values: int | None) -> int:
    """The first value given (0 counts: it means no limit)."""
    return next(v for v in values if v is not None)

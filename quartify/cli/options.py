"""Options for a run: command-line values over `[tool.quartify]` of the project's pyproject.toml.
Shared by `quartify migrate` and `quartify verify`, so both migrate a project the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from quartify.core.config import (
    DEFAULT_MAX_FILE_SIZE,
    ConfigError,
    Options,
    find_pyproject,
    merge_options,
    project_settings,
)
from quartify.rules.blocking import RuleError
from quartify.rules.blocking import tables as blocking_tables


F = TypeVar("F", bound=Callable[..., object])


def unsafe_fixes_option(fn: F) -> F:
    """`--unsafe-fixes / --no-unsafe-fixes`, the same on `migrate` and `verify`."""
    return click.option(
        "--unsafe-fixes/--no-unsafe-fixes", "unsafe_fixes", default=None,
        help="Also apply the unsafe fixes (`quartify rules` lists them): requests -> httpx.AsyncClient, "
             "sqlite3 -> aiosqlite. They change which library does the I/O; read the diff. "
             "Default: `unsafe-fixes` of [tool.quartify], else off.",
    )(fn)


def max_file_size_option(fn: F) -> F:
    """`--max-file-size BYTES`, the same on `migrate` and `verify` (a generated module too big to
    migrate must be skipped the same way when verify migrates its copy)."""
    return click.option(
        "--max-file-size", type=click.IntRange(min=0), default=None, metavar="BYTES",
        help=f"Leave Python files larger than this unchanged, with a QFY006 finding (default: `max-file-size` "
             f"of [tool.quartify], else {DEFAULT_MAX_FILE_SIZE:,}; 0: no limit).",
    )(fn)


def load_options(
    paths: tuple[Path, ...],
    stdin_filename: str | None,
    jobs: int,
    exclude: tuple[str, ...],
    blocking: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extensions: str | None = None,
    todo: str | None = None,
    unsafe_fixes: bool | None = None,
    max_file_size: int | None = None,
) -> Options:
    """Command-line options over `[tool.quartify]` of the project's pyproject.toml."""
    anchor = Path(stdin_filename) if stdin_filename else (paths[0] if paths and str(paths[0]) != "-" else Path.cwd())
    anchor = anchor.resolve()
    pyproject = find_pyproject(anchor if anchor.is_dir() else anchor.parent)
    try:
        settings = project_settings(pyproject)
        if settings.extra_rules:
            blocking_tables(settings.extra_rules)  # now: a rule clashing with a bundled code is a usage error
    except (ConfigError, RuleError) as exc:
        raise click.UsageError(f"configuration: {exc}") from exc
    return merge_options(
        settings, jobs=jobs, exclude=exclude, blocking=blocking, select=select, ignore=ignore, extensions=extensions,
        todo=todo,
        unsafe_fixes=unsafe_fixes,
        max_file_size=max_file_size,
    )

"""Options for a run: command-line values over `[tool.quartify]` of the project's pyproject.toml.
Shared by `quartify migrate` and `quartify verify`, so both migrate a project the same way."""

from __future__ import annotations

from pathlib import Path

import click

from quartify.core.config import ConfigError, Options, extra_rules_from, find_pyproject, project_settings
from quartify.rules.blocking import RuleError
from quartify.rules.blocking import tables as blocking_tables


def load_options(
    paths: tuple[Path, ...],
    stdin_filename: str | None,
    jobs: int,
    exclude: tuple[str, ...],
    blocking: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> Options:
    """Command-line options over `[tool.quartify]` of the project's pyproject.toml."""
    anchor = Path(stdin_filename) if stdin_filename else (paths[0] if paths and str(paths[0]) != "-" else Path.cwd())
    anchor = anchor.resolve()
    pyproject = find_pyproject(anchor if anchor.is_dir() else anchor.parent)
    try:
        settings = project_settings(pyproject)
        extra = extra_rules_from(settings, str(pyproject))
        if extra:
            blocking_tables(extra)  # validate now: a bad rule is a usage error, not a crash later
    except (ConfigError, RuleError, KeyError, TypeError) as exc:
        raise click.UsageError(f"configuration: {exc}") from exc
    return Options(
        jobs=jobs or int(settings.get("jobs", 0)),
        exclude=(*settings.get("exclude", ()), *exclude),
        blocking=blocking or settings.get("blocking", "todo"),
        select=select or tuple(settings.get("select", ())),
        ignore=(*settings.get("ignore", ()), *ignore),
        extra_rules=extra,
    )

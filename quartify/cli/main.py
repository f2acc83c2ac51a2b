"""The console script. It parses options, calls the core, prints, and picks the exit code;
nothing else lives here.

Exit codes: 0 nothing to do or everything applied; 1 changes needed (--check/--diff) or a file
failed; 2 usage or internal error.

Start-up time matters (a pre-commit hook, an editor): module level imports only what the
options need; the pipeline, rich, the reports and the other subcommands load when used
(`python -X importtime -m quartify --version` shows what is left).
"""

from __future__ import annotations

# First, before any other import: the generated code of the dataclasses, named tuples and forward
# references made from here on comes from its table.
import quartify.cli.fast_dataclasses  # noqa: F401

# isort: split
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from quartify import __version__
from quartify.cli.options import load_options, max_file_size_option, unsafe_fixes_option
from quartify.core.config import BlockingMode, Options, TodoPolicy
from quartify.core.types import RunResult, Severity, Status
from quartify.rules.extensions import Strategy
from quartify.typecheck import ENGINES, Engine

if TYPE_CHECKING:
    from rich.console import Console

    from quartify.core.finish import Finished
    from quartify.typecheck import TypecheckResult


class _LazyGroup(click.Group):
    """Subcommands defined in other modules are imported when they are run (or listed)."""

    lazy = {"explain": "quartify.cli.explain:explain", "rules": "quartify.cli.rules:rules",
            "verify": "quartify.cli.verify:verify", "lsp": "quartify.cli.lsp:lsp"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _, name = self.lazy[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


def run() -> None:
    """`main` as the whole process, which ends without tearing down what a migrate run built
    (cli/oneshot.py). The console script and `python -m quartify` start with
    `quartify.cli.oneshot.start`, which also imports this module with the collector paused."""
    from quartify.cli.oneshot import run as run_once

    run_once(main)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="quartify")
def main() -> None:
    """Migrate a Flask application, tests included, to Quart."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@click.option("--stdin-filename", type=str, default=None, help="The path of the file read from stdin ('-').")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (0: automatic).")
@click.option("--exclude", multiple=True, help="Gitignore-style pattern to skip (repeatable).")
@max_file_size_option
@click.option("--blocking", type=click.Choice([mode.value for mode in BlockingMode]), default=None,
              help="Blocking calls on the event loop: 'thread' (default) offloads them with asyncio.to_thread "
                   "where safe (the call, or the sync helper a view calls) and leaves a TODO comment "
                   "elsewhere; 'todo' only leaves TODO comments; 'report' only reports.")
@click.option("--extensions", type=click.Choice([s.value for s in Strategy]), default=None,
              help="Flask extensions (docs/extensions.md): native ports where measured, else the patch, else a "
                   "finding (default: native); 'patch' skips the ports; 'report' only reports.")
@click.option("--todo", type=click.Choice([p.value for p in TodoPolicy]), default=None,
              help="TODO(quartify) comments for blocking calls: one per function per root cause "
                   "(default), or none (the report is the list).")
@unsafe_fixes_option
@click.option("--select", "select", multiple=True, help="Only these finding codes (prefixes, repeatable).")
@click.option("--ignore", "ignore", multiple=True, help="Drop these finding codes (prefixes, repeatable).")
@click.option("--report", "reports", multiple=True, metavar="FORMAT:PATH",
              help="Also write a report: json, sarif, md or html (repeatable).")
@click.option("--typecheck", is_flag=True, help="Run mypy before and after; report only the errors the migration adds.")
@click.option("--python-executable", type=str, default=None,
              help="The project's interpreter, for --typecheck (default: .venv/venv in the project, else quartify's).")
@click.option("--typecheck-engine", type=click.Choice(list(ENGINES)), default=None,
              help="The checker --typecheck runs (implies --typecheck): mypy (default) or basedpyright, which "
                   "infers through unannotated functions (pip install basedpyright).")
@click.option("--format-code", is_flag=True, help="Run black on the files quartify changes.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="never", show_default=True,
              help="Exit 1 when findings at or above this severity remain.")
@click.option("--no-cache", is_flag=True, help="Index every file afresh; neither read nor write the index cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="QUARTIFY_CACHE_DIR", show_envvar=True,
              help="Where the index cache lives (default: .quartify_cache in the project root).")
@click.option("--quiet", "-q", is_flag=True, help="Only errors.")
@click.option("--verbose", "-v", is_flag=True, help="Every finding site with its reason chain, infos included.")
@click.option("--statistics", is_flag=True, help="Count findings per code (like ruff) instead of listing groups.")
def migrate_cmd(
    paths: tuple[Path, ...],
    show_diff: bool,
    check: bool,
    stdin_filename: str | None,
    jobs: int,
    exclude: tuple[str, ...],
    max_file_size: int | None,
    blocking: str | None,
    extensions: str | None,
    todo: str | None,
    unsafe_fixes: bool | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    reports: tuple[str, ...],
    typecheck: bool,
    python_executable: str | None,
    typecheck_engine: Engine | None,
    format_code: bool,
    fail_on: str,
    no_cache: bool,
    cache_dir: Path | None,
    quiet: bool,
    verbose: bool,
    statistics: bool,
) -> None:
    """Rewrite PATHS (files or directories) from Flask to Quart, in place.

    Files given inside a project (pyproject.toml, setup.cfg or .git above them) are migrated
    with the whole project in view: the other files are read (through the index cache) so the
    colouring is right, and only the given files are changed."""
    from quartify.core.finish import finish
    from quartify.core.paths import run_root
    from quartify.core.subset import project_root
    from quartify.core.write import write_changes

    options = load_options(paths, stdin_filename, jobs, exclude, blocking, select, ignore, extensions, todo,
                           unsafe_fixes, max_file_size)
    if not paths:
        raise click.UsageError("give at least one path, or '-' to read stdin")
    if Path("-") in paths:
        if len(paths) > 1:
            raise click.UsageError("'-' (stdin) cannot be combined with other paths")
        sys.exit(_stdin(options, stdin_filename, show_diff, check, _console(quiet), verbose))
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or directory: {missing[0]}")

    try:
        report_specs: list[tuple[str, Path]] = [_parse_spec(spec) for spec in reports]
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    dry_run = show_diff or check
    # Quiet with no report to write: nothing reaches stderr, so rich and the report modules
    # are never loaded (a pre-commit hook or an editor pays their import on every run).
    err = None if quiet and not report_specs else _console(quiet)
    result = _run(list(paths), options, err, cache_dir, not no_cache)
    root = run_root(list(paths), whole_project=True)
    done = finish(result, root, format_code=format_code, run_typecheck=typecheck or typecheck_engine is not None,
                  python_executable=python_executable, typecheck_engine=typecheck_engine or "mypy",
                  whole_tree=project_root(list(paths)) is None)
    result = done.result
    if show_diff:
        _print_diffs(result)
    elif check and err is not None:
        _name_changes(err, result)
    if not dry_run:
        result = write_changes(result, root)
    if err is not None:
        _report(err, result, done, root, dry_run, verbose, format_code, report_specs, statistics)
    code = exit_code(result, dry_run)
    if code == 0 and fails_on(result, fail_on, done.typecheck):
        code = 1
    sys.exit(code)


def _console(quiet: bool) -> Console:
    from rich.console import Console

    return Console(stderr=True, quiet=quiet)


def _run(paths: list[Path], options: Options, err: Console | None, cache_dir: Path | None,
         use_cache: bool) -> RunResult:
    """The pipeline, with a progress bar when stderr is a terminal (`err` None or quiet: none).
    What the run leaves is frozen (core/gcpause.py): this process ends soon, and its exit would
    otherwise walk it all again. The console script's process keeps it too, the result as well
    (a stored run's), and ends without freeing it or tearing down the interpreter (cli/oneshot.py)."""
    from quartify.cli.oneshot import one_shot
    from quartify.core.gcpause import keep, paused
    from quartify.core.paths import migrate_paths

    with paused(freeze=True, keep=one_shot()):
        if err is None or err.quiet or not err.is_terminal:
            result = migrate_paths(paths, options, whole_project=True, cache_dir=cache_dir, use_cache=use_cache)
        else:
            result = _run_with_progress(paths, options, err, cache_dir, use_cache)
        keep(result)
        return result


def _run_with_progress(paths: list[Path], options: Options, err: Console, cache_dir: Path | None,
                       use_cache: bool) -> RunResult:
    from rich.progress import Progress, TaskID  # only with a terminal: it costs start-up time

    from quartify.core.paths import migrate_paths

    with Progress(transient=True, console=err) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return migrate_paths(paths, options, progress, whole_project=True, cache_dir=cache_dir, use_cache=use_cache)


def _parse_spec(spec: str) -> tuple[str, Path]:
    from quartify.report import parse_spec

    return parse_spec(spec)


def _print_diffs(result: RunResult) -> None:
    from quartify.report.diff import colourise, unified_diff

    colour = sys.stdout.isatty()
    for item in result.changed:
        diff = unified_diff(item, _display(item.path))
        sys.stdout.write(colourise(diff) if colour else diff)


def _report(
    err: Console,
    result: RunResult,
    done: Finished,
    root: Path,
    dry_run: bool,
    verbose: bool,
    format_code: bool,
    specs: list[tuple[str, Path]],
    statistics: bool = False,
) -> None:
    from quartify.report.groups import build_groups
    from quartify.report.terminal import (
        render_findings,
        render_groups,
        render_statistics,
        render_summary,
        render_typecheck,
    )

    findings = result.all_findings()
    if verbose:
        render_findings(err, result, verbose)
    if result.also_needs:
        named = ", ".join(f"{o.path} ({o.why})" for o in result.also_needs)
        err.print(f"also needs changes: {named}", highlight=False, soft_wrap=True)
    err.print(f"{len(result.files)} files, {result.excluded} excluded", highlight=False)
    render_summary(err, result, dry_run)
    if statistics:
        render_statistics(err, findings)
    else:
        render_groups(err, build_groups(findings), verbose)
    if done.black_configured:
        err.print("the project configures black ([tool.black])" + (": --format-code used its settings" if format_code
                  else "; --format-code would format changed files with it"), highlight=False)
    if done.typecheck is not None:
        render_typecheck(err, done.typecheck)
    if specs:
        from quartify.report import AsyncChain, ReportData, write_reports

        data = ReportData.from_run(
            result, root=root, typecheck=done.typecheck, timings=dict(result.timings), dry_run=dry_run,
            async_chains=[AsyncChain(a.path, a.line, a.qualname, a.chain) for a in result.async_functions],
        )
        for written in write_reports(data, specs):
            err.print(f"wrote {written}", highlight=False)


migrate_cmd.name = "migrate"


_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}


def fails_on(result: RunResult, threshold: str, checked: TypecheckResult | None) -> bool:
    """`--fail-on`: findings (and new type errors, which are errors) at or above the threshold."""
    if threshold == "never":
        return False
    floor = _RANK[Severity(threshold)]
    if checked is not None and checked.new_errors:
        return True
    return any(_RANK[f.severity] >= floor for f in result.all_findings())


def exit_code(result: RunResult, dry_run: bool) -> int:
    if result.failed or any(f.severity is Severity.ERROR for f in result.findings):  # run-level: unreadable directories
        return 1
    if dry_run and result.changed:
        return 1
    return 0


def _name_changes(err: Console, result: RunResult) -> None:
    """`--check` without a diff names each file that would change, as `black --check` does, so a
    failing check says where to look."""
    for item in result.changed:
        counts = (f" (functions made async: {item.functions_made_async}, awaits added: {item.awaits_added})"
                  if item.functions_made_async or item.awaits_added else "")  # none for a dependency file
        err.print(f"would change {_display(item.path)}{counts}", highlight=False, soft_wrap=True)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _stdin(
    options: Options, filename: str | None, show_diff: bool, check: bool, err: Console, verbose: bool
) -> int:
    from quartify.core.pipeline import InputFile, migrate
    from quartify.deps import is_dependency_file
    from quartify.report.diff import unified_diff
    from quartify.report.terminal import render_findings

    data = sys.stdin.buffer.read()
    path = Path(filename or "<stdin>.py")
    module = path.with_suffix("").name if path.name != "__init__.py" else path.parent.name
    dependency = is_dependency_file(path)
    item = InputFile(path, path.as_posix(), module or "stdin", path.name == "__init__.py", data, dependency)
    result = migrate([item], options)
    file = result.files[0]
    render_findings(err, result, verbose)
    out = sys.stdout
    if show_diff:
        out.write(unified_diff(file, path.as_posix()))
    elif not check:
        if file.status is Status.FAILED:
            sys.stdout.buffer.write(data)
        else:
            text = file.new_source if file.new_source is not None else file.old_source
            sys.stdout.buffer.write(text.encode(file.encoding))
    return exit_code(result, show_diff or check)


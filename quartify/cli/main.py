"""The console script. It parses options, calls the core, prints, and picks the exit code;
nothing else lives here.

Exit codes: 0 nothing to do or everything applied; 1 changes needed (--check/--diff) or a file
failed; 2 usage or internal error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, TaskID

from quartify import __version__
from quartify.cli import explain as explain_mod
from quartify.cli import lsp as lsp_mod
from quartify.cli import rules as rules_mod
from quartify.cli import verify as verify_mod
from quartify.cli.options import load_options
from quartify.core.config import BlockingMode, Options
from quartify.core.discover import common_root
from quartify.core.finish import Finished, finish
from quartify.core.pipeline import InputFile, migrate, migrate_paths
from quartify.core.types import FileResult, RunResult, Severity, Status
from quartify.core.write import write_changes
from quartify.deps import is_dependency_file
from quartify.report import AsyncChain, ReportData, parse_spec, write_reports
from quartify.report.diff import colourise, unified_diff
from quartify.report.terminal import render_findings, render_summary, render_typecheck
from quartify.rules.extensions import Strategy
from quartify.typecheck import ENGINES, Engine, TypecheckResult


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--blocking", type=click.Choice([mode.value for mode in BlockingMode]), default=None,
              help="Blocking calls on the event loop: TODO comments; also offload with asyncio.to_thread "
                   "where safe; or only report.")
@click.option("--extensions", type=click.Choice([s.value for s in Strategy]), default=None,
              help="Flask extensions (docs/extensions.md): native ports where measured, else the patch, else a "
                   "finding (default: native); 'patch' skips the ports; 'report' only reports.")
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
@click.option("--quiet", "-q", is_flag=True, help="Only errors.")
@click.option("--verbose", "-v", is_flag=True, help="Also informational findings.")
def migrate_cmd(
    paths: tuple[Path, ...],
    show_diff: bool,
    check: bool,
    stdin_filename: str | None,
    jobs: int,
    exclude: tuple[str, ...],
    blocking: str | None,
    extensions: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    reports: tuple[str, ...],
    typecheck: bool,
    python_executable: str | None,
    typecheck_engine: Engine | None,
    format_code: bool,
    fail_on: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Rewrite PATHS (files or directories) from Flask to Quart, in place."""
    err = Console(stderr=True, quiet=quiet)
    options = load_options(paths, stdin_filename, jobs, exclude, blocking, select, ignore, extensions)
    if not paths:
        raise click.UsageError("give at least one path, or '-' to read stdin")
    if Path("-") in paths:
        if len(paths) > 1:
            raise click.UsageError("'-' (stdin) cannot be combined with other paths")
        sys.exit(_stdin(options, stdin_filename, show_diff, check, err, verbose))
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or directory: {missing[0]}")

    try:
        report_specs: list[tuple[str, Path]] = [parse_spec(spec) for spec in reports]
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    dry_run = show_diff or check
    result = _run(list(paths), options, err, quiet)
    root = common_root(list(paths))
    done = finish(result, root, format_code=format_code, run_typecheck=typecheck or typecheck_engine is not None,
                  python_executable=python_executable, typecheck_engine=typecheck_engine or "mypy")
    result = done.result
    if show_diff:
        _print_diffs(result)
    if not dry_run:
        result = write_changes(result, root)
    _report(err, result, done, root, dry_run, verbose, format_code, report_specs)
    code = exit_code(result, dry_run)
    if code == 0 and fails_on(result, fail_on, done.typecheck):
        code = 1
    sys.exit(code)


def _run(paths: list[Path], options: Options, err: Console, quiet: bool) -> RunResult:
    """The pipeline, with a progress bar when stderr is a terminal."""
    if not err.is_terminal or quiet:
        return migrate_paths(paths, options)
    with Progress(transient=True, console=err) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return migrate_paths(paths, options, progress)


def _print_diffs(result: RunResult) -> None:
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
) -> None:
    render_findings(err, result, verbose)
    err.print(f"{len(result.files)} files, {result.excluded} excluded", highlight=False)
    render_summary(err, result, dry_run)
    if done.black_configured:
        err.print("the project configures black ([tool.black])" + (": --format-code used its settings" if format_code
                  else "; --format-code would format changed files with it"), highlight=False)
    if done.typecheck is not None:
        render_typecheck(err, done.typecheck)
    if specs:
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


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _stdin(
    options: Options, filename: str | None, show_diff: bool, check: bool, err: Console, verbose: bool
) -> int:
    data = sys.stdin.buffer.read()
    path = Path(filename or "<stdin>.py")
    module = path.with_suffix("").name if path.name != "__init__.py" else path.parent.name
    dependency = is_dependency_file(path)
    item = InputFile(path, path.as_posix(), module or "stdin", path.name == "__init__.py", data, dependency)
    result = migrate([item], options)
    file: FileResult = result.files[0]
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


main.add_command(explain_mod.explain)
main.add_command(rules_mod.rules)
main.add_command(verify_mod.verify)
main.add_command(lsp_mod.lsp)

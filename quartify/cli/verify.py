"""`quartify verify PROJECT`: the proof before merging a migration. It runs the project's suite
under Flask on a copy and under Quart on a migrated copy, in two virtualenvs, and prints which
tests the migration broke. The work is in quartify.core.verify_run; this parses and prints.

Exit codes: 0 no test broke; 1 a test that passed under Flask does not pass under Quart; 2 usage
error, or the comparison could not be made (install failed, pytest wrote no report).
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from quartify.cli.options import load_options, max_file_size_option, unsafe_fixes_option
from quartify.core.verify import Comparison, Verdict
from quartify.core.verify_run import VerifyConfig, VerifyError, verify_project

_STYLE = {Verdict.BROKEN: "bold red", Verdict.FIXED: "green", Verdict.FAILING_BEFORE: "yellow",
          Verdict.NOT_COMPARED: "dim", Verdict.PASSED_BOTH: "green"}


@click.command()
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--install-before", metavar="CMD", default=None,
              help="Shell command that installs the original project in its venv (default: pip install -e .[test]).")
@click.option("--install-after", metavar="CMD", default=None,
              help="Shell command that installs the migrated project in its venv (default: as above).")
@click.option("--extra", metavar="NAME", default=None, help="The project's test extra (default: test, tests or testing).")
@click.option("--pytest-args", metavar="ARGS", default="", help="Extra pytest arguments for both runs, one string.")
@click.option("--system-site-packages", is_flag=True,
              help="The venvs see this interpreter's packages: nothing already installed is downloaded again.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Work here (kept) instead of a temporary directory.")
@click.option("--keep", is_flag=True, help="Keep the temporary work directory and print where it is.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Give up on a pytest run after this long.")
@click.option("--report", "report", metavar="json:PATH", default=None, help="Also write the table as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="List every test that passed both, too.")
@unsafe_fixes_option
@max_file_size_option
def verify(
    project: Path,
    install_before: str | None,
    install_after: str | None,
    extra: str | None,
    pytest_args: str,
    system_site_packages: bool,
    work_dir: Path | None,
    keep: bool,
    timeout: float | None,
    report: str | None,
    verbose: bool,
    unsafe_fixes: bool | None,
    max_file_size: int | None,
) -> None:
    """Run PROJECT's tests under Flask, migrate a copy, run them under Quart, and compare."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    report_path = _report_path(report)
    try:
        args = tuple(shlex.split(pytest_args))
    except ValueError as exc:
        raise click.UsageError(f"--pytest-args: {exc}") from exc
    config = VerifyConfig(
        project=project.resolve(),
        options=load_options((project,), None, 0, (), None, (), (), unsafe_fixes=unsafe_fixes,
                             max_file_size=max_file_size),
        extra=extra, install_before=install_before, install_after=install_after, pytest_args=args,
        system_site_packages=system_site_packages, work_dir=work_dir, keep=keep, timeout=timeout,
    )
    try:
        result = verify_project(config, lambda message: err.print(f"verify: {message}", style="dim", markup=False))
    except VerifyError as exc:
        err.print(f"verify: {exc}", style="bold red", markup=False)
        if exc.tail:
            err.print(exc.tail, markup=False, highlight=False)
        sys.exit(2)

    if result.files_failed:
        err.print(f"verify: the migration left {result.files_failed} file(s) unconverted (run quartify migrate "
                  "on a copy to see why)", style="yellow")
    if result.imports is not None and result.imports.unprovided:
        err.print(f"verify: the migrated code imports {', '.join(result.imports.unprovided)}, which the project's "
                  "dependency files do not install (QFY127)", style="yellow", markup=False)
    render(Console(highlight=False, width=_width(result.comparison)), result.comparison, verbose)
    if report_path is not None:
        data = result.comparison.to_json()
        if result.imports is not None:
            data["imports"] = result.imports.to_json()
        report_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        err.print(f"wrote {report_path}", markup=False)
    if result.work_dir is not None:
        err.print(f"work directory kept: {result.work_dir}", markup=False)
    sys.exit(1 if result.comparison.broken else 0)


def render(out: Console, comparison: Comparison, verbose: bool) -> None:
    """The table, grouped by verdict (broken first); tests that passed both are only counted
    unless `verbose`; then the summary line."""
    table = Table(box=None, show_edge=False, pad_edge=False)
    table.add_column("outcome", no_wrap=True)
    table.add_column("test", no_wrap=True, overflow="fold")
    table.add_column("Flask", no_wrap=True)
    table.add_column("Quart", no_wrap=True)
    for verdict in Verdict:
        rows = [t for t in comparison.tests if t.verdict is verdict]
        if not rows:
            continue
        if verdict is Verdict.PASSED_BOTH and not verbose:
            table.add_row(verdict.value, f"({len(rows)} tests; -v lists them)", "passed", "passed",
                          style=_STYLE[verdict])
            continue
        for row in rows:
            table.add_row(verdict.value, Text(row.nodeid), row.before.value, row.after.value, style=_STYLE[verdict])
    if comparison.tests:
        out.print(table)
    out.print(comparison.summary.line(), style="bold red" if comparison.broken else None, markup=False)


def _width(comparison: Comparison) -> int | None:
    """Wide enough that node ids are never folded when the output is not a terminal."""
    if sys.stdout.isatty():
        return None
    longest = max((len(t.nodeid) for t in comparison.tests), default=0)
    return max(100, longest + 50)


def _report_path(spec: str | None) -> Path | None:
    if spec is None:
        return None
    kind, sep, path = spec.partition(":")
    if kind != "json" or not sep or not path:
        raise click.UsageError(f"--report takes json:PATH, not {spec!r}")
    return Path(path)

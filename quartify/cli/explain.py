"""`quartify explain FILE::QUALNAME`: why a function became async, or why it could not."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from quartify.core.config import Options
from quartify.core.explain import explain_function


@click.command()
@click.argument("target")
@click.option("--root", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
              help="Directory to index (default: the current directory).")
def explain(target: str, root: Path | None) -> None:
    """Show the reason chain for TARGET, written FILE::QUALNAME (e.g. app/auth.py::login_required)."""
    if "::" not in target:
        raise click.UsageError("TARGET must look like FILE::QUALNAME")
    file_part, qualname = target.split("::", 1)
    path = Path(file_part)
    if not path.is_file():
        raise click.UsageError(f"no such file: {file_part}")
    text, found = explain_function(root or Path.cwd(), path, qualname, Options())
    click.echo(text)
    sys.exit(0 if found else 1)

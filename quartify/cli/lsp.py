"""`quartify lsp`: the language server over stdio. The LSP stack (pygls) is imported only here,
inside the command, so no other command pays for it or needs it installed."""

from __future__ import annotations

import click


@click.command()
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default, and the only transport).")
def lsp(stdio: bool) -> None:
    """Run quartify as a language server (stdio): findings, fixes and reason chains in your editor."""
    try:
        from quartify.lsp.server import main as serve
    except ImportError as exc:
        raise click.UsageError(f"quartify lsp needs pygls: pip install 'quartify[lsp]' ({exc})") from exc
    serve()

"""The LSP stack is imported by `quartify lsp` alone: other commands neither pay for it nor need it."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.lsp.editing import REPO

PROBE = """
import sys
from click.testing import CliRunner
from quartify.cli.main import main
assert CliRunner().invoke(main, {args!r}).exit_code == 0
print(sorted(m for m in ("pygls", "lsprotocol", "quartify.lsp") if m in sys.modules))
"""


def loaded_after(args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, env=env,
                          check=True)
    return done.stdout.strip()


def test_other_commands_do_not_import_the_lsp_stack() -> None:
    assert loaded_after(["--version"]) == "[]"
    assert loaded_after(["rules"]) == "[]"
    assert loaded_after(["lsp", "--help"]) == "[]"

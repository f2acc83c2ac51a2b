"""Unified diffs of changed files, plain or coloured."""

from __future__ import annotations

import difflib

from quartify.core.types import FileResult


def unified_diff(result: FileResult, display: str) -> str:
    if result.new_source is None:
        return ""
    lines = difflib.unified_diff(
        result.old_source.splitlines(keepends=True),
        result.new_source.splitlines(keepends=True),
        fromfile=f"a/{display}",
        tofile=f"b/{display}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def colourise(diff: str) -> str:
    colours = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}
    out = []
    for line in diff.splitlines(keepends=True):
        colour = colours.get(line[:1])
        if line.startswith(("+++", "---")):
            colour = "\x1b[1m"
        out.append(f"{colour}{line.rstrip(chr(10))}\x1b[0m\n" if colour else line)
    return "".join(out)

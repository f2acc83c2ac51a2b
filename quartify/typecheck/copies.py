"""The two temporary copies of the project mypy checks, so that the user's files are never touched.

The "before" copy holds the original sources, the "after" copy the migrated ones overlaid on
the same tree; both hold every `.py`/`.pyi` file and mypy config file of the project (outside
virtualenvs, caches and build output) so that imports and the config resolve as they would in
place. Files that do not parse are left out, since mypy would stop on them.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from quartify.typecheck.config import CONFIG_NAMES

_SKIP_DIRS = frozenset({
    ".venv", "venv", ".tox", ".nox", "node_modules", "build", "dist", "site-packages", ".git", ".hg",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs",
})
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _encode(text: str) -> bytes:
    """Source text as bytes in the encoding its coding cookie declares (UTF-8 otherwise)."""
    head = text.encode("utf-8", errors="replace").splitlines()[:2]
    for line in head:
        match = _CODING.match(line)
        if match:
            try:
                return text.encode(match.group(1).decode("ascii"))
            except (LookupError, UnicodeEncodeError):
                break
    return text.encode("utf-8", errors="replace")


def _parses(data: bytes) -> bool:
    try:
        compile(data, "<typecheck>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _tree_files(root: Path) -> list[Path]:
    """Relative paths of the `.py`/`.pyi` files and mypy config files mypy may read."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info"))
        current = Path(dirpath)
        for name in sorted(filenames):
            if name.endswith((".py", ".pyi")) or name in CONFIG_NAMES:
                found.append((current / name).relative_to(root))
    return found


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@dataclass(frozen=True)
class Copies:
    """What `make_copies` wrote: the target files mypy should check (they parse in both
    copies), and each one's lines before and after migration, by posix path."""

    checked: list[Path]
    before_lines: dict[str, list[str]]
    after_lines: dict[str, list[str]]


def make_copies(
    root: Path,
    overlay: Mapping[Path, str | None],
    targets: Sequence[Path],
    originals: Mapping[Path, str | None],
    before_tree: Path,
    after_tree: Path,
    notes: list[str],
) -> Copies:
    """Write both copies of the tree under `root`: the original sources (`originals`, else
    the files on disk) under `before_tree`, with `overlay`'s new sources under `after_tree`."""
    checked: list[Path] = []
    before_lines: dict[str, list[str]] = {}
    after_lines: dict[str, list[str]] = {}
    wanted = set(targets)
    everything = set(_tree_files(root)) | wanted
    for relative in sorted(everything):
        given = originals.get(relative)
        if given is not None:
            old = _encode(given)
        else:
            try:
                old = (root / relative).read_bytes()
            except OSError:
                continue
        new_text = overlay.get(relative)
        new = _encode(new_text) if new_text is not None else old
        is_python = relative.suffix in (".py", ".pyi")
        if is_python and not _parses(old):
            continue  # a file mypy cannot parse would stop the whole run; quartify reports it
        _write(before_tree / relative, old)
        if is_python and not _parses(new):
            notes.append(f"{relative.as_posix()}: the migrated source does not parse; not type-checked")
            (before_tree / relative).unlink()
            continue
        _write(after_tree / relative, new)
        if relative in wanted:
            checked.append(relative)
            key = relative.as_posix()
            before_lines[key] = old.decode("utf-8", errors="replace").splitlines(keepends=True)
            after_lines[key] = new.decode("utf-8", errors="replace").splitlines(keepends=True)
    return Copies(checked, before_lines, after_lines)

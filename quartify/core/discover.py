"""Find the Python files to migrate, the way black and ruff do: paths or directories,
`.gitignore` honoured (pathspec), virtualenvs and build output skipped by default.

Only regular files are migrated. A symbolic link stands for its target when the target lies
inside a given directory (the target is migrated once, the link is left as it is); a link out of
the tree, a dangling link, a link loop and anything that is not a regular file (FIFO, socket,
device) are skipped with a QFY004 finding. A directory or `.gitignore` that cannot be read is a
QFY001 error, never a silent skip. quartify's own temp files left by a killed run are listed in
`leftovers` for the write step to remove.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quartify.core import tempfiles
from quartify.core.depfiles import is_dependency_file, may_name_dependency_file
from quartify.core.source import os_error
from quartify.core.types import Finding, Severity

if TYPE_CHECKING:
    import pathspec

DEFAULT_EXCLUDES = (
    ".venv", "venv", ".tox", ".nox", "node_modules", "build", "dist", "site-packages", ".git",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".eggs", ".quartify_cache",
)


@dataclass(frozen=True)
class Discovered:
    root: Path  # the directory module names are computed from
    files: tuple[Path, ...]  # real paths (a link stands for its target): nothing to resolve again
    excluded: int
    dependency_files: tuple[Path, ...] = ()  # requirements, pyproject.toml, setup.cfg, ...
    findings: tuple[Finding, ...] = ()  # paths skipped (QFY004) or unreadable (QFY001)
    leftovers: tuple[Path, ...] = ()  # temp files of earlier runs, in the directories walked


@dataclass(frozen=True)
class _Skip:
    path: Path  # as found (a link is not resolved)
    why: str
    failed: str = ""  # "file" or "directory": an I/O failure (QFY001), not a path quartify leaves alone


def _gitignore(directory: Path) -> "pathspec.PathSpec[Any] | None":
    ignore = directory / ".gitignore"
    if not ignore.is_file():
        return None
    lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    return _spec(lines)


def _spec(lines: Sequence[str]) -> "pathspec.PathSpec[Any]":
    """Gitignore-style patterns. pathspec (~9 ms to import) loads with the first: a project
    without a .gitignore, checked without --exclude, never needs it."""
    import pathspec

    try:  # pathspec >= 1.0: "gitwildmatch" is deprecated (a warning per pattern), this is its behaviour
        from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern
    except ImportError:  # pathspec 0.12
        return pathspec.PathSpec.from_lines("gitwildmatch", lines)
    return pathspec.PathSpec.from_lines(GitIgnoreSpecPattern, lines)


def discover(paths: list[Path], exclude: tuple[str, ...] = ()) -> Discovered:
    user_spec = _spec(exclude) if exclude else None
    files: set[Path] = set()
    deps: set[Path] = set()
    skipped: list[_Skip] = []
    leftovers: list[Path] = []
    excluded = 0
    trees = tuple(real_path(p) for p in paths if p.is_dir())

    def take(path: Path, inside: tuple[Path, ...] | None) -> None:
        target = _regular_file(path, inside, skipped)
        if target is None:
            return
        if is_dependency_file(path):
            deps.add(target)
        if path.suffix == ".py":
            files.add(target)

    for given in paths:
        if not given.is_dir():
            if not os.path.lexists(given):
                raise FileNotFoundError(str(given))
            if given.suffix == ".py" or is_dependency_file(given):
                take(given, None)  # named on the command line: wherever its target lies
            continue
        given = real_path(given)
        specs: dict[str, "pathspec.PathSpec[Any]"] = {}  # directory + "/" -> its .gitignore
        top = str(given) + os.sep
        for dirpath, dirnames, filenames in os.walk(given, onerror=lambda e: skipped.append(_unreadable(e))):
            current = Path(dirpath)
            try:
                spec = _gitignore(current)
            except OSError as exc:
                why = f"its .gitignore cannot be read ({os_error(exc)}); its files were not migrated"
                skipped.append(_Skip(current, why, failed="directory"))
                dirnames[:] = []
                continue
            here = dirpath + os.sep
            if spec is not None:
                specs[here] = spec
            # the .gitignore files that apply here: this directory's and its ancestors' (walked first)
            applying = [(len(base), spec) for base, spec in specs.items() if here.startswith(base)]
            keep = []
            for name in sorted(dirnames):
                if name in DEFAULT_EXCLUDES or name.endswith(".egg-info") or _ignored(
                        here + name, True, applying, len(top), user_spec):
                    excluded += 1
                else:
                    keep.append(name)
            dirnames[:] = keep
            parent = current.name
            for name in filenames:
                if tempfiles.looks_like_temp(name):
                    leftovers.append(current / name)
                    continue
                if not name.endswith(".py") and not may_name_dependency_file(name, parent):
                    continue
                if _ignored(here + name, False, applying, len(top), user_spec):
                    excluded += 1
                    continue
                take(current / name, trees)
    root = common_root(paths)
    findings = tuple(_finding(s, root) for s in skipped)
    return Discovered(root, tuple(sorted(files)), excluded, tuple(sorted(deps)), findings, tuple(sorted(leftovers)))


def _regular_file(path: Path, inside: tuple[Path, ...] | None, skipped: list[_Skip]) -> Path | None:
    """The regular file to migrate for `path` (its target, for a link), or None, noted in `skipped`."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        skipped.append(_Skip(path, f"cannot read: {os_error(exc)}", failed="file"))
        return None
    if stat.S_ISLNK(info.st_mode):
        try:
            target = Path(os.path.realpath(path, strict=True))
            info = os.stat(target)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                skipped.append(_Skip(path, "a symbolic link loop"))
            elif exc.errno == errno.ENOENT:
                skipped.append(_Skip(path, f"a symbolic link to a missing file ({os.readlink(path)})"))
            else:
                skipped.append(_Skip(path, f"cannot follow the symbolic link: {os_error(exc)}", failed="file"))
            return None
        if inside is not None and not any(target.is_relative_to(tree) for tree in inside):
            skipped.append(_Skip(path, f"a symbolic link to a file outside the tree ({target}); "
                                       "migrate that file where it lives"))
            return None
        path = target
    elif inside is None:
        path = real_path(path)
    if not stat.S_ISREG(info.st_mode):
        skipped.append(_Skip(path, f"not a regular file ({_kind(info.st_mode)})"))
        return None
    return path


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a file"


def _unreadable(exc: OSError) -> _Skip:
    where = Path(exc.filename) if exc.filename else Path(".")
    return _Skip(where, f"{os_error(exc)}; its files were not migrated", failed="directory")


def _finding(skip: _Skip, root: Path) -> Finding:
    try:
        shown = (real_path(skip.path.parent) / skip.path.name).relative_to(root).as_posix()
    except ValueError:
        shown = skip.path.as_posix()
    if skip.failed == "directory":
        return Finding("QFY001", Severity.ERROR, f"cannot read directory {shown}: {skip.why}", shown, 1)
    if skip.failed:
        return Finding("QFY001", Severity.ERROR, f"cannot migrate {shown}: {skip.why}", shown, 1)
    return Finding("QFY004", Severity.WARNING, f"skipped {shown}: {skip.why}", shown, 1)


def real_path(path: Path) -> Path:
    """`Path.resolve()` without its RuntimeError on a link loop (Python < 3.13)."""
    return Path(os.path.realpath(path))


def _ignored(
    path: str, is_dir: bool, applying: list[tuple[int, "pathspec.PathSpec[Any]"]], top: int,
    user: "pathspec.PathSpec[Any] | None",
) -> bool:
    """Whether a .gitignore that applies (its directory's path length, its patterns) or the user's
    --exclude patterns (matched from the given directory, `top` characters in) leave `path` out."""
    slash = "/" if is_dir else ""
    for base, spec in applying:
        if spec.match_file(_posix(path[base:]) + slash):
            return True
    if user is not None:
        if user.match_file(_posix(path[top:]) + slash) or user.match_file(path.rpartition(os.sep)[2]):
            return True
    return False


def _posix(relative: str) -> str:
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


def common_root(paths: list[Path]) -> Path:
    resolved = [real_path(p) for p in paths] or [Path.cwd()]
    dirs = [p if p.is_dir() else p.parent for p in resolved]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    """Dotted module name, found by walking up through packages (`__init__.py`)."""
    return _module_name(path.resolve(), {})


def module_names(files: Sequence[Path]) -> list[tuple[str, bool]]:
    """`module_name` of each of `Discovered.files` (real paths already), asking each directory
    once whether it is a package: a run names every file of the project, each a few levels deep."""
    packages: dict[str, bool] = {}
    return [_module_name(path, packages) for path in files]


def _module_name(path: Path, packages: dict[str, bool]) -> tuple[str, bool]:
    # On the path's text (os.path): `Path.parent` and Path keys were most of the time it took.
    is_package = path.name == "__init__.py"
    parts = [] if is_package else [path.stem]
    directory = os.path.dirname(str(path))
    while True:
        parent, name = os.path.split(directory)
        if parent == directory:  # the file system's root
            break
        known = packages.get(directory)
        if known is None:
            known = packages[directory] = os.path.isfile(os.path.join(directory, "__init__.py"))
        if not known:
            break
        parts.append(name)
        directory = parent
    return ".".join(reversed(parts)) or path.stem, is_package

"""Find the Python files to migrate, the way black and ruff do: paths or directories,
`.gitignore` honoured (pathspec), virtualenvs and build output skipped by default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from quartify.deps import is_dependency_file

DEFAULT_EXCLUDES = (
    ".venv", "venv", ".tox", ".nox", "node_modules", "build", "dist", "site-packages", ".git",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".eggs",
)


@dataclass(frozen=True)
class Discovered:
    root: Path  # the directory module names are computed from
    files: tuple[Path, ...]
    excluded: int
    dependency_files: tuple[Path, ...] = ()  # requirements, pyproject.toml, setup.cfg, ...


def _gitignore(directory: Path) -> "pathspec.PathSpec[Any] | None":
    ignore = directory / ".gitignore"
    if not ignore.is_file():
        return None
    lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    return pathspec.PathSpec.from_lines("gitwildmatch", lines)


def discover(paths: list[Path], exclude: tuple[str, ...] = ()) -> Discovered:
    user_spec = pathspec.PathSpec.from_lines("gitwildmatch", exclude) if exclude else None
    files: set[Path] = set()
    deps: set[Path] = set()
    excluded = 0
    for given in paths:
        given = given.resolve()
        if given.is_file():
            if is_dependency_file(given):
                deps.add(given)
            if given.suffix == ".py":
                files.add(given)
            continue
        if not given.is_dir():
            raise FileNotFoundError(str(given))
        specs: dict[Path, "pathspec.PathSpec[Any]"] = {}
        for dirpath, dirnames, filenames in os.walk(given):
            current = Path(dirpath)
            spec = _gitignore(current)
            if spec is not None:
                specs[current] = spec
            keep = []
            for name in sorted(dirnames):
                child = current / name
                if name in DEFAULT_EXCLUDES or name.endswith(".egg-info") or _ignored(child, True, specs, given, user_spec):
                    excluded += 1
                else:
                    keep.append(name)
            dirnames[:] = keep
            for name in filenames:
                child = current / name
                is_python = name.endswith(".py")
                if not is_python and not is_dependency_file(child):
                    continue
                if _ignored(child, False, specs, given, user_spec):
                    excluded += 1
                elif is_python:
                    files.add(child)
                if is_dependency_file(child) and not _ignored(child, False, specs, given, user_spec):
                    deps.add(child)
    ordered = tuple(sorted(files))
    return Discovered(common_root(paths), ordered, excluded, tuple(sorted(deps)))


def _ignored(
    path: Path, is_dir: bool, specs: dict[Path, "pathspec.PathSpec[Any]"], top: Path, user: "pathspec.PathSpec[Any] | None"
) -> bool:
    for base, spec in specs.items():
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if spec.match_file(rel + ("/" if is_dir else "")):
            return True
    if user is not None:
        rel = path.relative_to(top).as_posix()
        if user.match_file(rel + ("/" if is_dir else "")) or user.match_file(path.name):
            return True
    return False


def common_root(paths: list[Path]) -> Path:
    resolved = [p.resolve() for p in paths] or [Path.cwd()]
    dirs = [p if p.is_dir() else p.parent for p in resolved]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    """Dotted module name, found by walking up through packages (`__init__.py`)."""
    path = path.resolve()
    is_package = path.name == "__init__.py"
    parts = [] if is_package else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory != directory.parent:
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts) or path.stem, is_package

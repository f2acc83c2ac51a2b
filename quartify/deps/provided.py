"""Every module quartify's edits import must be installed by the project's dependency files.

A migrated file that imports `quart_wtf` runs in a development venv that happens to hold
quart-wtforms, and fails on a fresh install from the project's requirements. So after a run,
the imports each edited file gained (top-level modules in its new text and not in its old) are
mapped to a distribution (`quart` -> quart, `quart_wtf` -> quart-wtforms, ...) and looked up in
what the dependency files name after migration, closed over the few distributions whose own
requirements quartify relies on (Quart brings Werkzeug, Jinja, click, ...). Each import left
without a provider gets one QFY127 finding, at the first place an edit wrote it, saying which
requirement to add and where (or that the project has no dependency file quartify can edit).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from quartify.core.discover import module_names
from quartify.core.import_check import ImportCheck as ImportCheck
from quartify.core.import_check import added_imports as added_imports
from quartify.core.import_check import top_level_imports as top_level_imports
from quartify.core.types import FileResult, Finding, RunResult, Severity, Status
from quartify.deps import FileKind, dependency_file_kind
from quartify.deps._common import (
    PYTEST_ASYNCIO_REQUIREMENT,
    QUART,
    QUART_FLOOR,
    normalise,
)
from quartify.deps.declared import declared_names
from quartify.rules import extensions as matrix
from quartify.rules import loader

CODE_UNPROVIDED = "QFY127"
PATCH_DIST = "quart-flask-patch"

# What the distributions quartify writes install themselves (their own requirements, Quart
# 0.22 and the ports' lowest measured releases): an import of `click` is provided by `quart`.
BROUGHT: Mapping[str, frozenset[str]] = {
    QUART: frozenset({"aiofiles", "blinker", "click", "flask", "hypercorn", "itsdangerous", "jinja2",
                      "markupsafe", "werkzeug"}),
    PATCH_DIST: frozenset({QUART}),
    "quart-cors": frozenset({QUART}),
    "quart-wtforms": frozenset({QUART, "wtforms", "quart-uploads"}),
    "quart-bcrypt": frozenset({QUART, "bcrypt"}),
}
# Modules whose distribution is not their name, beyond the extension matrix.
_DISTS = {"dotenv": "python-dotenv", "yaml": "pyyaml", "quart_flask_patch": PATCH_DIST}
# Files that can hold requirements (pytest.ini, tox.ini and pytest.toml cannot install anything).
_REQUIREMENT_KINDS = frozenset({FileKind.REQUIREMENTS, FileKind.PYPROJECT, FileKind.SETUP_PY, FileKind.SETUP_CFG})


@dataclass(frozen=True)
class Wanted:
    """A distribution an import needs, and the requirement quartify would write for it."""

    dist: str
    requirement: str


@cache
def _ports() -> Mapping[str, Wanted]:
    """Top-level module of each Quart port quartify moves imports to -> its distribution."""
    out: dict[str, Wanted] = {}
    for flask_module, quart_module in loader.names().extension_modules.items():
        row = matrix.by_module(flask_module)
        if row is not None and row.quart_package:
            out[quart_module.split(".")[0]] = Wanted(row.quart_package, row.requirement or row.quart_package)
    return out


def wanted(module: str) -> Wanted:
    """The distribution that installs top-level `module`."""
    if module == QUART:
        return Wanted(QUART, QUART + QUART_FLOOR)
    port = _ports().get(module)
    if port is not None:
        return port
    if module in _DISTS:
        dist = _DISTS[module]
        row = matrix.by_dist(dist)
        return Wanted(dist, row.requirement if row is not None and row.requirement else dist)
    row = matrix.by_module(module)
    return Wanted(row.dist, row.dist) if row is not None else Wanted(normalise(module), normalise(module))


def closure(names: Iterable[str]) -> frozenset[str]:
    """`names` and what the distributions quartify writes bring with them."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(BROUGHT.get(name, ()))
    return frozenset(seen)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _local_modules(files: Sequence[FileResult], root: Path) -> set[str]:
    """The top-level names the run's own Python files provide: each file's top package (as
    `module_name` finds it) and the first part of its path under `root`. Each path is resolved
    once and each directory asked once whether it is a package (a big project's check spent
    more here than in the check itself)."""
    python = [f.path for f in files if f.path.suffix == ".py"]
    real = [p.resolve() for p in python]
    real_root = root.resolve()
    out: set[str] = {name.split(".")[0] for name, _package in module_names(real)}
    for path, resolved in zip(python, real, strict=True):
        try:
            rel = resolved.relative_to(real_root).as_posix()
        except ValueError:
            rel = path.as_posix()  # as `_rel` shows a path outside the root
        out.add(rel.split("/")[0].removesuffix(".py"))
    return out


def check_imports(files: Sequence[FileResult], root: Path) -> ImportCheck:
    """Check the imports the run's edits added against the migrated dependency files."""
    texts: dict[str, str] = {}
    for f in files:
        kind = dependency_file_kind(f.path)
        if kind in _REQUIREMENT_KINDS and f.status is not Status.FAILED:
            texts[_rel(f.path, root)] = f.new_source if f.new_source is not None else f.old_source

    def read(rel: str) -> str | None:
        if rel in texts:
            return texts[rel]
        try:
            return (root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    provided = closure(declared_names(sorted(texts), read))
    local = _local_modules(files, root)
    first: dict[str, tuple[str, int]] = {}
    users: dict[str, int] = {}
    for f in sorted(files, key=lambda r: r.path.as_posix()):
        if f.status is not Status.CHANGED or f.new_source is None or f.path.suffix != ".py":
            continue
        added = dict(f.added_imports) if f.added_imports is not None else added_imports(f.old_source, f.new_source)
        for module, line in added.items():
            if module in sys.stdlib_module_names or module == "__future__" or module in local:
                continue
            first.setdefault(module, (_rel(f.path, root), line))
            users[module] = users.get(module, 0) + 1
    missing = sorted(m for m in first if wanted(m).dist not in provided)
    findings = tuple(_finding(m, *first[m], users[m], sorted(texts)) for m in missing)
    return ImportCheck(tuple(sorted(first)), tuple(missing), tuple(sorted(texts)), findings)


def _finding(module: str, path: str, line: int, files: int, dependency_files: Sequence[str]) -> Finding:
    need = wanted(module)
    where = f" (and {files - 1} more file{'s' if files > 2 else ''})" if files > 1 else ""
    if dependency_files:
        why = (f"none of the project's dependency files ({', '.join(dependency_files)}) installs it: add "
               f"`{need.requirement}` where the project lists its requirements")
    else:
        why = (f"the project has no dependency file quartify can edit (requirements*.txt, pyproject.toml, "
               f"setup.py, setup.cfg): install `{need.requirement}` with the migrated code, or add a requirements file")
    return Finding(CODE_UNPROVIDED, Severity.WARNING,
                   f"the migrated code imports `{module}`{where}, from the distribution {need.dist}, but {why}",
                   path, line)


CODE_WRITTEN = "QFY128"
REQUIREMENTS_TXT = "requirements.txt"


def _requirements_file(check: ImportCheck, root: Path, async_tests: bool) -> FileResult | None:
    """A project with no dependency file at all gets a requirements.txt naming what the edits
    import (as a project with no pytest configuration gets a pytest.ini): otherwise the migrated
    code needs a package nothing in the tree installs. Never over an existing file. When the
    tests became async, pytest-asyncio (which runs them) is listed too."""
    target = root / REQUIREMENTS_TXT
    if check.dependency_files or not check.unprovided or _lists_requirements(root):
        return None
    lines = sorted({wanted(m).requirement for m in check.unprovided} | ({PYTEST_ASYNCIO_REQUIREMENT} if async_tests else set()))
    text = ("# Written by quartify: the migrated code imports these, and the project listed no requirements.\n"
            + "".join(f"{line}\n" for line in lines))
    note = Finding(CODE_WRITTEN, Severity.INFO,
                   f"the project has no dependency file: wrote {REQUIREMENTS_TXT} with {', '.join(lines)}, "
                   f"which the migrated code imports", REQUIREMENTS_TXT, 1)
    return FileResult(target, Status.CHANGED, "", text, (note,))


def _lists_requirements(root: Path) -> bool:
    """Whether the root already has a file that can hold requirements, even one the check did not
    read (a Pipfile quartify cannot edit, a requirements file excluded from the run): a second
    one beside it would be a guess."""
    named = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
    return any((root / name).exists() for name in named) or any(root.glob("requirements*.txt"))


def with_import_check(result: RunResult, root: Path, *, whole_tree: bool = False) -> tuple[RunResult, ImportCheck]:
    """`result` with the QFY127 findings of its import check added to the run's findings.

    `whole_tree`: the run migrated everything it was given, with `root` their common directory;
    if that has no dependency file at all it gets a requirements.txt instead (QFY128), as a
    project with no pytest configuration gets a pytest.ini. A subset run (some files of a
    project, as pre-commit and editors pass them) never adds a file: QFY127 says what to install."""
    check = check_imports(result.files, root)
    written = _requirements_file(check, root, bool(result.async_tests)) if whole_tree else None
    if written is not None:
        files = tuple(sorted((*result.files, written), key=lambda r: r.path.as_posix()))
        result = replace(result, files=files)
        check = check_imports(result.files, root)
    if not check.findings:
        return result, check
    return replace(result, findings=(*result.findings, *check.findings)), check

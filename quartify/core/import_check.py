"""The outcome of the check that the migrated dependency files install every module the edits
import (QFY127, computed in `quartify.deps.provided`). Kept apart, in a module that imports
nothing heavy, so a run that edited nothing can report an empty check without loading the
dependency-file machinery (a pre-commit re-check of a migrated file pays only for what it uses)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from quartify.core.types import Finding


@dataclass(frozen=True)
class ImportCheck:
    """The outcome for one run: what the edits import from outside the project and the
    standard library, and which of those the dependency files do not provide."""

    written: tuple[str, ...]  # top-level modules the edits added, sorted
    unprovided: tuple[str, ...]
    dependency_files: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def all_provided(self) -> bool:
        return not self.unprovided

    def to_json(self) -> dict[str, object]:
        return {"all_provided": self.all_provided, "written": list(self.written),
                "unprovided": list(self.unprovided), "dependency_files": list(self.dependency_files)}


NOTHING_EDITED = ImportCheck((), (), (), ())


def imports_in(tree: ast.Module) -> dict[str, int]:
    """Absolute imports anywhere in a module: top-level name -> first line. Only statements are
    walked: no expression holds an import. Verification calls it on the output it parsed, so the
    check after the run (in the main process) parses no text again."""
    found: dict[str, int] = {}
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            for field in ("body", "orelse", "finalbody"):
                todo.extend(getattr(node, field, ()))
            for handler in getattr(node, "handlers", ()):
                todo.extend(handler.body)
            for case in getattr(node, "cases", ()):
                todo.extend(case.body)
            continue
        for name in names:
            top = name.split(".")[0]
            if top not in found or node.lineno < found[top]:
                found[top] = node.lineno
    return found


def top_level_imports(source: str) -> dict[str, int]:
    """`imports_in` of a text (empty when it does not parse), kept per text."""
    return dict(_top_level_imports(source))


@lru_cache(maxsize=256)
def _top_level_imports(source: str) -> tuple[tuple[str, int], ...]:
    if "import" not in source:
        return ()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()
    return tuple(imports_in(tree).items())


def added_imports(old: str, new: str | ast.Module, before: Iterable[str] | None = None) -> dict[str, int]:
    """Top-level modules `new` (a text or its tree) imports and `old` did not, with their first
    line in `new`; a module the old text never spells cannot be imported there. `before`: the
    modules `old` imports, when a caller already read them (`old` is then not parsed)."""
    now = imports_in(new) if isinstance(new, ast.Module) else top_level_imports(new)
    if before is None:
        if not any(m in old for m in now):
            return now
        before = top_level_imports(old)
    had = set(before)
    return {m: line for m, line in now.items() if m not in had}

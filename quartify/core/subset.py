"""Subset runs: a few files given (pre-commit, an editor), the whole project solved.

Colouring is a whole-repo fact: whether `helper_a` must become async depends on what its
callees do, and whether a caller in another file must now await it depends on `helper_a`. So
when every path given is a file inside a project (the nearest directory above them with a
`pyproject.toml`, `setup.cfg` or `.git`, like ruff and black), the run indexes the whole
project (cheaply, through the index cache), solves it whole, and transforms and reports only
the given files. The other files the change would touch are named, not changed
(`RunResult.also_needs`).

What a subset run does to files it was not given:
- other Python files: never changed; named in `also_needs` when the solution makes them change
  (a caller of a function of a given file that became async, or one that becomes async itself);
- dependency files (requirements, pyproject.toml, ...): changed only when given, else named
  when they would change. A hook run on staged Python files must not edit a file nobody staged;
- generated files (the quart-flask-patch compat module, pytest.ini): the compat module is
  written when a given file changes and the module is missing, since the new text of that file
  may import it (it is quartify's own file, never a user's); pytest.ini is only named.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from quartify.analysis.plan import plan_file
from quartify.analysis.repo import RepoPlan, short
from quartify.core.stages import Indexed
from quartify.core.types import OtherFile

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")


def project_root(paths: Sequence[Path]) -> Path | None:
    """The project the given files belong to, or None (a directory given, no marker found above
    the files, the files in different projects, or the marker is the home directory's own: a
    dotfiles repository is not a project to index whole)."""
    if not paths or any(p.is_dir() or str(p) == "-" for p in paths):
        return None
    files = [Path(os.path.realpath(p)) for p in paths]
    home = Path(os.path.realpath(Path.home()))
    for directory in files[0].parents:
        if any((directory / marker).exists() for marker in PROJECT_MARKERS):
            if directory == home or directory == directory.parent:
                return None
            return directory if all(f.is_relative_to(directory) for f in files) else None
    return None


def also_needs(repo: RepoPlan, good: Iterable[Indexed], focus: frozenset[str]) -> list[OtherFile]:
    """The Python files outside `focus` (display paths) the focus files' colouring reaches and
    that must change for it: callers of an async function of a focus file, and, through every
    caller that itself becomes async, their callers in turn. A candidate is named only if its
    plan under this solution has edits (a caller that already awaits needs nothing). Changes
    the focus does not cause (another unmigrated file) are not named: this is what *this*
    change touches, and it stays cheap on a large repository."""
    module_of = repo.linker.module_of
    functions = repo.linker.functions
    callers: dict[str, list[str]] = {}
    for edge in repo.graph.graph.edges:
        callers.setdefault(edge.callee, []).append(edge.caller)
    frontier = sorted(q for q in repo.solution.async_nodes if q in module_of and module_of[q].path in focus)
    seen = set(frontier)
    why: dict[str, str] = {}
    while frontier:
        callee = frontier.pop(0)
        for caller in sorted(set(callers.get(callee, ()))):
            if caller not in module_of or not repo.is_async(callee):
                continue
            where = module_of[caller].path
            if where not in focus and where != module_of[callee].path:
                why.setdefault(where, f"caller of {short(_local(repo, callee))}")
            turning = repo.is_async(caller) and caller in functions and not functions[caller].is_async
            if turning and caller not in seen:
                seen.add(caller)
                frontier.append(caller)
    by_display = {i.display: i for i in good}
    found = []
    for display in sorted(why):
        item = by_display.get(display)
        if item is not None and plan_file(repo, item.index).has_edits:
            found.append(OtherFile(display, why[display]))
    return found


def _local(repo: RepoPlan, qualname: str) -> str:
    module = repo.linker.module_of[qualname].module
    return qualname[len(module) + 1:] if qualname.startswith(module + ".") else qualname

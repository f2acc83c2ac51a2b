"""Subset runs: a few files given (pre-commit, an editor), the whole project solved.

Colouring is a whole-repo fact: whether `helper_a` must become async depends on what its
callees do, and whether a caller in another file must now await it depends on `helper_a`. So
when every path given is a file inside a project (the nearest directory above them with a
`pyproject.toml`, `setup.cfg` or `.git`, like ruff and black), the run indexes the whole
project (cheaply, through the index cache), solves it whole, and transforms and reports only
the given files. The other files the change would touch are named, not changed
(`RunResult.also_needs`).

What a subset run does to files it was not given:
- other Python files: never changed; named in `also_needs` when the given files' colouring
  makes them change (a caller of a function of a given file that becomes async, or a function a
  given file calls that must become async: the given file's new text awaits it);
- dependency files (requirements, pyproject.toml, ...): changed only when given, else named
  when they would change. A hook run on staged Python files must not edit a file nobody staged;
- generated files (the quart-flask-patch compat module, pytest.ini): the compat module is
  written when it is missing and the new text of a given file imports it (it is quartify's own
  file, never a user's, and without it that file would not import); pytest.ini is only named.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from typing import TYPE_CHECKING

from quartify.core.types import OtherFile

if TYPE_CHECKING:  # the analysis loads with the pipeline, not with `project_root`
    from quartify.analysis.repo import RepoPlan
    from quartify.core.stages import Indexed

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
    that must change for it. Upwards: callers of a function of a focus file that becomes async, and, through
    every caller that itself becomes async, their callers in turn. Downwards: a function a focus
    file calls that becomes async (the focus file's new text awaits it), and the ones it calls
    that do. A candidate is named only if its plan under this solution has edits (a caller that
    already awaits needs nothing). Changes the focus does not cause (another unmigrated file) are
    not named: this is what *this* change touches, and it stays cheap on a large repository."""
    from quartify.analysis.plan import plan_file
    from quartify.analysis.repo import short

    module_of = repo.linker.module_of
    functions = repo.linker.functions

    def turning(q: str) -> bool:
        return repo.is_async(q) and q in functions and not functions[q].is_async

    callers: dict[str, list[str]] = {}
    callees: dict[str, list[str]] = {}
    for edge in repo.graph.graph.edges:
        callers.setdefault(edge.callee, []).append(edge.caller)
        callees.setdefault(edge.caller, []).append(edge.callee)
    mine = sorted(q for q in module_of if module_of[q].path in focus)
    why: dict[str, str] = {}
    up = [q for q in mine if turning(q)]  # an `async def` already: its callers are as they were
    seen = set(up)
    while up:
        callee = up.pop(0)
        for caller in sorted(set(callers.get(callee, ()))):
            if caller not in module_of:
                continue
            where = module_of[caller].path
            if where not in focus and where != module_of[callee].path:
                why.setdefault(where, f"caller of {short(_local(repo, callee))}")
            if turning(caller) and caller not in seen:
                seen.add(caller)
                up.append(caller)
    down = list(mine)
    seen = set(down)
    while down:
        caller = down.pop(0)
        for callee in sorted(set(callees.get(caller, ()))):
            if callee in seen or callee not in module_of or not turning(callee):
                continue
            seen.add(callee)
            down.append(callee)
            where = module_of[callee].path
            if where not in focus:
                why.setdefault(where, f"{short(_local(repo, callee))} becomes async")
    by_display = {i.display: i for i in good}
    found = []
    for display in sorted(why):
        item = by_display.get(display)
        # A function that turns async is a `def` -> `async def` edit: no need to plan the file.
        if item is not None and (any(turning(f.qualname) for f in item.index.functions)
                                 or plan_file(repo, item.index).has_edits):
            found.append(OtherFile(display, why[display]))
    return found


def _local(repo: RepoPlan, qualname: str) -> str:
    module = repo.linker.module_of[qualname].module
    return qualname[len(module) + 1:] if qualname.startswith(module + ".") else qualname

"""Which modules a migrated project imports that its own dependency files do not provide.

A suite that passes in a development venv proves nothing about a fresh install: the venv may
still hold the Flask extension whose requirement quartify just replaced (the false pass in
../shared/reference/real-app-measurement.md). This reads the migrated project's declared
requirements (PEP 621 dependencies and the test extra), closes them over the installed
distributions' own requirements, and lists every imported top-level module that no
distribution in that closure provides (stdlib and the project's own modules excepted).
"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def _declared(project: Path) -> set[str]:
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [*data.get("dependencies", []), *data.get("optional-dependencies", {}).get("test", [])]
    return {canonicalize_name(Requirement(line).name) for line in lines}


def _closure(names: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.distribution(name).requires or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(req.name))
    return seen


def _imports(project: Path) -> set[str]:
    out: set[str] = set()
    for path in project.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                out.add(node.module.split(".")[0])
    return out


def _local(project: Path, module: str) -> bool:
    return any(project.rglob(f"{module}.py")) or any(p.is_dir() for p in project.rglob(module))


def unprovided_imports(project: Path) -> dict[str, list[str]]:
    """Imported module -> the installed distributions that provide it, for every import the
    project's declared requirements do not cover."""
    closure = _closure(_declared(project))
    providers = metadata.packages_distributions()
    missing: dict[str, list[str]] = {}
    for module in sorted(_imports(project)):
        if module in sys.stdlib_module_names or _local(project, module):
            continue
        dists = sorted({canonicalize_name(d) for d in providers.get(module, [])})
        if not any(d in closure for d in dists):
            missing[module] = dists
    return missing

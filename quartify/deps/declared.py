"""The distributions a project's dependency files name, read format by format.

The import check (`quartify.deps.provided`) asks whether a module quartify's edits import is
installed by the project's own dependency files after migration. This module only reads: the
requirement lists of requirements*.txt (following `-r` includes), pyproject.toml (PEP 621
dependencies and optional dependencies, PEP 735 dependency groups, Poetry's dependency tables),
setup.py (literal `install_requires`/`extras_require`/`tests_require`) and setup.cfg. Names come
back PEP 503 normalised; a list it cannot read is skipped (the rewrite reports those already).
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from quartify.deps._common import normalise, parse_requirement

# A file's text by its path relative to the project root (posix); None when not readable.
Reader = Callable[[str], str | None]

_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s+|=)(\S+)")
_CONSTRAINT_OR_OPTION = re.compile(r"^-")


def _names(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        req = parse_requirement(line.strip())
        if req is not None:
            yield req.name


def requirements_names(path: str, read: Reader, seen: set[str] | None = None) -> set[str]:
    """Names in a requirements file and the files it includes with `-r` (`-c` constraints install
    nothing, so they are not followed)."""
    seen = set() if seen is None else seen
    if path in seen:
        return set()
    seen.add(path)
    text = read(path)
    if text is None:
        return set()
    out: set[str] = set()
    logical = re.sub(r"\\\n", " ", text).splitlines()
    for raw in logical:
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        include = _INCLUDE.match(line)
        if include is not None:
            target = PurePosixPath(path).parent / include.group(1)
            out |= requirements_names(_tidy(target), read, seen)
        elif not _CONSTRAINT_OR_OPTION.match(line):
            out |= set(_names([line]))
    return out


def _tidy(path: PurePosixPath) -> str:
    """`a/../b.txt` -> `b.txt` (paths stay relative to the project root)."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
            else:
                parts.append(part)
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def pyproject_names(text: str) -> set[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return set()
    project = data.get("project", {})
    lines = _strings(project.get("dependencies"))
    for extra in (project.get("optional-dependencies") or {}).values():
        lines += _strings(extra)
    for group in (data.get("dependency-groups") or {}).values():
        lines += _strings(group)
    out = set(_names(lines))
    poetry = data.get("tool", {}).get("poetry", {})
    tables: list[Any] = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [g.get("dependencies") for g in (poetry.get("group") or {}).values() if isinstance(g, Mapping)]
    for table in tables:
        if isinstance(table, Mapping):
            out |= {normalise(name) for name in table if name != "python"}
    return out


def _literal_list(node: ast.expr, assigned: Mapping[str, ast.expr]) -> list[str]:
    if isinstance(node, ast.Name) and node.id in assigned:
        node = assigned[node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def setup_py_names(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    assigned = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign)
                for t in n.targets if isinstance(t, ast.Name)}
    lines: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg in ("install_requires", "tests_require"):
                lines += _literal_list(kw.value, assigned)
            elif kw.arg == "extras_require":
                value = assigned.get(kw.value.id, kw.value) if isinstance(kw.value, ast.Name) else kw.value
                if isinstance(value, ast.Dict):
                    for item in value.values:
                        lines += _literal_list(item, assigned)
    return set(_names(lines))


def setup_cfg_names(text: str) -> set[str]:
    import configparser  # here: only a project with a setup.cfg pays for loading it

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return set()
    values: list[str] = []
    if parser.has_section("options"):
        values += [parser.get("options", k) for k in ("install_requires", "tests_require")
                   if parser.has_option("options", k)]
    if parser.has_section("options.extras_require"):
        values += [v for _, v in parser.items("options.extras_require")]
    return set(_names(line for v in values for line in v.splitlines()))


def declared_names(paths: Iterable[str], read: Reader) -> set[str]:
    """Every distribution the given dependency files (paths relative to the project root) name."""
    out: set[str] = set()
    for path in paths:
        name = PurePosixPath(path).name
        text = read(path)
        if text is None:
            continue
        if name == "pyproject.toml":
            out |= pyproject_names(text)
        elif name == "setup.py":
            out |= setup_py_names(text)
        elif name == "setup.cfg":
            out |= setup_cfg_names(text)
        elif name.endswith((".txt", ".in")):
            out |= requirements_names(path, read)
    return out

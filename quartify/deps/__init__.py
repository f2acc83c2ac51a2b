"""Dependency and pytest configuration files, from Flask to Quart.

`rewrite_dependency_file` takes one file's text and returns its new text (or None when
nothing changes) and findings:

* `flask` in any requirement list becomes `quart>=0.22` (version and extras dropped, except
  `dotenv`, which Quart offers too; markers and comments kept). Where Quart is already
  listed, the Flask entry is removed instead.
* Flask extensions and Flask test helpers are left in place and reported with their Quart
  route (QFY120, QFY121), from the matrix in quartify/rules/extensions.toml; except an
  extension whose imports the same run moved to its Quart port: its line becomes the port's
  requirement (QFY126), and a pytest plugin whose row says `drop` (pytest-flask, which stops
  every test of a Quart app): it is removed, with the same finding.
* Every list that has `pytest` gets `pytest-asyncio>=0.24`, unless it is already there.
* The project's pytest configuration gets `asyncio_mode = "auto"` and
  `asyncio_default_fixture_loop_scope = "function"` (quart-api.md §3.6).

TOML goes through tomlkit, setup.py through LibCST, requirements and INI files through a
line-preserving editor, so everything not rewritten keeps its bytes. The rewrite is
idempotent: applied to its own output it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from quartify.core.depfiles import FileKind, dependency_file_kind, is_dependency_file
from quartify.core.types import Finding
from quartify.deps._common import (
    PYTEST_ASYNCIO_REQUIREMENT,
    QUART_FLOOR,
    normalise,
    ported,
    quart_requirement,
    tables,
)
from quartify.deps._lines import rewrite_ini, rewrite_requirements
from quartify.rules.extensions import ExtensionRow

__all__ = [
    "PYTEST_ASYNCIO_REQUIREMENT",
    "QUART_FLOOR",
    "DepResult",
    "FileKind",
    "dependency_file_kind",
    "extension_table",
    "is_dependency_file",
    "normalise",
    "quart_requirement",
    "rewrite_dependency_file",
]


def extension_table() -> dict[str, ExtensionRow]:
    """Flask extensions (normalised distribution name) and their rows of the matrix."""
    return dict(tables().extensions)


@dataclass(frozen=True)
class DepResult:
    new_text: str | None  # None when nothing changes
    findings: tuple[Finding, ...]


# Where the INI formats keep requirement lists: section -> keys (None: every key).
_SETUP_CFG_LISTS: dict[str, frozenset[str] | None] = {
    "options": frozenset({"install_requires", "tests_require"}),
    "options.extras_require": None,
}
_TOX_LISTS: dict[str, frozenset[str] | None] = {"testenv": frozenset({"deps"}), "testenv:*": frozenset({"deps"})}


def _rewrite(kind: FileKind, path: str, text: str, elsewhere: bool) -> tuple[str, list[Finding]]:
    match kind:
        case FileKind.REQUIREMENTS:
            return rewrite_requirements(path, text)
        case FileKind.PYPROJECT:
            from quartify.deps._toml import rewrite_pyproject  # tomlkit: loaded only for a TOML file

            return rewrite_pyproject(path, text, elsewhere)
        case FileKind.PYTEST_TOML:
            from quartify.deps._toml import rewrite_pytest_toml

            return rewrite_pytest_toml(path, text)
        case FileKind.SETUP_PY:
            from quartify.deps._setuppy import rewrite_setup_py  # LibCST: loaded only for a setup.py

            return rewrite_setup_py(path, text)
        case FileKind.SETUP_CFG:
            return rewrite_ini(path, text, _SETUP_CFG_LISTS, "tool:pytest", semi=True)
        case FileKind.TOX_INI:
            return rewrite_ini(path, text, _TOX_LISTS, "pytest", factors=True)
        case FileKind.PYTEST_INI:
            return rewrite_ini(path, text, {}, "pytest", create_pytest=True)


def rewrite_dependency_file(
    display_path: str, text: str, has_pytest_config_elsewhere: bool = False, ported_dists: frozenset[str] = frozenset(),
    also: tuple[str, ...] = (),
) -> DepResult:
    """Rewrite one dependency or pytest configuration file from Flask to Quart.

    `display_path` is the path findings carry; its file name decides the format.
    `has_pytest_config_elsewhere` stops a pytest section being created in pyproject.toml
    when the project configures pytest in another file. `ported_dists` are the Flask
    extensions whose imports the same run moved to their Quart port: their requirement
    becomes the port's (the matrix row's `requirement`), so dependencies follow imports.
    `also` are other requirements the migrated code imports (`quart-flask-patch>=0.3`): each
    list that gets Quart gets them after it.
    """
    kind = dependency_file_kind(PurePath(display_path))
    if kind is None:
        return DepResult(None, ())
    with ported(frozenset(normalise(d) for d in ported_dists), also):
        new, findings = _rewrite(kind, display_path, text, has_pytest_config_elsewhere)
    ordered = tuple(sorted(findings, key=Finding.sort_key))
    return DepResult(new if new != text else None, ordered)

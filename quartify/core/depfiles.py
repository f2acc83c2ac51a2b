"""Which files are dependency or pytest configuration files, judged by name alone.

Discovery asks this of every file it walks, on every run, including a re-check that the run
cache answers; the rewriting of those files (`quartify.deps`: tomlkit, the extension matrix)
is needed only when one is rewritten. So the names live here, apart from that package, and
`quartify.deps` re-exports them.
"""

from __future__ import annotations

import enum
from pathlib import Path, PurePath


class FileKind(str, enum.Enum):
    REQUIREMENTS = "requirements"
    PYPROJECT = "pyproject.toml"
    PYTEST_TOML = "pytest.toml"
    SETUP_CFG = "setup.cfg"
    SETUP_PY = "setup.py"
    TOX_INI = "tox.ini"
    PYTEST_INI = "pytest.ini"


_BY_NAME = {
    "pyproject.toml": FileKind.PYPROJECT,
    "pytest.toml": FileKind.PYTEST_TOML,
    ".pytest.toml": FileKind.PYTEST_TOML,
    "setup.cfg": FileKind.SETUP_CFG,
    "setup.py": FileKind.SETUP_PY,
    "tox.ini": FileKind.TOX_INI,
    "pytest.ini": FileKind.PYTEST_INI,
    ".pytest.ini": FileKind.PYTEST_INI,
}


def dependency_file_kind(path: PurePath) -> FileKind | None:
    """What kind of dependency or pytest file `path` names, judged by its name alone."""
    kind = _BY_NAME.get(path.name)
    if kind is not None:
        return kind
    if path.suffix.lower() in (".txt", ".in") and (
        "requirements" in path.stem.lower() or path.parent.name.lower() == "requirements"
    ):
        return FileKind.REQUIREMENTS  # requirements*.txt, dev-requirements.in, requirements/test.txt
    return None


def is_dependency_file(path: Path) -> bool:
    return dependency_file_kind(path) is not None


def may_name_dependency_file(name: str, parent: str) -> bool:
    """`is_dependency_file` of the file `name` in a directory named `parent`, from the two
    strings: discovery asks it of every non-Python file it walks, without making a path."""
    if name in _BY_NAME:
        return True
    dot = name.rfind(".")  # PurePath.suffix: not a leading dot, not a trailing one
    return 0 < dot < len(name) - 1 and name[dot:].lower() in (".txt", ".in") and (
        "requirements" in name[:dot].lower() or parent.lower() == "requirements")

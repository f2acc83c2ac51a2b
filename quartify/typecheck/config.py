"""Which mypy config the pass uses: the project's own, found the way mypy finds it.

The first of `mypy.ini`, `.mypy.ini`, `pyproject.toml` (with `[tool.mypy]`) and `setup.cfg`
(with `[mypy]`) in the root or a parent directory, stopping at the repository root
(`.git`/`.hg`), like mypy's own lookup. When there is none, the pass reads no config file at
all (`--config-file=`), so a stray config above a temporary directory cannot leak in.
"""

from __future__ import annotations

import tomllib
from configparser import ConfigParser
from configparser import Error as ConfigParserError
from pathlib import Path

# Also the config files copied along with the sources, so that the copy finds the same one.
CONFIG_NAMES = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")


def _is_mypy_config(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.name == "pyproject.toml":
        try:
            return "mypy" in tomllib.loads(text).get("tool", {})
        except tomllib.TOMLDecodeError:
            return False
    if path.name == "setup.cfg":
        parser = ConfigParser()
        try:
            parser.read_string(text)
        except ConfigParserError:
            return False
        return parser.has_section("mypy")
    return True


def find_mypy_config(root: Path) -> Path | None:
    """The project's mypy config: mypy's own lookup, from `root` up to the repository root."""
    root = root.resolve()
    for directory in [root, *root.parents]:
        for name in CONFIG_NAMES:
            if _is_mypy_config(directory / name):
                return directory / name
        if (directory / ".git").exists() or (directory / ".hg").exists():
            break
    return None

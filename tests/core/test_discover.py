"""Module names from paths (core/discover.py): dotted through the packages above a file, up to
the first folder without `__init__.py`."""

from __future__ import annotations

import os
from pathlib import Path

from quartify.core.discover import module_name, module_names


def test_module_names_walk_up_through_packages_only(tmp_path: Path) -> None:
    for folder in ("app/api/v1", "scripts/tools", "app/data"):
        (tmp_path / folder).mkdir(parents=True)
    for init in ("app", "app/api", "app/api/v1", "scripts/tools"):  # app/data is a namespace folder
        (tmp_path / init / "__init__.py").write_text("", encoding="utf-8")
    files = [tmp_path / p for p in ("app/__init__.py", "app/api/v1/routes.py", "app/api/v1/__init__.py",
                                    "scripts/tools/run.py", "app/data/load.py", "top.py")]
    for f in files:
        f.touch()
    assert module_names(files) == [("app", True), ("app.api.v1.routes", False), ("app.api.v1", True),
                                   ("tools.run", False), ("load", False), ("top", False)]
    assert module_name(files[1], tmp_path) == ("app.api.v1.routes", False)


def test_a_relative_path_is_named_as_its_folders_say(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").touch()
    (tmp_path / "pkg" / "mod.py").touch()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        assert module_names([Path("pkg/mod.py"), Path("pkg/__init__.py")]) == [("pkg.mod", False), ("pkg", True)]
    finally:
        os.chdir(old)

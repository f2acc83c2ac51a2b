"""Module names from paths (core/discover.py): dotted through the packages above a file, up to
the first folder without `__init__.py`."""

from __future__ import annotations

import os
from pathlib import Path

from quartify.core.discover import discover, module_name, module_names
from tests.helpers import write_tree


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


def test_each_gitignore_rules_its_own_subtree_and_exclude_patterns_match_paths_and_names(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".gitignore": "generated/\n*_pb2.py\n!keep_pb2.py\n",
        "app/views.py": "", "app/api_pb2.py": "", "app/keep_pb2.py": "", "generated/mod.py": "",
        "app/sub/.gitignore": "local.py\nscratch/\n", "app/sub/local.py": "", "app/sub/kept.py": "",
        "app/sub/scratch/x.py": "", "app/other/local.py": "",  # a sibling: app/sub's .gitignore is not its own
        "legacy/old.py": "", "tools/seed.py": "", "node_modules/pkg/m.py": "", "pkg.egg-info/m.py": "",
        "requirements/test.txt": "", "dev-requirements.in": "", "notes.txt": "", "pyproject.toml": "",
        "app/.requirements.txt": "", "docs/requirements.txt": "",
    })
    found = discover([tmp_path], exclude=("legacy/", "seed.py"))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in found.files) == [
        "app/keep_pb2.py", "app/other/local.py", "app/sub/kept.py", "app/views.py",
    ]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in found.dependency_files) == [
        "app/.requirements.txt", "dev-requirements.in", "docs/requirements.txt", "pyproject.toml",
        "requirements/test.txt",
    ]
    # generated/, app/api_pb2.py, app/sub/local.py, app/sub/scratch/, legacy/, tools/seed.py,
    # node_modules/, pkg.egg-info/
    assert found.excluded == 8

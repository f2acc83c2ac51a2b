"""Module names that two files share.

`module_name` names a file by the packages above it, so two scripts in sibling folders that are
no packages (`main.py` next to the tests, `clients/a/main.py`, `clients/b/main.py`) all come out
as `main`. The linker keys modules by name, so one of them would win at random and `import main`
in the tests would resolve to another folder's script. pytest puts the test file's base folder (the
first folder above its packages) on `sys.path`, and so does `python script.py`: the copy whose
base folder is the shallowest under the run's root is the one the root-level code imports. That
copy keeps the plain name; each other copy is named by its base folder relative to the root
(`clients.a.main`), which nothing imports under that name. (Known limit: a sibling script in
`clients/a/` that itself does `import main` now resolves to the root copy.)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def _base_folder(path: Path, module: str, is_package: bool) -> Path:
    """The folder Python puts on `sys.path` to import `module` from `path`."""
    folder = path.resolve().parent
    for _ in range(module.count(".") + (1 if is_package else 0)):
        folder = folder.parent
    return folder


def _prefix(base: Path, root: Path) -> str:
    try:
        parts = base.relative_to(root).parts
    except ValueError:
        parts = base.parts[1:]
    return ".".join(parts)


def distinct_names(files: Iterable[tuple[Path, str, bool]], root: Path) -> dict[Path, str]:
    """For each `(path, module, is_package)` whose module name another file also has, the
    name it is indexed under instead; files with a unique name are left out."""
    groups: dict[str, list[tuple[Path, bool]]] = {}
    for path, module, is_package in files:
        if module:
            groups.setdefault(module, []).append((path, is_package))
    renamed: dict[Path, str] = {}
    root = root.resolve()
    for module, named in groups.items():
        if len(named) < 2:
            continue  # the common case: no base folder to find (each costs a path resolution)
        members = [(path, _base_folder(path, module, is_package)) for path, is_package in named]
        members.sort(key=lambda m: (len(m[1].parts), m[0].as_posix()))
        for path, base in members[1:]:
            prefix = _prefix(base, root)
            renamed[path] = f"{prefix}.{module}" if prefix else f"{path.parent.name}.{module}"
    return renamed

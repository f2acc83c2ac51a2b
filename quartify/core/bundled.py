"""Reading the files quartify ships beside its modules: the rule tables, the runtime helpers.

`importlib.resources` is the general way, and loading it loads `tempfile`, `shutil`, `zipfile`
and the compression modules (~4 ms of a one-file check's start-up), to serve packages inside
zip archives too. An installed or checked-out quartify is a directory, so its files are read
from it directly; a package that is not one (a zip import) goes through `importlib.resources`,
with the same result.
"""

from __future__ import annotations

import importlib
import os


def _folder(package: str, parts: tuple[str, ...]) -> str | None:
    """The directory `parts` of `package` on disk, or None when it is not a directory there."""
    origin = getattr(importlib.import_module(package), "__file__", None)
    if not isinstance(origin, str):
        return None
    folder = os.path.join(os.path.dirname(origin), *parts)
    return folder if os.path.isdir(folder) else None


def read_text(package: str, *parts: str) -> str:
    """`importlib.resources.files(package).joinpath(*parts).read_text(encoding="utf-8")`."""
    folder = _folder(package, parts[:-1])
    if folder is not None:
        with open(os.path.join(folder, parts[-1]), encoding="utf-8") as handle:
            return handle.read()
    from importlib import resources

    item = resources.files(package)
    for part in parts:
        item = item.joinpath(part)
    return item.read_text(encoding="utf-8")


def file_names(package: str, folder: str) -> list[str]:
    """The names of the files in `folder` of `package`, sorted."""
    path = _folder(package, (folder,))
    if path is not None:
        return sorted(entry.name for entry in os.scandir(path) if entry.is_file())
    from importlib import resources

    return sorted(item.name for item in resources.files(package).joinpath(folder).iterdir() if item.is_file())

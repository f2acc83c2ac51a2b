"""quartify's temp files: how they are named, and removing the ones a killed run left behind.

A file is written as `.NAME.quartify-PID-XXXXXXXX.tmp` next to it, then renamed over it, so a
run killed at any moment leaves each file with its old or its new text, never part of either;
what it can leave is its temp file. The next run that writes removes those, but only quartify's
own (the name says so) and only when the process that made them is gone: a run still writing
in the same tree keeps its files. Names of the earlier form `.NAME.XXXXXXXX.quartify` carry no
pid; they are removed once older than a write could take.

Temp files are made by `mkstemp` here, not `tempfile.mkstemp`: importing `tempfile` loads
`shutil`, `random` and the compression modules, ~2.5 ms of a one-file check's start-up, for one
`os.open`.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import time
from pathlib import Path

SUFFIX = ".tmp"
_CURRENT = re.compile(r"^\..+\.quartify-(?P<pid>\d+)-[a-z0-9_]{8}\.tmp$")
_LEGACY = re.compile(r"^\..+\.[a-z0-9_]{8}\.quartify$")
_LEGACY_AGE = 600.0  # seconds: far longer than writing one file takes
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # tempfile's, so `_CURRENT` matches
_TRIES = 10000  # tempfile.TMP_MAX
# tempfile's flags for a binary temp file: created here or not at all, never through a link
_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def prefix(path: Path) -> str:
    """The `mkstemp` prefix for a temp file that will replace `path`."""
    return f".{path.name}.quartify-{os.getpid()}-"


def mkstemp(*, prefix: str, suffix: str = "", dir: str | os.PathLike[str]) -> tuple[int, str]:
    """`tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=dir)`, as it does it: a new file
    `PREFIX` + 8 random characters of `[a-z0-9_]` + `SUFFIX` in `dir`, created exclusively with
    mode 0o600 (another name tried while one exists); its descriptor, open for writing, and its
    absolute path."""
    for _ in range(_TRIES):
        name = "".join(_NAME_CHARS[b % len(_NAME_CHARS)] for b in os.urandom(8))
        path = os.path.join(dir, prefix + name + suffix)
        sys.audit("tempfile.mkstemp", path)
        try:
            fd = os.open(path, _FLAGS, 0o600)
        except FileExistsError:
            continue
        except PermissionError:
            # Windows answers an existing directory of that name so (tempfile does the same)
            if os.name == "nt" and os.path.isdir(dir) and os.access(dir, os.W_OK):
                continue
            raise
        return fd, os.path.abspath(path)
    raise FileExistsError(errno.EEXIST, "no usable temporary file name found")


def replace_with(target: Path, data: bytes, *, prefix: str, suffix: str = "") -> None:
    """Write `data` to a temp file beside `target`, then rename it over `target`: a reader sees
    the old bytes or the new, never part. Raises OSError; no temp file is left behind. (The
    caches use it; `source.write_atomic` also keeps a project file's mode and syncs it.)"""
    fd, tmp = mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def is_leftover(path: Path, now: float | None = None) -> bool:
    """A temp file of a quartify run that is no longer running."""
    match = _CURRENT.match(path.name)
    if match is not None:
        return not _alive(int(match["pid"]))
    if _LEGACY.match(path.name) is None:
        return False
    try:
        age = (time.time() if now is None else now) - path.lstat().st_mtime
    except OSError:
        return False
    return age > _LEGACY_AGE


def looks_like_temp(name: str) -> bool:
    return _CURRENT.match(name) is not None or _LEGACY.match(name) is not None


def remove(paths: tuple[Path, ...]) -> list[Path]:
    """Remove the leftovers that are still leftovers now; returns those removed."""
    removed = []
    for path in paths:
        if not is_leftover(path):
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue  # another run cleaned it first
        except OSError:
            continue  # not ours to insist on: the next run tries again
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OverflowError:
        return False
    return True


if sys.platform == "win32":
    import ctypes

    def _alive_windows(pid: int) -> bool:
        """os.kill on Windows terminates; ask for the process's exit code instead."""
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)

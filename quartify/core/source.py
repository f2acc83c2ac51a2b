"""Read and write Python files byte-faithfully: encoding, BOM, newline style and mode survive.

Writes are atomic (a temp file renamed over the target, see `tempfiles`); a symbolic link is
never replaced, its target is written. Reads refuse anything but a regular file, so a FIFO
that appears after discovery cannot block the run.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path

from quartify.core import tempfiles


class SourceError(Exception):
    """The file cannot be read as Python source (undecodable bytes, unknown encoding)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Source:
    text: str
    encoding: str  # as tokenize reports it; "utf-8-sig" keeps the BOM


def decode(data: bytes) -> Source:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceError(f"cannot decode: {exc}") from exc
    try:
        return Source(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"cannot decode as {encoding}: {exc.reason} at byte {exc.start}", line) from exc
    except LookupError as exc:
        raise SourceError(f"unknown encoding {encoding!r}") from exc


def os_error(exc: OSError) -> str:
    """`Permission denied [EACCES]`: the OS's words and the errno name, without the path."""
    name = errno.errorcode.get(exc.errno or 0)
    text = exc.strerror or str(exc)
    return f"{text} [{name}]" if name else text


def read(path: Path) -> Source:
    return decode(read_bytes(path))


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes; SourceError when it cannot be read or is not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise SourceError(f"cannot read: {os_error(exc)}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError("cannot read: not a regular file")
        return _read_all(fd, info.st_size)
    except OSError as exc:
        raise SourceError(f"cannot read: {os_error(exc)}") from exc
    finally:
        os.close(fd)


def _read_all(fd: int, size: int) -> bytes:
    """What is left to read of `fd`, `size` bytes expected, as `FileIO.readall` reads it (until a
    read returns nothing) without making a file object per file: a one-file check reads every
    file of the project."""
    chunks: list[bytes] = []
    want = size + 1  # one read for the whole file when it did not grow meanwhile
    while chunk := os.read(fd, want):
        chunks.append(chunk)
        want = max(want, 65536)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def write_atomic(path: Path, text: str, encoding: str) -> None:
    """Write next to the target, then rename over it: the file is old or new, never half.

    A link is followed, never replaced; a hard-linked file gets a new inode (its other names
    keep the old text). Raises OSError; the target is then untouched and no temp file is left.
    """
    if path.is_symlink():
        path = path.resolve(strict=True)
    data = text.encode(encoding)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    fd, tmp = tempfiles.mkstemp(prefix=tempfiles.prefix(path), suffix=tempfiles.SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

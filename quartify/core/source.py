"""Read and write Python files byte-faithfully: encoding, BOM, newline style and mode survive."""

from __future__ import annotations

import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path


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


def read(path: Path) -> Source:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from exc
    return decode(data)


def write_atomic(path: Path, text: str, encoding: str) -> None:
    """Write next to the target, then rename over it: the file is old or new, never half."""
    data = text.encode(encoding)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".quartify", dir=path.parent)
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

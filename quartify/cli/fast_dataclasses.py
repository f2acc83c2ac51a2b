"""Keep the compiled code of generated dataclass methods between runs, like bytecode.

Making a dataclass compiles its generated methods (`__init__`, `__eq__`, `__hash__`, the frozen
`__setattr__`, ...) from source text, one `exec` each; quartify defines some 130 dataclasses,
and compiling those ~600 small functions was about 40% of the CPU a one-file check spends
importing quartify (~60 ms of ~180 ms on the benchmark machine). The text of a method depends
only on its class's definition, so the console script imports this module first: it gives the
`dataclasses` module an `exec` of its own that looks the text up in a table of code objects
kept in `__pycache__` (beside the bytecode, honouring PYTHONPYCACHEPREFIX and not written under
`sys.dont_write_bytecode`, like a .pyc) and compiles only texts it has not seen.

The code object is the one `exec` would have compiled (same text, file name "<string>", no
inherited `__future__` flags, same optimisation level), so every dataclass is the same as
without the table. The table is read only when its header matches this interpreter's bytecode
magic number and its checksum holds; anything off, and it is rebuilt. It is written at exit,
whole or not at all (temp file, rename), only when the run compiled a new text, and holds at
most `LIMIT` texts (past that it starts again from the texts of the run). Only the console
script's module (`quartify.cli.main`) installs it: importing quartify's core as a library leaves
`dataclasses` as it is. Installing it also defers the docstrings `dataclasses` makes from
signatures until they are read (`cli/lazy_docs.py`).
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import importlib.util
import marshal
import sys
import zlib
from pathlib import Path
from types import CodeType
from typing import Any

from quartify.cli import lazy_docs
from quartify.core.tempfiles import replace_with

MAGIC = b"quartify-dataclass-code 1\n"
LIMIT = 5000


class CodeTable:
    """Texts -> code objects, read from and written back to `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.codes: dict[str, CodeType] = _read(path)
        self.used: set[str] = set()
        self.added = 0

    def code(self, text: str) -> CodeType:
        self.used.add(text)
        found = self.codes.get(text)
        if found is None:
            found = self.codes[text] = compile(text, "<string>", "exec", dont_inherit=True)
            self.added += 1
        return found

    def exec(self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /) -> None:
        """`exec`, with a text's code from the table."""
        if type(source) is str:
            source = self.code(source)
        builtins.exec(source, globals, locals)  # noqa: S102  # what dataclasses runs anyway

    def save(self) -> None:
        if not self.added or sys.dont_write_bytecode:
            return
        codes = self.codes if len(self.codes) <= LIMIT else {t: self.codes[t] for t in self.used}
        _write(self.path, codes)


def _header() -> bytes:
    return MAGIC + importlib.util.MAGIC_NUMBER + f"{sys.flags.optimize}\n".encode()


def _read(path: Path) -> dict[str, CodeType]:
    try:
        blob = path.read_bytes()
    except OSError:
        return {}
    head = _header()
    if not blob.startswith(head) or len(blob) < len(head) + 4:
        return {}
    payload = blob[len(head) + 4:]
    if zlib.crc32(payload).to_bytes(4, "big") != blob[len(head):len(head) + 4]:
        return {}
    try:
        codes = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {t: c for t, c in codes.items() if isinstance(t, str) and isinstance(c, CodeType)}


def _write(path: Path, codes: dict[str, CodeType]) -> None:
    payload = marshal.dumps(codes)
    blob = _header() + zlib.crc32(payload).to_bytes(4, "big") + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_with(path, blob, prefix=".dataclass-code-")
    except OSError:
        return  # a read-only install: compile each time, as without the table


def default_path() -> Path:
    folder = Path(importlib.util.cache_from_source(__file__)).parent
    return folder / f"dataclass-code.{sys.implementation.cache_tag}.marshal"


def install(path: Path | None = None) -> CodeTable | None:
    """Give `dataclasses` the table's `exec` (once per process, CPython only); the table, or
    None when it was installed already. (A `dataclasses` that compiles no text through `exec`
    never calls it: nothing changes.)"""
    if "exec" in vars(dataclasses) or sys.implementation.name != "cpython":
        return None
    table = CodeTable(path if path is not None else default_path())
    dataclasses.exec = table.exec  # type: ignore[attr-defined]  # a module global shadows the builtin
    atexit.register(table.save)
    lazy_docs.install()  # and the docstrings dataclasses makes from signatures wait until read
    return table


install()

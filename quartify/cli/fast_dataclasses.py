"""Keep the compiled code of generated methods between runs, like bytecode.

Making a dataclass compiles its generated methods (`__init__`, `__eq__`, `__hash__`, the frozen
`__setattr__`, ...) from source text, one `exec` each; quartify defines some 130 dataclasses,
and compiling those ~600 small functions was about 40% of the CPU a one-file check spends
importing quartify (~60 ms of ~180 ms on the benchmark machine). The standard library does the
same in two more places a check's start-up passes through: every `namedtuple` evaluates the text
of its `__new__` (`urllib.parse`, `inspect`, `dis`, `platform`, `pkgutil`, `difflib` and
quartify's `NamedTuple`s make some 40 of them), and every string annotation `typing` turns into a
`ForwardRef` (click's `TypedDict`s, a `NamedTuple` under `from __future__ import annotations`) is
compiled: ~6 ms together. The text of each depends only on its definition, so the console script
imports this module first: it gives `dataclasses` an `exec`, `collections` an `eval` and `typing`
a `compile` of their own that look the text up in a table of code objects kept in `__pycache__`
(beside the bytecode, honouring PYTHONPYCACHEPREFIX and not written under
`sys.dont_write_bytecode`, like a .pyc) and compile only texts it has not seen.

The code object is the one the builtin would have compiled (same text, mode and file name
"<string>", no inherited `__future__` flags, same optimisation level), so every class and
forward reference is the same as without the table. The table is read only when its header
matches this interpreter's bytecode magic number and its checksum holds; anything off, and it is
rebuilt. It is written at exit, whole or not at all (temp file, rename), only when the run
compiled a new text, and holds at most `LIMIT` texts (past that it starts again from the texts
of the run). Only the console script's module (`quartify.cli.main`) installs it, before it
imports anything else: importing quartify's core as a library leaves `dataclasses`,
`collections` and `typing` as they are. Installing it also defers the docstrings `dataclasses`
makes from signatures until they are read (`cli/lazy_docs.py`).
"""

from __future__ import annotations

import atexit
import builtins
import collections
import importlib.util
import marshal
import os
import sys
import typing
import zlib
from types import CodeType
from typing import Any

MAGIC = b"quartify-dataclass-code 1\n"
LIMIT = 5000


_EVAL = "eval\0"  # the key of an `eval` text (a source text holds no NUL); `exec` texts are their own key


class CodeTable:
    """Texts -> code objects, read from and written back to `path`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.codes: dict[str, CodeType] = _read(path)
        self.used: set[str] = set()
        self.added = 0

    def code(self, text: str, mode: str = "exec") -> CodeType:
        key = text if mode == "exec" else _EVAL + text
        self.used.add(key)
        found = self.codes.get(key)
        if found is None:
            found = self.codes[key] = compile(text, "<string>", mode, dont_inherit=True)
            self.added += 1
        return found

    def exec(self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /) -> None:
        """`exec`, with a text's code from the table."""
        if type(source) is str:
            source = self.code(source)
        builtins.exec(source, globals, locals)  # noqa: S102  # what dataclasses runs anyway

    def eval(self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /) -> Any:
        """`eval` (namedtuple's), with a text's code from the table."""
        if type(source) is str:
            source = self.code(source, "eval")
        return builtins.eval(source, globals, locals)  # what namedtuple runs anyway

    def compile(self, source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        """`compile` (typing's, for a forward reference): an expression text's code from the table;
        any other call goes to the builtin."""
        if type(source) is str and filename == "<string>" and mode == "eval" and not args and not kwargs:
            return self.code(source, "eval")
        return builtins.compile(source, filename, mode, *args, **kwargs)

    def save(self) -> None:
        if not self.added or sys.dont_write_bytecode:
            return
        codes = self.codes if len(self.codes) <= LIMIT else {t: self.codes[t] for t in self.used}
        _write(self.path, codes)


def _header() -> bytes:
    return MAGIC + importlib.util.MAGIC_NUMBER + f"{sys.flags.optimize}\n".encode()


def _read(path: str) -> dict[str, CodeType]:
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
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


def _write(path: str, codes: dict[str, CodeType]) -> None:
    # imported at exit: not before the table is installed
    from pathlib import Path

    from quartify.core.tempfiles import replace_with

    payload = marshal.dumps(codes)
    blob = _header() + zlib.crc32(payload).to_bytes(4, "big") + payload
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        replace_with(Path(path), blob, prefix=".dataclass-code-")
    except OSError:
        return  # a read-only install: compile each time, as without the table


def default_path() -> str:
    folder = os.path.dirname(importlib.util.cache_from_source(__file__))
    return os.path.join(folder, f"dataclass-code.{sys.implementation.cache_tag}.marshal")


def install(path: str | os.PathLike[str] | None = None) -> CodeTable | None:
    """Give `collections` and `typing` the table's `eval` and `compile`, then `dataclasses` its
    `exec` (once per process, CPython only); the table, or None when it was installed already.
    `dataclasses` is imported here, after the others: it imports `inspect`, whose named tuples
    then use the table too. (A module that compiles no text through these never calls them:
    nothing changes.)"""
    if "eval" in vars(collections) or sys.implementation.name != "cpython":
        return None
    table = CodeTable(os.fspath(path) if path is not None else default_path())
    # module globals that shadow the builtins
    collections.eval = table.eval  # type: ignore[attr-defined]
    typing.compile = table.compile  # type: ignore[attr-defined]
    import dataclasses

    dataclasses.exec = table.exec  # type: ignore[attr-defined]
    atexit.register(table.save)
    from quartify.cli import lazy_docs

    lazy_docs.install()  # and the docstrings dataclasses makes from signatures wait until read
    return table


install()

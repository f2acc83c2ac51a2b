"""The parsed data of quartify's bundled TOML tables, and the checked objects made of them, kept
beside the bytecode.

Every computed run parses the tables in quartify/rules (about 100 kB of TOML in 15 files, some
25 ms of a one-file check's start-up), and their text is the same every time: the reason
Python keeps compiled modules in `__pycache__`. So a bundled table's parsed data is kept there
too, as marshal data under a digest of its text and the Python running, and read back instead
of parsing it. A changed text is another digest, so an entry is never stale, and the result is
`tomllib.loads(text)` either way (a fresh dict each call, as tomllib gives). Entries are
written like bytecode: not under `sys.dont_write_bytecode`, silently not where the folder
cannot be written, whole or not at all (a temp file renamed into place); an entry is used only
when its header and checksum match, anything off means parsing the text. Data marshal cannot
hold (TOML dates) is parsed each time.

Checking the parsed data against its schema and making the loaders' objects of it (the blocking
rules and their indexes, the Quart API, the names, the registrations, the extension matrix) cost
~3 ms more of every computed run. `built` keeps each loader's result too, pickled under
quartify's code fingerprint (`core.index_cache.code_fingerprint`: the size and modification
time of every .py and .toml file of the package, so of the tables and of the code that checks
them) and the Python running: one file per loader, rewritten when the key changes. It is read
like a .pyc, as data quartify wrote for itself, under the same rules as the parsed tables.
"""

from __future__ import annotations

import importlib.util
import marshal
import pickle
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from quartify.core.digest import blake2b
from quartify.core.tempfiles import replace_with

MAGIC = b"quartify-toml-memo 1\n"
BUILT_MAGIC = b"quartify-built-table 1\n"
T = TypeVar("T")


def loads(text: str, folder: Path | None = None) -> dict[str, Any]:
    """`tomllib.loads(text)`, from `folder` (default: this package's `__pycache__`) when kept."""
    where = folder if folder is not None else _default_folder()
    name = blake2b(f"{sys.version}\0{marshal.version}\0{text}".encode(errors="surrogatepass"),
                   digest_size=16).hexdigest()
    entry = where / f"toml-{name}.marshal"
    kept = _read(entry)
    if kept is not None:
        return kept
    data = tomllib.loads(text)
    if not sys.dont_write_bytecode:
        _write(entry, data)
    return data


def _default_folder() -> Path:
    return Path(importlib.util.cache_from_source(__file__)).parent  # honours PYTHONPYCACHEPREFIX


def _read(entry: Path) -> dict[str, Any] | None:
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 16
    if not blob.startswith(MAGIC) or blake2b(blob[head:], digest_size=16).digest() != blob[len(MAGIC):head]:
        return None
    try:
        data = marshal.loads(blob[head:])
    except (ValueError, EOFError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _write(entry: Path, data: dict[str, Any]) -> None:
    try:
        payload = marshal.dumps(data)
    except ValueError:
        return  # a TOML date or time: not marshal data
    blob = MAGIC + blake2b(payload, digest_size=16).digest() + payload
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        replace_with(entry, blob, prefix=".toml-")
    except OSError:
        return  # a read-only install: parse each time, as before


def built(name: str, kind: type[T], build: Callable[[], T], folder: Path | None = None) -> T:
    """`build()`, a loader's objects made of bundled tables only, from `folder` (default: this
    package's `__pycache__`) when kept under the current key; else built and kept. What `build`
    raises is raised, and nothing is kept."""
    # here: a computed run has loaded it by then, a start-up need not
    from quartify.core.index_cache import code_fingerprint

    where = folder if folder is not None else _default_folder()
    entry = where / f"built-{name}.{sys.implementation.cache_tag}.pickle"
    key = blake2b(f"{sys.version}\0{code_fingerprint()}\0{name}".encode(errors="surrogatepass"),
                  digest_size=16).digest()
    try:
        blob = entry.read_bytes()
    except OSError:
        blob = b""
    head = len(BUILT_MAGIC) + 32
    if blob.startswith(BUILT_MAGIC) and blob[len(BUILT_MAGIC):head] == key + blake2b(blob[head:], digest_size=16).digest():
        try:
            kept = pickle.loads(blob[head:])  # written by quartify for itself, like its bytecode
        except Exception:  # noqa: BLE001  # damaged: built again
            kept = None
        if isinstance(kept, kind):
            return kept
    made = build()
    if not sys.dont_write_bytecode:
        try:
            payload = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
            entry.parent.mkdir(parents=True, exist_ok=True)
            replace_with(entry, BUILT_MAGIC + key + blake2b(payload, digest_size=16).digest() + payload,
                         prefix=".built-")
        except (OSError, pickle.PicklingError):
            pass  # a read-only install: built each time, as before
    return made

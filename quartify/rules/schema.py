"""Checked reading of quartify's TOML tables: the bundled rule tables and `[tool.quartify]`.

tomllib parses but checks nothing, and it forgets where each key was. Without a check, a typo
in a table (`kind = "propery"`, `blockng = "thread"`) is silently ignored and the rewrite it
meant quietly does not happen. Every table is therefore read through a small schema built from
the checks here, and every error names the file, the key as a dotted path (`awaitable[3].kind`)
and, when the text is at hand, its line.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar

from quartify.rules import memo

Key = str | int
KeyPath = tuple[Key, ...]
T = TypeVar("T")
E = TypeVar("E", bound=Enum)


class TableError(ValueError):
    """A table that does not match its schema."""


@dataclass(frozen=True)
class Document:
    """One parsed TOML file: what it is called, its data and (for line numbers) its text."""

    source: str
    data: dict[str, Any]
    text: str | None = None
    error_type: type[TableError] = TableError

    @classmethod
    def parse(cls, source: str, text: str, error_type: type[TableError] = TableError, *,
              bundled: bool = False) -> Document:
        """`bundled`: one of quartify's own tables, whose parsed data `rules.memo` keeps."""
        try:
            data = memo.loads(text) if bundled else tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise error_type(f"{source}: {exc}") from exc
        return cls(source, data, text, error_type)

    def error(self, path: KeyPath, message: str) -> TableError:
        line = line_of(self.text, path) if self.text is not None else None
        where = f"{self.source}:{line}" if line is not None else self.source
        return self.error_type(f"{where}: {dotted(path) or '(top level)'}: {message}")


Check = Callable[[Document, KeyPath, object], T]


def dotted(path: KeyPath) -> str:
    """`("awaitable", 3, "kind")` -> `awaitable[3].kind`."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            bare = bool(key) and all(c.isalnum() or c in "-_" for c in key)
            part = key if bare else f'"{key}"'
            out += f".{part}" if out else part
    return out


def _show(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array",
             dict: "a table"}
    return names.get(type(value), type(value).__name__)


# -- checks: each takes (document, path, value) and returns the parsed value -----------------


def text(doc: Document, path: KeyPath, value: object) -> str:
    if not isinstance(value, str):
        raise doc.error(path, f"expected a string, not {_show(value)}")
    return value


def boolean(doc: Document, path: KeyPath, value: object) -> bool:
    if not isinstance(value, bool):
        raise doc.error(path, f"expected true or false, not {_show(value)}")
    return value


def integer(minimum: int) -> Check[int]:
    def check(doc: Document, path: KeyPath, value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise doc.error(path, f"expected an integer >= {minimum}, not {value!r}")
        return value

    return check


def array_of(item: Check[T]) -> Check[tuple[T, ...]]:
    def check(doc: Document, path: KeyPath, value: object) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise doc.error(path, f"expected an array, not {_show(value)}")
        return tuple(item(doc, (*path, i), entry) for i, entry in enumerate(value))

    return check


def _mapping(doc: Document, path: KeyPath, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise doc.error(path, f"expected a table, not {_show(value)}")
    return value


def map_of(item: Check[T]) -> Check[dict[str, T]]:
    def check(doc: Document, path: KeyPath, value: object) -> dict[str, T]:
        return {key: item(doc, (*path, key), entry) for key, entry in _mapping(doc, path, value).items()}

    return check


strings = array_of(text)
text_map = map_of(text)


def one_of(allowed: Collection[str]) -> Check[str]:
    """A string from a fixed vocabulary."""

    def check(doc: Document, path: KeyPath, value: object) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise doc.error(path, f"{value!r} is not one of {', '.join(repr(a) for a in sorted(allowed))}")
        return value

    return check


def member_of(enum: type[E]) -> Check[E]:
    """A member of a string enum, by value; the error lists the allowed values in their order."""

    def check(doc: Document, path: KeyPath, value: object) -> E:
        for member in enum:
            if member.value == value:
                return member
        raise doc.error(path, f"{value!r} is not one of {', '.join(repr(m.value) for m in enum)}")

    return check


def table(fields: Mapping[str, Check[Any]], optional: Iterable[str] = ()) -> Check[dict[str, Any]]:
    """A table with exactly these keys (those in `optional` may be left out)."""
    may_omit = frozenset(optional)

    def check(doc: Document, path: KeyPath, value: object) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for key, entry in _mapping(doc, path, value).items():
            if key not in fields:
                raise doc.error((*path, key), f"unknown key; expected one of {', '.join(sorted(fields))}")
            parsed[key] = fields[key](doc, (*path, key), entry)
        for key in fields:
            if key not in parsed and key not in may_omit:
                raise doc.error(path, f"missing key {key!r}")
        return parsed

    return check


# -- where a key is: tomllib keeps no positions, so the text is scanned for them ---------------


def line_of(text: str, path: KeyPath) -> int | None:
    """The 1-based line of `path` in `text`, or of its nearest enclosing key that has one of its
    own (an item of an inline array or table is reported at the line of its key)."""
    lines = _lines(text)
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def key_lines(text: str) -> dict[KeyPath, int]:
    """Every key, table header and array-of-tables entry of a TOML text, with the line it starts on."""
    return dict(_lines(text))


@lru_cache(maxsize=4)
def _lines(text: str) -> dict[KeyPath, int]:
    return _Scanner(text).scan()


class _Scanner:
    """Just enough TOML lexing to see where statements start: strings, comments and brackets
    are skipped so that a `[` or `=` inside a value is never taken for a header or a key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.found: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}  # array-of-tables path -> entries seen

    def line(self, pos: int) -> int:
        return bisect_right(self.newlines, pos - 1) + 1

    def scan(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self._skip_blank()
            if self.pos >= len(self.text):
                return self.found
            start = self.pos
            if self.text.startswith("[[", start):
                self.pos += 2
                header = self._resolve(self._key(), last=False)
                index = self.arrays.get(header, 0)
                self.arrays[header] = index + 1
                table = (*header, index)
                self.found.setdefault(header, self.line(start))
                self.found[table] = self.line(start)
            elif self.text.startswith("[", start):
                self.pos += 1
                table = self._resolve(self._key(), last=True)
                self.found.setdefault(table, self.line(start))
            else:
                key = self._key()
                for end in range(1, len(key) + 1):
                    self.found.setdefault((*table, *key[:end]), self.line(start))
                self.pos += 1  # the `=`
                self._skip_value()
            self._skip_to_line_end()

    def _resolve(self, header: KeyPath, last: bool) -> KeyPath:
        """A header's path, with the current entry's index after each array of tables it crosses."""
        out: KeyPath = ()
        for i, key in enumerate(header):
            out = (*out, key)
            if out in self.arrays and (last or i < len(header) - 1):
                out = (*out, self.arrays[out] - 1)
        return out

    def _skip_blank(self) -> None:
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in " \t\r\n":
                self.pos += 1
            elif c == "#":
                self._skip_to_line_end()
            else:
                return

    def _skip_to_line_end(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def _key(self) -> KeyPath:
        """A dotted key, up to (not including) `=`, `]` or `]]`."""
        parts: list[str] = []
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in " \t.":
                self.pos += 1
            elif c in "\"'":
                start = self.pos
                self._skip_string()
                parts.append(tomllib.loads(f"k = {self.text[start:self.pos]}")["k"])
            elif c in "=]\n":
                break
            else:
                start = self.pos
                while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "-_"):
                    self.pos += 1
                if self.pos == start:  # not TOML; tomllib has already accepted the text
                    break
                parts.append(self.text[start:self.pos])
        return tuple(parts)

    def _skip_string(self) -> None:
        quote = self.text[self.pos]
        if self.text.startswith(quote * 3, self.pos):
            self.pos += 3
            while not self.text.startswith(quote * 3, self.pos) and self.pos < len(self.text):
                self.pos += 2 if quote == '"' and self.text[self.pos] == "\\" else 1
            self.pos += 3
            while self.pos < len(self.text) and self.text[self.pos] == quote:  # `""""` ends with a quote
                self.pos += 1
            return
        self.pos += 1
        while self.pos < len(self.text) and self.text[self.pos] != quote:
            self.pos += 2 if quote == '"' and self.text[self.pos] == "\\" else 1
        self.pos += 1

    def _skip_value(self) -> None:
        """Past a value, however many lines its arrays, inline tables and strings span."""
        depth = 0
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in "\"'":
                self._skip_string()
                continue
            if c == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
                continue
            if c == "\n" and depth == 0:
                return
            if c in "[{":
                depth += 1
            elif c in "]}":
                depth -= 1
            self.pos += 1

"""Line-preserving edits of requirements files and INI files (setup.cfg, tox.ini, pytest.ini).

configparser would drop every comment, so these files are read with a small scanner that
knows only what it needs (sections, keys, continuation lines) and edited by column spans:
every byte outside an edited span, line endings included, comes back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from quartify.core.types import Finding, Severity
from quartify.deps import _common as c


def _split(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _body(line: str) -> str:
    """A line without its line ending."""
    return line.rstrip("\n").rstrip("\r") if line.endswith("\n") else line


class Editor:
    """Collects span replacements, line deletions and insertions, then applies them at once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _split(text)
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self._replace: dict[int, list[tuple[int, int, str]]] = {}
        self._delete: set[int] = set()
        self._insert: dict[int, list[str]] = {}
        self._append: list[str] = []

    def replace(self, line: int, start: int, end: int, new: str) -> None:
        self._replace.setdefault(line, []).append((start, end, new))

    def delete(self, line: int) -> None:
        self._delete.add(line)

    def insert_after(self, line: int, content: str) -> None:
        self._insert.setdefault(line, []).append(content)

    def append(self, content: str) -> None:
        self._append.append(content)

    def result(self) -> str:
        out: list[str] = []
        for i, line in enumerate(self.lines):
            body = _body(line)
            ending = line[len(body) :]
            for start, end, new in sorted(self._replace.get(i, ()), reverse=True):
                body = body[:start] + new + body[end:]
            added = self._insert.get(i, [])
            if i not in self._delete:
                out.append(body + (ending or (self.newline if added else "")))
            for k, new_line in enumerate(added):
                # a file that ended without a newline still does
                out.append(new_line + ("" if k == len(added) - 1 and not ending else self.newline))
        if self._append:
            if out and not out[-1].endswith("\n"):
                out[-1] += self.newline
            out.extend(a + self.newline for a in self._append)
        return "".join(out)


@dataclass(frozen=True)
class Item:
    """One requirement in a line-based list: `text` starts at column `start` of `line`."""

    line: int
    start: int
    text: str
    own_line: bool  # alone on its line: removing it removes the line
    sibling: str  # what goes before a new requirement on a new line after this one
    semi: bool = False  # part of a one-line `a; b` list (setup.cfg)
    last_line: int = -1  # the last physical line, when a backslash continues it

    @property
    def end_line(self) -> int:
        return max(self.line, self.last_line)


@dataclass(frozen=True)
class Unit:
    """A requirement the plan may touch, or one that can only be reported."""

    item: Item
    req: c.Requirement | None
    editable: bool = True


def apply_plan(editor: Editor, units: Sequence[Unit], path: str) -> list[Finding]:
    """Plan one list and record its edits; return its findings."""
    planned = [u for u in units if u.req is not None]
    items: list[tuple[str, str, tuple[str, ...]] | None] = []
    findings: list[Finding] = []
    for u in planned:
        assert u.req is not None
        if u.req.name == "flask" and not u.editable:
            findings.append(not_rewritten(path, u.item.line + 1, _spec(u)))
            items.append(None)
        else:
            items.append((u.req.name, u.req.spelled, u.req.extras))
    p = c.plan(items)
    findings += [n.at(path, planned[n.index].item.line + 1) for n in p.notes]
    for index, new in p.replace.items():
        u = planned[index]
        assert u.req is not None
        editor.replace(u.item.line, u.item.start + u.req.start, u.item.start + u.req.end, new)
    for index in p.remove:
        u = planned[index]
        assert u.req is not None
        if u.item.own_line:
            editor.delete(u.item.line)
        else:
            editor.replace(u.item.line, u.item.start + u.req.start, u.item.start + u.req.end, c.quart_requirement())
    if p.add_ports_after is not None:
        item = planned[p.add_ports_after].item
        for requirement in p.add_ports:
            if item.semi:
                at = item.start + len(item.text.rstrip())
                editor.replace(item.line, at, at, "; " + requirement)
            else:
                editor.insert_after(item.end_line, item.sibling + requirement)
    if p.add_after is not None:
        item = planned[p.add_after].item
        if item.semi:
            at = item.start + len(item.text.rstrip())
            editor.replace(item.line, at, at, "; " + c.PYTEST_ASYNCIO_REQUIREMENT)
        else:
            editor.insert_after(item.end_line, item.sibling + c.PYTEST_ASYNCIO_REQUIREMENT)
    return findings


def _spec(u: Unit) -> str:
    assert u.req is not None
    return u.item.text[u.req.start : u.req.end]


def not_rewritten(path: str, line: int, spelled: str, why: str = "it is not a one-line requirement") -> Finding:
    return Finding(
        c.CODE_NOT_REWRITTEN,
        Severity.WARNING,
        f"`{spelled}` was left in place: {why}. Use `{c.quart_requirement()}` instead",
        path,
        line,
    )


# --- requirements files ------------------------------------------------------------------

# pip-compile and uv write "This file is autogenerated by ..."; hashes mean a lock file too.
_GENERATED = re.compile(r"^#.*\bautogenerated\b|[ \t]--hash[=\s]", re.IGNORECASE | re.MULTILINE)


def rewrite_requirements(path: str, text: str) -> tuple[str, list[Finding]]:
    editor = Editor(text)
    lines = editor.lines
    units: list[Unit] = []
    i = 0
    while i < len(lines):
        first = i
        while _body(lines[i]).endswith("\\") and i + 1 < len(lines):
            i += 1  # a requirement continued over several lines
        body = _body(lines[first])
        item = Item(first, 0, body, own_line=first == i, sibling=body[: len(body) - len(body.lstrip())], last_line=i)
        i += 1
        if body.strip().startswith(("#", "-")):
            continue  # a comment, an option, an include (-r, -c, -e)
        units.append(Unit(item, c.parse_requirement(body), editable=item.own_line))
    if _GENERATED.search(text) is None:
        findings = apply_plan(editor, units, path)
        return editor.result(), findings
    # A lock file: editing it by hand would be undone by the next regeneration.
    why = "this file looks generated (pip-compile/uv, or hashes), so change its source and regenerate it"
    findings = []
    for u in units:
        if u.req is None:
            continue
        if u.req.name == "flask":
            findings.append(not_rewritten(path, u.item.line + 1, _spec(u), why))
        else:
            note = c.classify(u.req.name, u.req.spelled, 0)
            if note is not None:
                findings.append(note.at(path, u.item.line + 1))
    return text, findings


# --- INI files ----------------------------------------------------------------------------

_HEADER = re.compile(r"\[([^\]]+)\]")
_KEY = re.compile(r"(?P<key>[^=:\s][^=:]*?)[ \t]*[=:][ \t]*")
_FACTORS = re.compile(r"[A-Za-z0-9_.!-]+(?:,[ \t]*[A-Za-z0-9_.!-]+)*:[ \t]+")
_VALUE_COMMENT = re.compile(r"[ \t][#;]")


@dataclass
class Entry:
    key: str  # lower case, `-` read as `_`
    line: int
    value_col: int
    cont: list[int] = field(default_factory=list)


@dataclass
class Section:
    name: str
    header: int
    entries: list[Entry] = field(default_factory=list)
    last: int = 0  # the last line holding the header or an entry of this section

    def get(self, key: str) -> Entry | None:
        for e in self.entries:
            if e.key == key:
                return e
        return None


def parse_ini(lines: Sequence[str]) -> list[Section]:
    """Sections, keys and continuation lines, the way configparser sees them."""
    sections: list[Section] = []
    section: Section | None = None
    entry: Entry | None = None
    for i, line in enumerate(lines):
        body = _body(line)
        stripped = body.strip()
        if not stripped or stripped[0] in "#;":
            continue  # blank or a comment; neither ends a multi-line value
        indented = body[0] in " \t"
        if indented and entry is not None and section is not None:
            entry.cont.append(i)
            section.last = i
            continue
        header = _HEADER.fullmatch(stripped)
        if header is not None and not indented:
            section = Section(header.group(1).strip(), i, last=i)
            sections.append(section)
            entry = None
            continue
        key = _KEY.match(body)
        if section is None or key is None or indented:
            entry = None
            continue
        entry = Entry(key.group("key").strip().lower().replace("-", "_"), i, key.end())
        section.entries.append(entry)
        section.last = i
    return sections


def _entry_items(lines: Sequence[str], entry: Entry, semi: bool, factors: bool) -> list[Item]:
    cont_indent = "    "
    if entry.cont:
        first = _body(lines[entry.cont[0]])
        cont_indent = first[: len(first) - len(first.lstrip())]
    items: list[Item] = []
    body = _body(lines[entry.line])
    value = body[entry.value_col :]
    if value.strip():
        if semi and not entry.cont and ";" in value:
            pos = entry.value_col
            for seg in value.split(";"):
                lead = len(seg) - len(seg.lstrip())
                if seg.strip():
                    items.append(Item(entry.line, pos + lead, seg[lead:], False, cont_indent, semi=True))
                pos += len(seg) + 1
        else:
            items.append(Item(entry.line, entry.value_col, value, False, cont_indent))
    for n in entry.cont:
        b = _body(lines[n])
        start = len(b) - len(b.lstrip())
        if factors:
            f = _FACTORS.match(b, start)
            if f is not None:
                start = f.end()
        items.append(Item(n, start, b[start:], True, b[:start]))
    return items


def _units(items: Iterable[Item]) -> list[Unit]:
    return [Unit(item, c.parse_requirement(item.text)) for item in items]


def _ensure_pytest_section(editor: Editor, path: str, section: Section) -> list[Finding]:
    findings: list[Finding] = []
    missing: list[str] = []
    for key, value in c.PYTEST_KEYS:
        entry = section.get(key)
        if entry is None:
            missing.append(f"{key} = {value}")
            continue
        if key not in c.FORCED_PYTEST_KEYS or entry.cont:
            continue
        body = _body(editor.lines[entry.line])
        m = _VALUE_COMMENT.search(body, entry.value_col)
        end = m.start() if m is not None else len(body.rstrip())
        old = body[entry.value_col : end].rstrip()
        if old != value:
            editor.replace(entry.line, entry.value_col, entry.value_col + len(old), value)
            findings.append(c.mode_changed(path, entry.line + 1, old))
    for line in missing:
        editor.insert_after(section.last, line)
    return findings


def rewrite_ini(
    path: str,
    text: str,
    deps: Mapping[str, frozenset[str] | None],
    pytest_section: str,
    semi: bool = False,
    factors: bool = False,
    create_pytest: bool = False,
) -> tuple[str, list[Finding]]:
    """Rewrite the requirement lists and the pytest section of one INI file.

    `deps` maps a section name to the keys holding requirement lists there (None: every
    key); `name:*` stands for every `[name:...]` section.
    """
    editor = Editor(text)
    sections = parse_ini(editor.lines)
    findings: list[Finding] = []
    for section in sections:
        pattern = section.name.split(":")[0] + ":*" if ":" in section.name else section.name
        if pattern not in deps:
            continue
        keys = deps[pattern]
        for entry in section.entries:
            if keys is None or entry.key in keys:
                items = _entry_items(editor.lines, entry, semi, factors)
                findings += apply_plan(editor, _units(items), path)
    pytest = [s for s in sections if s.name == pytest_section]
    if pytest:
        findings += _ensure_pytest_section(editor, path, pytest[0])
    elif create_pytest:
        if text.strip():
            editor.append("")
        editor.append(f"[{pytest_section}]")
        for key, value in c.PYTEST_KEYS:
            editor.append(f"{key} = {value}")
    return editor.result(), findings

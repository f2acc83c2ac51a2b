"""pyproject.toml and pytest.toml, edited with tomlkit so layout and comments survive."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, MutableMapping
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import Array, InlineTable, String, StringType, Table

from quartify.core.types import Finding
from quartify.deps import _common as c
from quartify.deps._lines import not_rewritten

# Tables whose values are all PEP 508 lists, and single PEP 508 lists (PEP 621, PEP 735,
# PDM, uv, Hatch). Hatch environments are found by walking `tool.hatch.envs`.
_LIST_TABLES: tuple[tuple[str, ...], ...] = (
    ("project", "optional-dependencies"),
    ("dependency-groups",),
    ("tool", "pdm", "dev-dependencies"),
)
_LISTS: tuple[tuple[str, ...], ...] = (
    ("project", "dependencies"),
    ("tool", "uv", "dev-dependencies"),
)
# Poetry's `name = constraint` tables.
_POETRY_TABLES: tuple[tuple[str, ...], ...] = (
    ("tool", "poetry", "dependencies"),
    ("tool", "poetry", "dev-dependencies"),
)
# Keys of a Poetry dependency table that still mean something for Quart.
_POETRY_KEEP = frozenset({"python", "markers", "optional", "platform", "allow-prereleases"})


def _get(node: Any, *parts: str) -> Any:
    for part in parts:
        if not isinstance(node, MutableMapping) or part not in node:
            return None
        node = node[part]
    return node


def _is_literal(value: Any) -> bool:
    return isinstance(value, String) and value.type in (StringType.SLL, StringType.MLL)


class _Locator:
    """Approximate line numbers in the original text, for findings (tomlkit keeps none)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _table_start(self, table: tuple[str, ...]) -> int:
        for n in range(len(table), 0, -1):
            parts = r"\s*\.\s*".join(rf"""(?:{re.escape(p)}|"{re.escape(p)}"|'{re.escape(p)}')""" for p in table[:n])
            m = re.search(rf"^[ \t]*\[\s*{parts}\s*\]", self.text, re.MULTILINE)
            if m is not None:
                return m.start()
        return 0

    def _line(self, pos: int) -> int:
        return self.text.count("\n", 0, max(pos, 0)) + 1

    def string(self, table: tuple[str, ...], literal: str) -> int:
        start = self._table_start(table)
        pos = self.text.find(literal, start)
        return self._line(pos if pos >= 0 else self.text.find(literal))

    def key(self, table: tuple[str, ...], key: str) -> int:
        start = self._table_start(table)
        pattern = rf"""^[ \t]*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')[ \t]*="""
        m = re.compile(pattern, re.MULTILINE).search(self.text, start)
        return self._line(m.start()) if m is not None else 1


def _edit_array(arr: Array, where: tuple[str, ...], path: str, loc: _Locator) -> list[Finding]:
    values = list(arr)
    reqs = [c.parse_requirement(str(v)) if isinstance(v, str) else None for v in values]
    p = c.plan([(r.name, r.spelled, r.extras) if r is not None else None for r in reqs])
    findings = [n.at(path, loc.string(where, values[n.index].as_string())) for n in p.notes]
    for index, new in p.replace.items():
        r = reqs[index]
        assert r is not None
        old = str(values[index])
        arr[index] = tomlkit.string(old[: r.start] + new + old[r.end :], literal=_is_literal(values[index]))
    if p.add_after is not None:
        literal = _is_literal(values[p.add_after])
        arr.insert(p.add_after + 1, tomlkit.string(c.PYTEST_ASYNCIO_REQUIREMENT, literal=literal))
    for index in sorted(p.remove, reverse=True):
        moved = p.add_after is not None and index > p.add_after  # the insertion shifted it
        del arr[index + 1 if moved else index]
    if p.add_ports:
        literal = _is_literal(values[p.add_ports_after]) if p.add_ports_after is not None else False
        at = next(i for i, v in enumerate(arr) if isinstance(v, str) and (r := c.parse_requirement(str(v))) is not None
                  and r.name == c.QUART)
        for offset, requirement in enumerate(p.add_ports, 1):
            arr.insert(at + offset, tomlkit.string(requirement, literal=literal))
    return findings


def _poetry_value(old: Any, extras: tuple[str, ...]) -> Any:
    """Quart's value in a Poetry table, from Flask's, or None when Flask's is too unusual."""
    if isinstance(old, str):
        return tomlkit.string(c.QUART_FLOOR, literal=_is_literal(old))
    if not isinstance(old, InlineTable):
        return None  # a `[...dependencies.flask]` table or several constraints
    new = tomlkit.inline_table()
    new["version"] = c.QUART_FLOOR
    kept = c.quart_extras(extras)
    if kept:
        new["extras"] = list(kept)
    for key, value in old.items():
        if key in _POETRY_KEEP:
            new[key] = value
    return new


def _poetry_extras(old: Any) -> tuple[str, ...]:
    if isinstance(old, MutableMapping) and isinstance(old.get("extras"), list):
        return tuple(c.normalise(str(e)) for e in old["extras"])
    return ()


def _edit_poetry(table: Any, where: tuple[str, ...], path: str, loc: _Locator) -> tuple[list[Finding], bool]:
    """Edit one Poetry dependency table; the flag says Flask became Quart there."""
    keys = [str(k) for k in table]
    p = c.plan([(c.normalise(k), k, _poetry_extras(table[k])) for k in keys])
    findings = [n.at(path, loc.key(where, keys[n.index])) for n in p.notes]
    renamed = False
    for index, row in p.ports.items():
        assert row.quart_package is not None and row.requirement is not None
        spec = row.requirement[len(row.quart_package):].strip() or "*"
        value = tomlkit.string(spec, literal=_is_literal(table[keys[index]]))
        if isinstance(table, Table):
            table.value._replace(keys[index], row.quart_package, value)
        else:
            del table[keys[index]]
            table[row.quart_package] = value
    for index in p.replace:
        if index in p.ports:
            continue
        key = keys[index]
        new = _poetry_value(table[key], _poetry_extras(table[key]))
        if new is None:
            why = "its Poetry constraint is not a version string or an inline table"
            findings.append(not_rewritten(path, loc.key(where, key), key, why))
            continue
        if isinstance(table, Table):
            table.value._replace(key, c.QUART, new)
        else:  # a table split over the file (tomlkit's out-of-order proxy)
            del table[key]
            table[c.QUART] = new
        renamed = True
    for index in p.remove:
        del table[keys[index]]
    for requirement in p.add_ports:
        package = c.parse_requirement(requirement)
        assert package is not None
        table[package.spelled] = tomlkit.string(requirement[len(package.spelled):].strip())
    if p.add_after is not None:
        pytest_key = keys[p.add_after]
        value = tomlkit.string(c.PYTEST_ASYNCIO_FLOOR, literal=_is_literal(table[pytest_key]))
        if isinstance(table, Table) and not isinstance(table[pytest_key], Table):
            table.value._insert_after(pytest_key, c.PYTEST_ASYNCIO, value)
        else:  # after a `[...dependencies.pytest]` sub-table a key would land inside it
            table[c.PYTEST_ASYNCIO] = value
    return findings, renamed


def _hatch_lists(doc: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
    envs = _get(doc, "tool", "hatch", "envs")
    if isinstance(envs, MutableMapping):
        for name, env in envs.items():
            for key in ("dependencies", "extra-dependencies"):
                yield ("tool", "hatch", "envs", str(name)), _get(env, key)


def _edit_dependencies(doc: Any, path: str, loc: _Locator) -> list[Finding]:
    findings: list[Finding] = []
    arrays: list[tuple[tuple[str, ...], Any]] = [(where[:-1], _get(doc, *where)) for where in _LISTS]
    for where in _LIST_TABLES:
        table = _get(doc, *where)
        if isinstance(table, MutableMapping):
            arrays += [(where, value) for value in table.values()]
    arrays += list(_hatch_lists(doc))
    for where, arr in arrays:
        if isinstance(arr, Array):
            findings += _edit_array(arr, where, path, loc)

    tables = [(where, _get(doc, *where)) for where in _POETRY_TABLES]
    groups = _get(doc, "tool", "poetry", "group")
    if isinstance(groups, MutableMapping):
        for name, group in groups.items():
            tables.append((("tool", "poetry", "group", str(name), "dependencies"), _get(group, "dependencies")))
    renamed = False
    for where, table in tables:
        if isinstance(table, MutableMapping):
            found, flag = _edit_poetry(table, where, path, loc)
            findings += found
            renamed = renamed or flag
    extras = _get(doc, "tool", "poetry", "extras")
    if renamed and isinstance(extras, MutableMapping):
        for arr in extras.values():
            if isinstance(arr, Array):
                for i, name in enumerate(list(arr)):
                    if isinstance(name, str) and c.normalise(name) == "flask":
                        arr[i] = c.QUART
    return findings


def _ensure_pytest_keys(table: Any, path: str, loc: _Locator, where: tuple[str, ...]) -> list[Finding]:
    findings: list[Finding] = []
    for key, value in c.PYTEST_KEYS:
        if key not in table:
            table[key] = value
        elif key in c.FORCED_PYTEST_KEYS and table[key] != value:
            findings.append(c.mode_changed(path, loc.key(where, key), str(table[key])))
            table[key] = value
    return findings


def _new_pytest_table() -> Table:
    table = tomlkit.table()
    for key, value in c.PYTEST_KEYS:
        table[key] = value
    return table


def _edit_pyproject_pytest(doc: Any, path: str, loc: _Locator, elsewhere: bool) -> list[Finding]:
    pytest = _get(doc, "tool", "pytest")
    if isinstance(pytest, MutableMapping):
        if any(k != "ini_options" for k in pytest):  # pytest 9's native `[tool.pytest]`
            return _ensure_pytest_keys(pytest, path, loc, ("tool", "pytest"))
        ini = pytest.get("ini_options")
        if isinstance(ini, MutableMapping):
            return _ensure_pytest_keys(ini, path, loc, ("tool", "pytest", "ini_options"))
    if elsewhere:
        return []
    if not isinstance(doc.get("tool"), MutableMapping):
        doc["tool"] = tomlkit.table(is_super_table=True)
    if not isinstance(doc["tool"].get("pytest"), MutableMapping):
        doc["tool"]["pytest"] = tomlkit.table(is_super_table=True)
    doc["tool"]["pytest"]["ini_options"] = _new_pytest_table()
    return []


def _parse(path: str, text: str) -> tuple[Any, list[Finding]]:
    try:
        return tomlkit.parse(text), []
    except (tomlkit.exceptions.TOMLKitError, ValueError) as exc:
        return None, [c.unparsable(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)]


def _dump(path: str, text: str, doc: Any, findings: list[Finding]) -> tuple[str, list[Finding]]:
    new = tomlkit.dumps(doc)
    try:
        tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:  # never expected: keep the file rather than break it
        return text, [*findings, c.unparsable(path, f"the rewrite would not be valid TOML: {exc}")]
    return new, findings


def rewrite_pyproject(path: str, text: str, has_pytest_config_elsewhere: bool) -> tuple[str, list[Finding]]:
    doc, findings = _parse(path, text)
    if doc is None:
        return text, findings
    loc = _Locator(text)
    findings += _edit_dependencies(doc, path, loc)
    findings += _edit_pyproject_pytest(doc, path, loc, has_pytest_config_elsewhere)
    return _dump(path, text, doc, findings)


def rewrite_pytest_toml(path: str, text: str) -> tuple[str, list[Finding]]:
    """`pytest.toml` / `.pytest.toml` (pytest 9): settings live in `[pytest]`."""
    doc, findings = _parse(path, text)
    if doc is None:
        return text, findings
    table = doc.get("pytest")
    if isinstance(table, MutableMapping):
        findings += _ensure_pytest_keys(table, path, _Locator(text), ("pytest",))
    else:
        doc["pytest"] = _new_pytest_table()
    return _dump(path, text, doc, findings)

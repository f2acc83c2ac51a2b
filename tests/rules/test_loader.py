"""The rule tables are read through one schema: a typo in a table is an error naming the file,
the key and its line, never a rewrite that silently does not happen."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from quartify.rules import blocking, loader
from quartify.rules.loader import AwaitKind
from quartify.rules.schema import (
    Check,
    Document,
    KeyPath,
    TableError,
    key_lines,
    line_of,
)

RULES = resources.files("quartify.rules")
TABLES = {"quart_api.toml": loader.QUART_API, "names.toml": loader.NAMES, "registration.toml": loader.REGISTRATION}
SHIPPED = {
    **{name: RULES.joinpath(name).read_text(encoding="utf-8") for name in TABLES},
    **{f"blocking/{item.name}": item.read_text(encoding="utf-8")
       for item in RULES.joinpath("blocking").iterdir() if item.name.endswith(".toml")},
}


def _check(schema: Check[dict[str, Any]], text: str, source: str = "custom.toml") -> dict[str, Any]:
    doc = Document.parse(source, text)
    return schema(doc, (), doc.data)


def _line(text: str, fragment: str, occurrence: int = 0) -> int:
    """The 1-based line of the `occurrence`-th line containing `fragment`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[occurrence]


# -- the shipped tables ------------------------------------------------------------------------


def test_shipped_tables_load_cleanly() -> None:
    for function in (loader.quart_api, loader.names, loader.registration):
        function.cache_clear()
    api = loader.quart_api()
    assert api.awaitables["flask.render_template"].kind is AwaitKind.CALL
    assert loader.names().modules["flask"] == "quart"
    assert loader.registration().methods["route"] == "view"
    assert blocking.tables().rules


def test_every_await_kind_is_used_by_a_shipped_entry() -> None:
    used = {awaitable.kind for awaitable in loader.quart_api().awaitables.values()}
    assert used == set(AwaitKind)


def test_every_await_kind_says_what_the_rewrite_does() -> None:
    source = RULES.joinpath("loader.py").read_text(encoding="utf-8")
    for member in AwaitKind:
        after = source.split(f'    {member.name} = "{member.value}"\n', 1)[1]
        assert after.lstrip().startswith('"""'), f"AwaitKind.{member.name} has no docstring"


# -- errors name the file, the key and the line ------------------------------------------------


def test_an_unknown_await_kind_is_an_error_at_its_line() -> None:
    text = SHIPPED["quart_api.toml"].replace('kind = "property"', 'kind = "propery"', 1)
    with pytest.raises(TableError) as caught:
        _check(loader.QUART_API, text)
    message = str(caught.value)
    index = text.split('kind = "propery"')[0].count("[[awaitable]]") - 1
    assert message.startswith(f"custom.toml:{_line(text, 'propery')}: awaitable[{index}].kind: 'propery' is not one of")
    assert all(repr(member.value) in message for member in AwaitKind)


def test_an_unknown_key_in_an_entry_is_an_error_at_its_line() -> None:
    text = '[[awaitable]]\nflask = "a"\nkind = "call"\nquart = "b"\n\n[[awaitable]]\nflask = "c"\nknd = "call"\n'
    with pytest.raises(TableError, match=r"^custom\.toml:8: awaitable\[1\]\.knd: unknown key; expected one of flask, kind, quart$"):
        _check(loader.QUART_API, text)


def test_a_missing_key_is_an_error_at_its_table() -> None:
    text = '[explicit_submodules]\n# which submodules\nnaems = ["views"]\n'
    with pytest.raises(TableError, match=r"^custom\.toml:3: explicit_submodules\.naems: unknown key"):
        _check(loader.NAMES, text)
    with pytest.raises(TableError, match=r"^custom\.toml:1: explicit_submodules: missing key 'names'$"):
        _check(loader.NAMES, "[explicit_submodules]\n")


@pytest.mark.parametrize("name", sorted(TABLES))
def test_an_unknown_top_level_table_is_an_error(name: str) -> None:
    text = SHIPPED[name] + "\n[renamez]\n\"flask.Flask\" = \"Quart\"\n"
    with pytest.raises(TableError) as caught:
        _check(TABLES[name], text, name)
    assert str(caught.value).startswith(f"{name}:{_line(text, '[renamez]')}: renamez: unknown key; expected one of")


def test_a_value_of_the_wrong_type_is_an_error() -> None:
    with pytest.raises(TableError, match=r"^custom\.toml:2: modules\.flask: expected a string, not an integer$"):
        _check(loader.NAMES, "[modules]\nflask = 3\n")
    with pytest.raises(TableError, match=r"^custom\.toml:1: receivers\[1\]: expected a string, not a table$"):
        _check(loader.REGISTRATION, 'receivers = ["flask.Flask()", {a = 1}]\n')


def test_a_registration_kind_outside_the_vocabulary_is_an_error() -> None:
    with pytest.raises(TableError, match=r"^custom\.toml:3: methods\.route: 'veiw' is not one of 'cli', 'hook'"):
        _check(loader.REGISTRATION, '[methods]\nget = "view"\nroute = "veiw"\n')


def test_a_bad_blocking_rule_names_its_key_and_line() -> None:
    text = SHIPPED["blocking/stdlib.toml"].replace('severity = "warning"', 'severity = "fatal"', 1)
    with pytest.raises(blocking.RuleError) as caught:
        blocking._build([Document.parse("stdlib.toml", text, blocking.RuleError)])
    assert str(caught.value).startswith(f"stdlib.toml:{_line(text, 'fatal')}: rule[")
    assert ".severity: 'fatal' is not one of 'error', 'info', 'warning'" in str(caught.value)


# -- finding the line of a key: tomllib keeps no positions -------------------------------------


TRICKY = '''\
# a = 1
title = "[not] a header = no"   # comment [x]
"quoted.key" = 1
dotted.inner = 2
lines = [
  "a = b",
  """
fake = "multi-line string"
[fake]
""",
  { in = 1 },
]
raw = \'\'\'
[[also_fake]]
\'\'\'

[table]
key = 'x'   # [y]

[[items]]
name = "one"

[items.sub]
deep = true

[[items]]
name = "two"
'''


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("title",), 2),
        (("quoted.key",), 3),
        (("dotted",), 4),
        (("dotted", "inner"), 4),
        (("lines",), 5),
        (("lines", 2, "in"), 5),  # inside an inline value: the line of its key
        (("raw",), 13),
        (("table",), 17),
        (("table", "key"), 18),
        (("items", 0), 20),
        (("items", 0, "name"), 21),
        (("items", 0, "sub"), 23),
        (("items", 0, "sub", "deep"), 24),
        (("items", 1), 26),
        (("items", 1, "name"), 27),
    ],
)
def test_line_of_finds_keys_past_strings_comments_and_brackets(path: KeyPath, line: int) -> None:
    assert line_of(TRICKY, path) == line


def test_line_of_sees_only_real_keys() -> None:
    found = key_lines(TRICKY)
    assert ("fake",) not in found and ("also_fake",) not in found and ("a",) not in found
    assert line_of(TRICKY, ("nowhere",)) is None


def _paths(value: Any, path: KeyPath = ()) -> list[KeyPath]:
    """Every key and array-of-tables entry of parsed TOML (not the items of inline arrays)."""
    out: list[KeyPath] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*path, key))
            out.extend(_paths(item, (*path, key)))
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*path, index)))
    return out


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_key_of_every_shipped_table_is_found_on_its_own_line(name: str) -> None:
    text = SHIPPED[name]
    lines = text.splitlines()
    found = key_lines(text)
    for path in _paths(tomllib.loads(text)):
        line = line_of(text, path)
        assert line is not None, path
        last = path[-1]
        assert isinstance(last, str)
        if path in found:  # a key of its own, not inside an inline table
            assert lines[line - 1].lstrip().startswith((last, f'"{last}"', "[")), (path, lines[line - 1])
        else:
            assert last in lines[line - 1], (path, lines[line - 1])

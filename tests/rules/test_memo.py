"""The parsed-TOML memo of the bundled tables (rules/memo.py) returns what tomllib returns,
cold or warm; a broken entry is parsed again and rewritten; data marshal cannot hold and a run
that must not write bytecode leave nothing behind. The loaders' objects it keeps (`memo.built`)
equal a fresh build, and are built again for other code or a damaged file."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from quartify.core import bundled, index_cache
from quartify.rules import blocking, extensions, loader, memo

BUNDLED = sorted(
    (item for item in (*resources.files("quartify.rules").iterdir(),
                       *resources.files("quartify.rules").joinpath("blocking").iterdir())
     if item.name.endswith(".toml")),
    key=lambda item: item.name,
)


@pytest.fixture(autouse=True)
def _writes_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


@pytest.mark.parametrize("table", BUNDLED, ids=lambda item: item.name)
def test_cold_and_warm_reads_equal_tomllib(table: Path, tmp_path: Path) -> None:
    text = table.read_text(encoding="utf-8")
    cold = memo.loads(text, tmp_path)
    assert len(list(tmp_path.glob("toml-*.marshal"))) == 1
    warm = memo.loads(text, tmp_path)
    assert cold == warm == tomllib.loads(text)
    assert list(warm) == list(tomllib.loads(text))  # key order too
    warm["added"] = 1  # each call gets its own data, as from tomllib
    assert "added" not in memo.loads(text, tmp_path)


@pytest.mark.parametrize("how", ["truncated", "flipped", "empty", "foreign"])
def test_a_broken_entry_is_parsed_again_and_rewritten(how: str, tmp_path: Path) -> None:
    text = '[x]\nname = "a"\nitems = [1, 2.5, true, "b"]\n'
    memo.loads(text, tmp_path)
    (entry,) = tmp_path.glob("toml-*.marshal")
    blob = entry.read_bytes()
    broken = {"truncated": blob[:-3], "flipped": blob[:-2] + bytes([blob[-2] ^ 0x41]) + blob[-1:], "empty": b"",
              "foreign": b"not an entry at all"}[how]
    entry.write_bytes(broken)
    assert memo.loads(text, tmp_path) == tomllib.loads(text)
    assert entry.read_bytes() == blob


def test_dates_are_parsed_each_time(tmp_path: Path) -> None:
    text = "when = 2026-12-02\n"
    assert memo.loads(text, tmp_path) == tomllib.loads(text)
    assert not list(tmp_path.iterdir())


def test_nothing_is_written_when_bytecode_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert memo.loads("a = 1\n", tmp_path) == {"a": 1}
    assert not list(tmp_path.iterdir())


def test_an_unwritable_folder_only_means_parsing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")  # a file where the folder would be
    assert memo.loads("a = [1]\n", blocked / "sub") == {"a": [1]}


def test_invalid_toml_raises_as_tomllib_does(tmp_path: Path) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        memo.loads("a = \n", tmp_path)


# Each loader's objects, kept by `memo.built`: (name, kind, build).
LOADERS = [
    ("blocking", blocking.BlockingTables, lambda: blocking._parsed(())),
    ("quart_api", loader.QuartApi, loader._quart_api),
    ("names", loader.Names, loader._names),
    ("registration", loader.Registration, loader._registration),
    ("extensions", tuple, lambda: extensions.parse(extensions.SOURCE, bundled.read_text("quartify.rules", "extensions.toml"))),
]


@pytest.mark.parametrize(("name", "kind", "build"), LOADERS, ids=[name for name, _, _ in LOADERS])
def test_built_objects_read_back_equal_a_fresh_build(name: str, kind: type, build: Callable[[], object],
                                                     tmp_path: Path) -> None:
    calls: list[int] = []

    def counted() -> object:
        calls.append(1)
        return build()

    cold = memo.built(name, kind, counted, tmp_path)
    assert len(list(tmp_path.glob(f"built-{name}.*.pickle"))) == 1
    warm = memo.built(name, kind, counted, tmp_path)
    assert len(calls) == 1  # the second came from the file
    assert cold == warm == build()  # (a frozenset's order is the process's, its repr too)
    if isinstance(warm, blocking.BlockingTables):  # a rule is one object, wherever it is indexed
        assert all(any(rule is r for r in warm.rules) for rule in warm.by_call.values())


def test_built_objects_are_built_again_for_other_code_or_a_damaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[dict[str, int]] = []

    def build() -> dict[str, int]:
        made.append({"n": len(made)})
        return made[-1]

    assert memo.built("x", dict, build, tmp_path) == {"n": 0}
    (entry,) = tmp_path.glob("built-x.*.pickle")
    blob = entry.read_bytes()
    entry.write_bytes(blob[:-2] + bytes([blob[-2] ^ 0x41]) + blob[-1:])
    assert memo.built("x", dict, build, tmp_path) == {"n": 1}  # damaged: built again, rewritten
    assert memo.built("x", dict, build, tmp_path) == {"n": 1}
    monkeypatch.setattr(index_cache, "code_fingerprint", lambda: "another quartify")
    assert memo.built("x", dict, build, tmp_path) == {"n": 2}  # another key: built again, one file kept
    assert len(list(tmp_path.glob("built-x.*.pickle"))) == 1
    assert memo.built("x", list, lambda: [1], tmp_path) == [1]  # not the kind asked for: built


def test_built_objects_raise_what_the_build_raises_and_keep_nothing(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict[str, int]:
        raise blocking.RuleError("a broken table")

    with pytest.raises(blocking.RuleError):
        memo.built("x", dict, broken, tmp_path)
    assert not list(tmp_path.iterdir())
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert memo.built("x", dict, lambda: {"a": 1}, tmp_path) == {"a": 1}
    assert not list(tmp_path.iterdir())

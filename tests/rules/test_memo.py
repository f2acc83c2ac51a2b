"""The parsed-TOML memo of the bundled tables (rules/memo.py) returns what tomllib returns,
cold or warm; a broken entry is parsed again and rewritten; data marshal cannot hold and a run
that must not write bytecode leave nothing behind."""

from __future__ import annotations

import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from quartify.rules import memo

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

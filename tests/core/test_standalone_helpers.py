"""The small replacements that keep standard modules and objects out of a check's start-up (see
tests/test_startup.py): each must do what the code it replaces does."""

from __future__ import annotations

import hashlib
import os
import stat
from importlib import resources
from pathlib import Path

import pytest

from quartify.core import bundled, tempfiles
from quartify.core.digest import blake2b
from quartify.core.source import read_bytes


def test_mkstemp_makes_a_new_private_file_named_like_tempfiles(tmp_path: Path) -> None:
    target = tmp_path / "views.py"
    fd, name = tempfiles.mkstemp(prefix=tempfiles.prefix(target), suffix=tempfiles.SUFFIX, dir=tmp_path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"x")
    made = Path(name)
    assert made.is_absolute() and made.parent == tmp_path and made.read_bytes() == b"x"
    assert tempfiles.looks_like_temp(made.name) and not tempfiles.is_leftover(made)  # this process's own
    if os.name == "posix":
        assert stat.S_IMODE(made.stat().st_mode) == 0o600


def test_mkstemp_takes_another_name_while_one_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter([b"\0" * 8, b"\0" * 8, b"\1" * 8])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    first = tempfiles.mkstemp(prefix="p-", dir=tmp_path)
    second = tempfiles.mkstemp(prefix="p-", dir=tmp_path)
    for fd, _ in (first, second):
        os.close(fd)
    assert Path(first[1]).name == "p-aaaaaaaa" and Path(second[1]).name == "p-bbbbbbbb"


def test_mkstemp_raises_where_it_cannot_create(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        tempfiles.mkstemp(prefix="p-", dir=tmp_path / "missing")


def test_replace_with_leaves_only_the_target(tmp_path: Path) -> None:
    target = tmp_path / "entry.idx"
    target.write_bytes(b"old")
    tempfiles.replace_with(target, b"new", prefix=".tmp-", suffix=".idx")
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["entry.idx"]


def test_blake2b_is_hashlibs() -> None:
    # CPython's hashlib hands out _blake2's own constructor; elsewhere core/digest.py imports hashlib's
    assert blake2b is hashlib.blake2b
    assert blake2b(b"quartify", digest_size=20).hexdigest() == hashlib.blake2b(b"quartify", digest_size=20).hexdigest()


def _shipped(package: str) -> list[tuple[str, ...]]:
    root = resources.files(package)
    found: list[tuple[str, ...]] = []
    for item in root.iterdir():
        if item.is_file() and item.name.endswith((".toml", ".py")):
            found.append((item.name,))
        elif item.is_dir() and item.name != "__pycache__":
            found.extend((item.name, sub.name) for sub in item.iterdir() if sub.name.endswith(".toml"))
    return found


@pytest.mark.parametrize("package", ["quartify.rules", "quartify.runtime"])
def test_bundled_files_read_as_importlib_resources_reads_them(package: str) -> None:
    shipped = _shipped(package)
    assert shipped
    for parts in shipped:
        expected = resources.files(package).joinpath(*parts).read_text(encoding="utf-8")
        assert bundled.read_text(package, *parts) == expected


def test_bundled_file_names_are_the_folders_files_sorted() -> None:
    expected = sorted(i.name for i in resources.files("quartify.rules").joinpath("blocking").iterdir() if i.is_file())
    assert bundled.file_names("quartify.rules", "blocking") == expected
    assert "http.toml" in expected


def test_a_package_not_on_disk_is_read_through_importlib_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    """A zip import has no folder to read: the general way answers, the same."""
    direct = bundled.read_text("quartify.rules", "blocking", "http.toml"), bundled.file_names("quartify.rules", "blocking")
    monkeypatch.setattr(bundled, "_folder", lambda package, parts: None)
    assert (bundled.read_text("quartify.rules", "blocking", "http.toml"),
            bundled.file_names("quartify.rules", "blocking")) == direct


@pytest.mark.parametrize("size", [0, 1, 4096, 65536, 300_001])
def test_read_bytes_reads_a_whole_file_without_a_file_object(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    target = tmp_path / "module.py"
    target.write_bytes(data)
    assert read_bytes(target) == data

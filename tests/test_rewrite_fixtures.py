"""Every input/expected pair under tests/fixtures/rewrites: the exact output, a fixed point,
valid Python, and no `await` outside `async def`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import assert_valid_async, migrate_one, output_of

PAIRS = sorted((Path(__file__).parent / "fixtures" / "rewrites").glob("*.in.py"))


def _name(path: Path) -> str:
    return path.name[: -len(".in.py")]


@pytest.mark.parametrize("source", PAIRS, ids=_name)
def test_output_matches_expected(source: Path) -> None:
    expected = source.with_name(_name(source) + ".out.py").read_text(encoding="utf-8")
    result = migrate_one(source.read_bytes(), _name(source) + ".py")
    assert output_of(result) == expected


@pytest.mark.parametrize("source", PAIRS, ids=_name)
def test_output_is_a_fixed_point(source: Path) -> None:
    first = output_of(migrate_one(source.read_bytes(), _name(source) + ".py"))
    second = migrate_one(first, _name(source) + ".py")
    assert second.new_source is None, "a second run changed the output again"


@pytest.mark.parametrize("source", PAIRS, ids=_name)
def test_output_parses_with_awaits_only_in_async_defs(source: Path) -> None:
    assert_valid_async(output_of(migrate_one(source.read_bytes(), _name(source) + ".py")))


def test_file_without_flask_is_byte_identical() -> None:
    source = (Path(__file__).parent / "fixtures" / "rewrites" / "no_flask.in.py").read_bytes()
    result = migrate_one(source, "no_flask.py")
    assert result.new_source is None
    assert result.old_source.encode("utf-8") == source

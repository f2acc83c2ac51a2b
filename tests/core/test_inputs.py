"""Valid input quartify used to get wrong: CR-only newlines, deep nesting, Python 3.12 f-strings."""

from __future__ import annotations

import sys

import pytest

from quartify.core.types import Status
from tests.core.faultapp import VIEW
from tests.helpers import migrate_one


def test_cr_only_line_endings_keep_the_final_newline() -> None:
    lf = migrate_one(VIEW).new_source
    out = migrate_one(VIEW.replace("\n", "\r")).new_source
    assert lf is not None and out is not None
    assert out == lf.replace("\n", "\r")


def test_cr_only_file_without_a_final_newline_gets_none() -> None:
    source = VIEW.rstrip("\n").replace("\n", "\r")
    out = migrate_one(source).new_source
    assert out is not None and out.endswith('(await request.form)["a"]')


def test_deeply_nested_but_valid_lists_are_migrated() -> None:
    source = VIEW + "\nx = " + "[" * 180 + "]" * 180 + "\n"
    limit = sys.getrecursionlimit()
    result = migrate_one(source)
    assert result.status is Status.CHANGED, [f.message for f in result.findings]
    assert result.new_source is not None and "[" * 180 + "]" * 180 in result.new_source
    assert sys.getrecursionlimit() == limit


@pytest.mark.parametrize("depth", [3000, 20000])
def test_nesting_too_deep_to_handle_says_so_not_internal_error(depth: int) -> None:
    source = VIEW + "\nx = " + "-" * depth + "1\n"
    result = migrate_one(source)
    assert result.status is Status.FAILED
    messages = " ".join(f.message for f in result.findings)
    assert "internal error" not in messages
    assert "nested too deeply for quartify" in messages, messages


NESTED_QUOTES = VIEW + '\n\ndef label(x):\n    return f"{x["k"]}"\n'


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="on 3.12+ the file parses, so there is no hint to give (the next test checks it is migrated)")
def test_python_312_fstring_under_an_older_python_says_which_python_to_use() -> None:
    result = migrate_one(NESTED_QUOTES)
    assert result.status is Status.FAILED
    [finding] = result.findings
    assert finding.code == "QFY001" and finding.line == 12
    assert "this file needs Python >= 3.12; run quartify with that interpreter" in finding.message


@pytest.mark.skipif(sys.version_info < (3, 12), reason="only Python >= 3.12 parses these f-strings; older Pythons run the hint test above instead")
def test_python_312_fstring_under_312_is_migrated() -> None:
    assert migrate_one(NESTED_QUOTES).status is Status.CHANGED


@pytest.mark.parametrize("bad", ['f"{}"', 'f"{x!z}"', 'f"{x"'])
def test_a_broken_fstring_gets_no_python_version_hint(bad: str) -> None:
    result = migrate_one(VIEW + f"\ny = {bad}\n")
    assert result.status is Status.FAILED
    assert "Python >= 3.12" not in result.findings[0].message

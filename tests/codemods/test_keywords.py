"""Keyword arguments Quart spells differently, renamed at the planned call (codemods/keywords.py)."""

from __future__ import annotations

from quartify.analysis.planners.keywords import KeywordRename
from tests.codemods.helpers import at, check_noop, check_transformed

SEND_FILE = (("download_name", "attachment_filename"), ("etag", "add_etags"), ("max_age", "cache_timeout"))


def test_renamed_keywords_change_and_values_stay() -> None:
    call = 'send_file(path, download_name="a.txt", max_age=60)'
    src = f"def view():\n    return {call}\n"
    expected = 'def view():\n    return send_file(path, attachment_filename="a.txt", cache_timeout=60)\n'
    check_transformed(src, expected, KeywordRename(at(src, call), SEND_FILE))


def test_keywords_not_in_the_table_are_kept() -> None:
    call = "send_file(path, mimetype='text/plain', etag=False)"
    src = f"r = {call}\n"
    check_transformed(src, "r = send_file(path, mimetype='text/plain', add_etags=False)\n",
                      KeywordRename(at(src, call), SEND_FILE))


def test_layout_of_a_multiline_call_survives() -> None:
    src = "r = send_from_directory(\n    root,\n    path,  # the file\n    max_age=0,\n)\n"
    expected = "r = send_from_directory(\n    root,\n    path,  # the file\n    cache_timeout=0,\n)\n"
    check_transformed(src, expected, KeywordRename(at(src, src[4:-1]), (("max_age", "cache_timeout"),)))


def test_only_the_planned_call_is_renamed() -> None:
    src = "a = send_file(p, max_age=1)\nb = other(p, max_age=1)\n"
    check_transformed(src, "a = send_file(p, cache_timeout=1)\nb = other(p, max_age=1)\n",
                      KeywordRename(at(src, "send_file(p, max_age=1)"), SEND_FILE))


def test_already_renamed_call_is_a_noop() -> None:
    src = "r = send_file(p, cache_timeout=1)\n"
    check_noop(src, KeywordRename(at(src, "send_file(p, cache_timeout=1)"), SEND_FILE))


def test_span_holding_no_call_is_a_noop() -> None:
    src = "r = send_file(p, max_age=1)\n"
    check_noop(src, KeywordRename(at(src, "send_file"), SEND_FILE))

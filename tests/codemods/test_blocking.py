"""`time.sleep` -> `await asyncio.sleep`, and `# TODO(quartify)` comments above statements that
hold a blocking call, written once (codemods/blocking.py)."""

from __future__ import annotations

from quartify.analysis.planners.blocking import SleepCall, TodoComment
from tests.codemods.helpers import at, check_noop, check_transformed, def_at

TODO = "TODO(quartify): QFY210 requests.get() blocks the event loop; use httpx.AsyncClient().get"


def test_sleep_becomes_awaited_asyncio_sleep() -> None:
    src = "async def view():\n    time.sleep(1)\n"
    expected = "import asyncio\n\nasync def view():\n    await asyncio.sleep(1)\n"
    check_transformed(src, expected, SleepCall(at(src, "time.sleep(1)")))


def test_sleep_inside_parentheses_keeps_them() -> None:
    src = "import asyncio\n\nasync def view():\n    x = (sleep(0.5))\n"
    expected = "import asyncio\n\nasync def view():\n    x = (await asyncio.sleep(0.5))\n"
    check_transformed(src, expected, SleepCall(at(src, "sleep(0.5)")))


def test_sleep_span_holding_no_call_is_a_noop() -> None:
    src = "async def view():\n    time.sleep(1)\n"
    check_noop(src, SleepCall(at(src, "time")))


def test_todo_goes_above_the_statement() -> None:
    src = "async def view():\n    r = requests.get(url)\n"
    expected = f"async def view():\n    # {TODO}\n    r = requests.get(url)\n"
    check_transformed(src, expected, TodoComment(at(src, "requests.get(url)"), TODO))


def test_todo_already_there_is_not_written_again() -> None:
    src = f"async def view():\n    # {TODO}\n    r = requests.get(url)\n"
    check_noop(src, TodoComment(at(src, "requests.get(url)"), TODO))


def test_two_calls_with_one_code_in_a_statement_get_one_todo() -> None:
    src = "async def view():\n    r = requests.get(a) or requests.get(b)\n"
    expected = f"async def view():\n    # {TODO}\n    r = requests.get(a) or requests.get(b)\n"
    check_transformed(src, expected, TodoComment(at(src, "requests.get(a)"), TODO),
                      TodoComment(at(src, "requests.get(b)"), TODO))


def test_two_codes_in_a_statement_get_one_todo_each() -> None:
    other = "TODO(quartify): QFY250 sqlite3.connect() blocks the event loop; use aiosqlite.connect"
    src = "async def view():\n    r = requests.get(sqlite3.connect(p))\n"
    expected = f"async def view():\n    # {TODO}\n    # {other}\n    r = requests.get(sqlite3.connect(p))\n"
    check_transformed(src, expected, TodoComment(at(src, "requests.get(sqlite3.connect(p))"), TODO),
                      TodoComment(at(src, "sqlite3.connect(p)"), other))


def test_todo_goes_above_the_header_of_a_compound_statement() -> None:
    src = "async def view():\n    if requests.get(url).ok:\n        return 1\n"
    expected = f"async def view():\n    # {TODO}\n    if requests.get(url).ok:\n        return 1\n"
    check_transformed(src, expected, TodoComment(at(src, "requests.get(url)"), TODO))


def test_todo_in_a_compound_body_goes_above_the_inner_statement() -> None:
    src = "async def view():\n    if x:\n        r = requests.get(url)\n"
    expected = f"async def view():\n    if x:\n        # {TODO}\n        r = requests.get(url)\n"
    check_transformed(src, expected, TodoComment(at(src, "requests.get(url)"), TODO))


def test_todo_span_covering_no_statement_it_can_annotate_is_a_noop() -> None:
    src = "async def view():\n    r = requests.get(url)\n"
    check_noop(src, TodoComment(def_at(src, "view"), TODO))


def test_sleep_whose_result_is_read_is_parenthesised() -> None:
    src = "import asyncio\n\n\nasync def view():\n    return time.sleep(1) is None\n"
    expected = "import asyncio\n\n\nasync def view():\n    return (await asyncio.sleep(1)) is None\n"
    check_transformed(src, expected, SleepCall(at(src, "time.sleep(1)"), parens=True))

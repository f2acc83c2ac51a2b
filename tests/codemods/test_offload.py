"""`f(args)` -> `await asyncio.to_thread(f, args)` (codemods/offload.py), for the CLI runner in
async tests and for blocking calls under `--blocking=thread`."""

from __future__ import annotations

from quartify.analysis.planners.offload import Offload
from tests.codemods.helpers import at, check_noop, check_transformed


def test_runner_invoke_runs_in_a_thread() -> None:
    src = "async def test(runner):\n    result = runner.invoke(args=['seed'])\n"
    expected = "import asyncio\n\nasync def test(runner):\n    result = await asyncio.to_thread(runner.invoke, args=['seed'])\n"
    check_transformed(src, expected, Offload(at(src, "runner.invoke(args=['seed'])")))


def test_call_without_arguments_passes_only_the_function() -> None:
    src = "async def test(runner):\n    result = runner.invoke()\n"
    expected = "import asyncio\n\nasync def test(runner):\n    result = await asyncio.to_thread(runner.invoke)\n"
    check_transformed(src, expected, Offload(at(src, "runner.invoke()")))


def test_blocking_call_keeps_its_arguments_and_an_existing_asyncio_import() -> None:
    src = "import asyncio\n\nasync def view():\n    r = requests.get(url, timeout=3)\n"
    expected = "import asyncio\n\nasync def view():\n    r = await asyncio.to_thread(requests.get, url, timeout=3)\n"
    check_transformed(src, expected, Offload(at(src, "requests.get(url, timeout=3)")))


def test_parentheses_around_the_call_stay_around_the_await() -> None:
    src = "async def test(runner):\n    out = (runner.invoke(cli)).output\n"
    expected = "import asyncio\n\nasync def test(runner):\n    out = (await asyncio.to_thread(runner.invoke, cli)).output\n"
    check_transformed(src, expected, Offload(at(src, "runner.invoke(cli)")))


def test_span_holding_no_call_is_a_noop() -> None:
    src = "async def test(runner):\n    result = runner.invoke(cli)\n"
    check_noop(src, Offload(at(src, "runner")))


def test_a_result_read_in_the_same_expression_is_parenthesised() -> None:
    src = "import asyncio\n\n\nasync def test(runner):\n    out = runner.invoke(cli).output\n"
    expected = "import asyncio\n\n\nasync def test(runner):\n    out = (await asyncio.to_thread(runner.invoke, cli)).output\n"
    check_transformed(src, expected, Offload(at(src, "runner.invoke(cli)"), parens=True))

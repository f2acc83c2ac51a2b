"""`helper(app)` in a sync app factory runs the coroutine on its own loop in a worker thread
(codemods/factory_bridge.py)."""

from __future__ import annotations

from quartify.analysis.planners.factory_bridge import RunFromFactory
from tests.codemods.helpers import at, check_transformed

RUN = "ThreadPoolExecutor(1).submit(asyncio.run, {call}).result()"
IMPORTS = "import asyncio\nfrom concurrent.futures import ThreadPoolExecutor\n\n"


def test_a_statement_call_runs_to_completion() -> None:
    src = "def create_app():\n    setup(app)\n"
    check_transformed(src, IMPORTS + "def create_app():\n    " + RUN.format(call="setup(app)") + "\n",
                      RunFromFactory(at(src, "setup(app)")))


def test_a_call_whose_value_is_used_keeps_its_value() -> None:
    src = "def create_app():\n    n = count(app) + 1\n"
    check_transformed(src, IMPORTS + "def create_app():\n    n = " + RUN.format(call="count(app)") + " + 1\n",
                      RunFromFactory(at(src, "count(app)")))

"""A click command needing async work keeps a sync body that runs it with `asyncio.run` inside
the app context (codemods/cli_bridge.py)."""

from __future__ import annotations

from quartify.analysis.planners.cli_bridge import CliBridge
from tests.codemods.helpers import check_noop, check_transformed, def_at, stmt_at

IMPORTS = "import asyncio\nfrom quart.cli import pass_script_info\n\n"


def test_command_body_runs_in_an_app_context_under_asyncio_run() -> None:
    src = '@app.cli.command()\ndef seed():\n    await db.seed()\n'
    expected = IMPORTS + (
        "@app.cli.command()\n"
        "@pass_script_info\n"
        "def seed(script_info):\n"
        "    async def _run():\n"
        "        async with script_info.load_app().app_context():\n"
        "            await db.seed()\n"
        "    asyncio.run(_run())\n"
    )
    check_transformed(src, expected, CliBridge(def_at(src, "seed")))


def test_docstring_stays_first_params_follow_script_info_and_with_appcontext_goes() -> None:
    src = '@app.cli.command("seed")\n@with_appcontext\ndef seed(count):\n    """Seed the db."""\n    await db.seed(count)\n'
    expected = IMPORTS + (
        '@app.cli.command("seed")\n'
        "@pass_script_info\n"
        "def seed(script_info, count):\n"
        '    """Seed the db."""\n'
        "    async def _run():\n"
        "        async with script_info.load_app().app_context():\n"
        "            await db.seed(count)\n"
        "    asyncio.run(_run())\n"
    )
    check_transformed(src, expected, CliBridge(def_at(src, "seed")))


def test_qualified_with_appcontext_is_dropped_too() -> None:
    src = "@click.command()\n@flask.cli.with_appcontext\ndef seed():\n    await db.seed()\n"
    expected = IMPORTS + (
        "@click.command()\n"
        "@pass_script_info\n"
        "def seed(script_info):\n"
        "    async def _run():\n"
        "        async with script_info.load_app().app_context():\n"
        "            await db.seed()\n"
        "    asyncio.run(_run())\n"
    )
    check_transformed(src, expected, CliBridge(def_at(src, "seed")))


def test_one_line_body_is_a_noop() -> None:
    src = "@app.cli.command()\ndef seed(): pass\n"
    check_noop(src, CliBridge(def_at(src, "seed")))


def test_span_holding_no_def_is_a_noop() -> None:
    src = "seed = 1\n"
    check_noop(src, CliBridge(stmt_at(src, 1)))

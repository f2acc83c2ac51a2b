"""`with_appcontext=True` on app-group command decorators (codemods/cli_context.py) and which
commands the planner picks (analysis/planners/cli_context.py)."""

from __future__ import annotations

from quartify.analysis.planners.cli_context import CommandAppContext
from tests.codemods.helpers import at, check_noop, check_transformed
from tests.helpers import migrate_one, output_of


def test_called_decorator_gets_the_keyword() -> None:
    src = '@app.cli.command("seed")\ndef seed():\n    pass\n'
    check_transformed(src, '@app.cli.command("seed", with_appcontext=True)\ndef seed():\n    pass\n',
                      CommandAppContext(at(src, 'app.cli.command("seed")')))


def test_bare_decorator_becomes_a_call() -> None:
    src = "@app.cli.command\ndef seed():\n    pass\n"
    check_transformed(src, "@app.cli.command(with_appcontext=True)\ndef seed():\n    pass\n",
                      CommandAppContext(at(src, "app.cli.command")))


def test_an_explicit_keyword_or_kwargs_is_kept() -> None:
    for call in ('app.cli.command("seed", with_appcontext=False)', "app.cli.command(**options)"):
        src = f"@{call}\ndef seed():\n    pass\n"
        check_noop(src, CommandAppContext(at(src, call)))


def test_commands_that_start_a_loop_or_are_plain_click_are_left() -> None:
    src = (
        "import asyncio\nimport click\nfrom flask import Flask, current_app\n"
        "app = Flask(__name__)\n"
        "@app.cli.command('loop')\ndef loop():\n    asyncio.run(main())\n"
        "@click.command('plain')\ndef plain():\n    click.echo('x')\n"
        "@app.cli.command('ctx')\ndef ctx():\n    click.echo(current_app.name)\n"
    )
    out = output_of(migrate_one(src, "cmds.py"))
    assert "@app.cli.command('loop')\n" in out
    assert "@click.command('plain')\n" in out
    assert "@app.cli.command('ctx', with_appcontext=True)\n" in out

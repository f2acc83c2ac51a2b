"""Issue 10, app-side shapes: the converted fixture must *run* under Quart, and must stop
working when the rewrite is undone (so the check guards the behaviour, not the spelling).

Each test loads a fixture's expected output (`tests/fixtures/rewrites/<name>.out.py`) as a
module and exercises it; `undone` gives the same text with one rewrite reverted.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

REWRITES = Path(__file__).parent / "fixtures" / "rewrites"
_counter = itertools.count()


def output(name: str) -> str:
    return (REWRITES / f"{name}.out.py").read_text(encoding="utf-8")


def load_text(name: str, text: str) -> ModuleType:
    """Execute `text` as a fresh module (a new name each time: no cached state between runs)."""
    module = ModuleType(f"appside_{name}_{next(_counter)}")
    module.__file__ = str(REWRITES / f"{name}.out.py")
    exec(compile(text, module.__file__, "exec"), module.__dict__)
    return module


def undone(name: str, fixed: str, broken: str) -> str:
    text = output(name)
    assert fixed in text, f"quartify did not produce {fixed!r}"
    return text.replace(fixed, broken)


# -- shape 18: a renamed import used in a decorator argument -----------------------------------
def test_group_class_in_a_decorator_argument_builds_a_quart_group() -> None:
    module = load_text("cli_group_decorator", output("cli_group_decorator"))
    result = CliRunner().invoke(module.manage, ["hello"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello from the group\n"
    routes = CliRunner().invoke(module.manage, ["routes"])  # QuartGroup's default command loads the app
    assert routes.exit_code == 0 and "/status" in routes.output, routes.output


def test_group_class_left_unrenamed_breaks_the_import() -> None:
    with pytest.raises(NameError, match="FlaskGroup"):
        load_text("cli_group_decorator", undone("cli_group_decorator", "cls=QuartGroup, create", "cls=FlaskGroup, create"))

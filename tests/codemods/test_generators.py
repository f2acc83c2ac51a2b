"""`return value` -> `return` in a generator that became async (codemods/generators.py)."""

from __future__ import annotations

from quartify.analysis.planners.generators import DropGeneratorReturn
from tests.codemods.helpers import check_noop, check_transformed, stmt_at

GEN = "async def gen():\n    yield 1\n    return {value}\n"


def test_an_inert_value_is_dropped() -> None:
    src = GEN.format(value='"done"')
    check_transformed(src, "async def gen():\n    yield 1\n    return\n", DropGeneratorReturn(stmt_at(src, 3)))


def test_a_call_is_still_evaluated_before_the_bare_return() -> None:
    src = GEN.format(value="finish()")
    check_transformed(src, "async def gen():\n    yield 1\n    finish(); return\n", DropGeneratorReturn(stmt_at(src, 3)))


def test_a_span_without_a_return_is_a_noop() -> None:
    src = GEN.format(value="2")
    check_noop(src, DropGeneratorReturn(stmt_at(src, 2)))

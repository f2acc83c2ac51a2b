"""Matching mypy's errors before and after migration: only the errors the migration added are new."""

from __future__ import annotations

from pathlib import Path

from quartify.typecheck import ErrorClass, TypeDiagnostic
from quartify.typecheck.diff import new_errors
from quartify.typecheck.runner import MypyError

BEFORE = Path("/scratch/before/app")
AFTER = Path("/scratch/after/app")
TREES = [BEFORE, AFTER]

OLD = """\
from flask import Flask, make_response
app = Flask(__name__)
count: int = "zero"
def view():
    response = make_response("x")
    return response.headers
"""
# Migrated: one import more (every line below it moves down), `await` and `async` added.
NEW = """\
from quart import Quart, make_response
import asyncio
app = Quart(__name__)
count: int = "zero"
async def view():
    response = await make_response("x")
    return response.headers
"""
ASSIGNMENT = 'Incompatible types in assignment (expression has type "str", variable has type "int")'


def lines(source: str) -> dict[str, list[str]]:
    return {"app.py": source.splitlines(keepends=True)}


def diff(before: list[MypyError], after: list[MypyError], old: str = OLD, new: str = NEW) -> tuple[TypeDiagnostic, ...]:
    return new_errors(before, after, lines(old), lines(new), TREES)


def test_an_error_present_before_and_after_is_not_new() -> None:
    error = MypyError("app.py", 3, 14, "assignment", ASSIGNMENT)
    assert diff([error], [error], OLD, OLD) == ()


def test_a_line_shift_does_not_make_an_error_new() -> None:
    before = MypyError("app.py", 3, 14, "assignment", ASSIGNMENT)
    after = MypyError("app.py", 4, 14, "assignment", ASSIGNMENT)
    assert diff([before], [after]) == ()


def test_await_and_flask_names_do_not_make_an_error_new() -> None:
    before = [
        MypyError("app.py", 2, 7, "misc", 'Argument 1 to "Flask" has a problem'),
        MypyError("app.py", 5, 16, "misc", "Something about this call"),
    ]
    after = [
        MypyError("app.py", 3, 7, "misc", 'Argument 1 to "Quart" has a problem'),
        MypyError("app.py", 6, 16, "misc", "Something about this call"),
    ]
    assert diff(before, after) == ()


def test_a_new_error_is_reported_where_it_is_in_the_migrated_source() -> None:
    old_error = MypyError("app.py", 3, 14, "assignment", ASSIGNMENT)
    missed = MypyError(
        "app.py", 7, 12, "attr-defined", '"Coroutine[Any, Any, Response]" has no attribute "headers"',
        notes=['Maybe you forgot to use "await"?'], note_paths=[str(AFTER / "app.py")],
    )
    found = diff([old_error], [MypyError("app.py", 4, 14, "assignment", ASSIGNMENT), missed])
    assert found == (
        TypeDiagnostic(
            "app.py", 7, 11, "attr-defined", '"Coroutine[Any, Any, Response]" has no attribute "headers"',
            ErrorClass.MISSED_AWAIT, 'Maybe you forgot to use "await"?',
        ),
    )


def test_one_error_before_accounts_for_one_error_after() -> None:
    error = MypyError("app.py", 3, 14, "assignment", ASSIGNMENT)
    again = MypyError("app.py", 3, 14, "assignment", ASSIGNMENT)
    [extra] = diff([error], [error, again], OLD, OLD)
    assert (extra.line, extra.col, extra.category) == (3, 13, ErrorClass.OTHER)


def test_a_changed_message_on_the_same_line_is_new_only_for_await_and_quart_errors() -> None:
    before = [MypyError("app.py", 6, 11, "attr-defined", 'Item "None" has no attribute "headers"')]
    reworded = [MypyError("app.py", 7, 11, "attr-defined", 'Item "None" of "Response | None" has no attribute "headers"')]
    coroutine = [MypyError("app.py", 7, 11, "attr-defined", '"Coroutine[Any, Any, Response]" has no attribute "headers"')]
    assert diff(before, reworded) == ()
    [missed] = diff(before, coroutine)
    assert missed.category is ErrorClass.MISSED_AWAIT


def test_paths_of_the_temporary_copies_are_taken_out_of_messages() -> None:
    message = f'Name "x" already defined (possibly by an import) in {AFTER / "models.py"}'
    [found] = diff([], [MypyError("app.py", 1, 1, "no-redef", message)])
    assert found.message == 'Name "x" already defined (possibly by an import) in models.py'
    assert found.col == 0

"""Sorting one new mypy error into missed-await, quart-api or other, from its message alone."""

from __future__ import annotations

import json

import pytest

from quartify.report.model import TYPECHECK_CATEGORIES
from quartify.typecheck.classification import ErrorClass, classify, imported_from_quart

MISSED_AWAIT = ErrorClass.MISSED_AWAIT
QUART_API = ErrorClass.QUART_API
OTHER = ErrorClass.OTHER


@pytest.mark.parametrize(
    ("code", "message", "notes", "names", "category"),
    [
        ("unused-coroutine", 'Value of type "Coroutine[Any, Any, None]" must be used', (), (), MISSED_AWAIT),
        ("attr-defined", '"Coroutine[Any, Any, Response]" has no attribute "headers"', (), (), MISSED_AWAIT),
        ("arg-type", 'Argument 1 to "len" has incompatible type "Coroutine[Any, Any, str]"; expected "Sized"', (), (), MISSED_AWAIT),
        ("return-value", 'Incompatible return value type (got "Coroutine[Any, Any, str]", expected "str")', (), (), MISSED_AWAIT),
        ("attr-defined", '"AsyncGenerator[str, None]" has no attribute "__iter__" (not iterable)', (), (), MISSED_AWAIT),
        ("misc", "anything", ('Maybe you forgot to use "await"?',), (), MISSED_AWAIT),
        # a coroutine as a condition (always true): `if form.validate():`, `if not check():`
        ("truthy-bool", '"validate" of "LoginForm" returns "Coroutine[Any, Any, bool]" which does not implement '
         "__bool__ or __len__ so it could always be true in boolean context", (), (), MISSED_AWAIT),
        ("truthy-bool", 'Member "ok" has type "int | Coroutine[Any, Any, bool]" of which no members implement '
         "__bool__ or __len__ so it could always be true in boolean context", (), (), MISSED_AWAIT),
        ("truthy-bool", '"user" has type "User" which does not implement __bool__ or __len__ so it could always be '
         "true in boolean context", (), (), OTHER),
        # an async function where a sync one is expected, or an await too many: not missed awaits
        ("type-var", 'Value of type variable "T_route" of function cannot be "Callable[[], Coroutine[Any, Any, int]]"', (), (), OTHER),
        ("misc", 'Incompatible types in "await" (actual type "str", expected type "Awaitable[Any]")', (), (), OTHER),
        ("attr-defined", 'Module "quart" has no attribute "escape"', (), (), QUART_API),
        ("attr-defined", '"Quart" has no attribute "before_first_request"', (), (), QUART_API),
        ("call-arg", 'Unexpected keyword argument "download_name" for "send_file"', ("/venv/site-packages/quart/helpers.py",), (), QUART_API),
        ("arg-type", 'Argument "add_etags" to "send_file" has incompatible type "str"; expected "bool"', (), ("send_file",), QUART_API),
        ("arg-type", 'Argument "add_etags" to "send_file" has incompatible type "str"; expected "bool"', (), (), OTHER),
        ("assignment", 'Incompatible types in assignment (expression has type "str", variable has type "int")', (), (), OTHER),
    ],
)
def test_classify(code: str, message: str, notes: tuple[str, ...], names: tuple[str, ...], category: str) -> None:
    assert classify(code, message, notes, names) == category



def test_a_coroutine_left_unused_is_a_missed_await() -> None:
    assert classify("unused-coroutine", 'Value of type "Coroutine[Any, Any, None]" must be used') is MISSED_AWAIT


def test_a_name_quart_lacks_is_a_quart_api_mismatch() -> None:
    assert classify("attr-defined", 'Module "quart" has no attribute "escape"') is QUART_API


def test_a_plain_type_error_is_other() -> None:
    assert classify("assignment", 'Incompatible types in assignment (expression has type "str", variable has type "int")') is OTHER


def test_classes_print_as_the_strings_the_reports_use() -> None:
    assert tuple(ErrorClass) == tuple(ErrorClass(c) for c in TYPECHECK_CATEGORIES)
    for member in ErrorClass:
        assert member == member.value and str(member) == member.value and f"{member}" == member.value
        assert json.dumps({"category": member}) == json.dumps({"category": member.value})
        assert {member.value: 1}[member] == 1


def test_names_imported_from_quart() -> None:
    source = "import quart\nfrom quart import send_file, request as req\nfrom quart.helpers import flash\nfrom flask import g\n"
    assert imported_from_quart(source) == {"send_file", "req", "flash"}
    assert imported_from_quart("def (:\n") == set()

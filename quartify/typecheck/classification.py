"""Which kind of mistake one new mypy error points at, so a report can say what to do about it.

A migration to Quart goes wrong in two typical ways that mypy can see, and the pass sorts
each new error into one of three classes:

* `missed-await`: a coroutine used as a value (`unused-coroutine`, an attribute, index or
  argument on a `Coroutine[...]`, a coroutine returned where a value is expected, a plain
  `for` over an async iterator, a coroutine or other awaitable as a condition: `truthy-bool`
  on `if form.validate():`, always true, so the branch never rejects);
* `quart-api`: an API Quart spells differently (an unexpected keyword for `send_file`, an
  attribute that `quart` or `Quart` does not have, an argument of the wrong type for a name
  imported from quart);
* `other`.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Iterable


class ErrorClass(enum.StrEnum):
    """The class of a new error; its value is the string every report prints."""

    MISSED_AWAIT = "missed-await"
    QUART_API = "quart-api"
    OTHER = "other"


# The same members under the names the pass used before it had an enum.
MISSED_AWAIT = ErrorClass.MISSED_AWAIT
QUART_API = ErrorClass.QUART_API
OTHER = ErrorClass.OTHER

_AWAIT_CODES = frozenset({"unused-coroutine", "unused-awaitable"})
# `truthy-bool` is about any value without __bool__/__len__ (most objects in an old app): only
# an awaitable among its types makes it a missed await, wherever it stands in a union.
_TRUTHY = "truthy-bool"
_AWAITABLE_IN = re.compile(r"\b(?:Coroutine|Awaitable|CoroutineType)\[")
# A coroutine (or async iterator) as the type of a value: `"Coroutine[...]" has no attribute`,
# `incompatible type "Coroutine[...]"`, `got "Coroutine[...]"`. Not `"Callable[[], Coroutine[...]]"`:
# that is an async function where a sync one is expected, about functions, not awaits.
_AWAIT_TYPES = re.compile(r'"(?:Coroutine|Awaitable|AsyncIterator|AsyncGenerator|AsyncIterable)\[')
_EXTRA_AWAIT = 'Incompatible types in "await"'  # an await on a plain value: not a missed one
_QUART_WORD = re.compile(r"\bquart\b", re.IGNORECASE)  # module quart, quart.x.y, class Quart
_QUOTED = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"')


def classify(code: str, message: str, notes: Iterable[str] = (), quart_names: Iterable[str] = ()) -> ErrorClass:
    """`missed-await`, `quart-api` or `other` for one mypy error.

    `notes` are mypy's notes on the error (their text, or the path they point at);
    `quart_names` the names the file imports from quart, so that "Unexpected keyword argument
    "x" for "send_file"" counts as a Quart API mismatch when `send_file` comes from quart.
    """
    notes = list(notes)
    if code in _AWAIT_CODES or any('forgot to use "await"' in n for n in notes):
        return ErrorClass.MISSED_AWAIT
    if code == _TRUTHY and _AWAITABLE_IN.search(message):
        return ErrorClass.MISSED_AWAIT
    if _AWAIT_TYPES.search(message) and _EXTRA_AWAIT not in message:
        return ErrorClass.MISSED_AWAIT
    if _QUART_WORD.search(message) or any(re.search(r"[/\\]quart[/\\]", n) for n in notes):
        return ErrorClass.QUART_API
    names = set(quart_names)
    if names and any(name in names for name in _QUOTED.findall(message)):
        return ErrorClass.QUART_API
    return ErrorClass.OTHER


def imported_from_quart(source: str) -> set[str]:
    """Names bound by `from quart... import` in one module."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "quart":
            names.update(alias.asname or alias.name for alias in node.names)
    return names

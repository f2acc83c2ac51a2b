"""`self.assertRaises(E, lambda: client.post(...))` and `pytest.raises(E, lambda: f())` as whole
statements: the shape of an exception check whose callable is a lambda around one call.

When that call becomes a coroutine under Quart, the lambda returns it unawaited, nothing is
raised and the check fails ("E not raised by <lambda>"); a lambda cannot hold `await`. The same
check has a context-manager form that can: `with self.assertRaises(E): await client.post(...)`.
The index records the shape here (spans only); `planners/raises_lambda.py` decides, from the
call's resolved name and what the lambda's body needs, whether to rewrite it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

# The positional arguments before the callable, per checker method name.
_LEADING = {"assertRaises": 1, "assertRaisesRegex": 2, "assertWarns": 1, "assertWarnsRegex": 2}


def raises_lambda(stmt: ast.Expr, ref: Callable[[ast.AST], str | None]) -> tuple[ast.Call, ast.Call] | None:
    """The checker call and the lambda's body, when `stmt` is `self.assertRaises(E, lambda: CALL)`
    (or another unittest checker with a callable) or `pytest.raises(E, lambda: CALL)` (`ref`
    resolves the name), with no keywords, no starred argument, a lambda without parameters and
    a call as its whole body; else None."""
    call = stmt.value
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or call.keywords:
        return None
    checker = call.func
    if isinstance(checker.value, ast.Name) and checker.value.id == "self" and checker.attr in _LEADING:
        leading = _LEADING[checker.attr]
    elif checker.attr == "raises" and ref(checker) == "pytest.raises":
        leading = 1
    else:
        return None
    if len(call.args) != leading + 1:
        return None
    func = call.args[-1]
    if not isinstance(func, ast.Lambda) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    params = func.args
    if params.posonlyargs or params.args or params.vararg or params.kwonlyargs or params.kwarg:
        return None
    return (call, func.body) if isinstance(func.body, ast.Call) else None

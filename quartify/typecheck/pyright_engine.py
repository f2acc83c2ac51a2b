"""basedpyright as the second engine of the type-check pass (`--typecheck-engine basedpyright`).

mypy types the call of an unannotated function as `Any`, so in a mostly unannotated Flask app
it cannot see that `create_app()` now returns a coroutine, or that `client.get(...)` on a
client built by an unannotated helper does. basedpyright infers the return types of
unannotated functions and follows them: on CTFd it reports about sixty coroutines used as
values that the mypy pass cannot see (docs/evaluations/basedpyright.md has the numbers, per
app, and what it costs: a Node runtime of about 280 MB, which is why it is not the default).

It runs on the same two temporary copies as mypy (`copies`), at once, with a
`pyrightconfig.json` written into each copy (never into the user's tree): `standard` mode,
unresolved imports silenced, only the migrated files checked, the project's interpreter (or
quartify's) as `pythonPath` and quartify's quart/flask/werkzeug as `extraPaths` when the
project lacks them. Its JSON output becomes the same `MypyError` records mypy's does, so the
matching (`diff`) is shared; only the classification differs (`classify`): basedpyright names
its rules (`reportUnusedCoroutine`) and prints a coroutine as `CoroutineType[...]`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from quartify.typecheck.classification import ErrorClass
from quartify.typecheck.classification import classify as classify_mypy
from quartify.typecheck.runner import MypyError

MISSING = (
    "basedpyright is not installed (pip install basedpyright; it brings its own Node runtime): "
    "nothing was type-checked; drop --typecheck-engine to use mypy"
)

_CONFIG: dict[str, object] = {
    "typeCheckingMode": "standard",
    "reportMissingImports": "none",
    "reportMissingModuleSource": "none",
    # `if form.validate_on_submit():` on a coroutine is always true: worth an error.
    "reportUnnecessaryComparison": "error",
}

# A coroutine as the type of a value: `for class "CoroutineType[Any, Any, Response]"`,
# `Argument of type "CoroutineType[...]"`. Not a function returning one (`() -> CoroutineType[`,
# `_Wrapped[..., CoroutineType[`): an async function where a sync one was declared.
_AWAIT_TYPE = re.compile(r'"(?:CoroutineType|Coroutine|Awaitable|AsyncIterator|AsyncGenerator)\[')
_FUNCTION_TYPE = re.compile(r"->\s*(?:CoroutineType|Coroutine|Awaitable)\[|_Wrapped\[")
# An async function whose result is itself a coroutine (`-> CoroutineType[Any, Any,
# CoroutineType[...]]`): it returns a call it should have awaited (`return s.asset(path)`).
_NESTED = re.compile(r"CoroutineType\[Any, Any, CoroutineType\[")
_AWAIT_RULES = frozenset({"reportUnusedCoroutine"})
# A plain `with` over what is now an async context manager (`with app.app_context():`, a Quart
# test client): `async with` was missed, as a plain `for` over an async iterator is for mypy.
_PLAIN_WITH = re.compile(r'cannot be used with "with" because it does not correctly implement __(?:enter|exit)__')


def find_basedpyright() -> str | None:
    """The basedpyright command: on PATH, or next to quartify's interpreter; None when absent."""
    found = shutil.which("basedpyright")
    if found:
        return found
    beside = Path(sys.executable).parent / ("basedpyright.exe" if sys.platform == "win32" else "basedpyright")
    return str(beside) if beside.is_file() else None


def write_config(tree: Path, checked: Sequence[Path], extra_path: str | None) -> Path:
    """The copy's pyrightconfig.json: check only `checked`, resolve imports like the project."""
    config: dict[str, object] = dict(_CONFIG)
    config["include"] = [p.as_posix() for p in checked]
    if extra_path:
        config["extraPaths"] = [extra_path]
    path = tree / "pyrightconfig.json"
    path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    return path


def run_both(command: str, trees: Sequence[Path], python: str | None) -> list[tuple[str, str, int]]:
    """basedpyright on each copy, at once; (stdout, stderr, exit status) for each."""
    interpreter = python or sys.executable
    children = [
        subprocess.Popen(
            [command, "--outputjson", "--pythonpath", interpreter, "-p", str(tree / "pyrightconfig.json")],
            cwd=tree,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tree in trees
    ]
    results: list[tuple[str, str, int]] = []
    try:
        for child in children:
            out, err = child.communicate()
            results.append(
                (out.decode("utf-8", errors="replace"), err.decode("utf-8", errors="replace"), child.returncode)
            )
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    return results


def parse(stdout: str, tree: Path) -> tuple[list[MypyError], list[str]]:
    """basedpyright's errors as `MypyError` records (1-based line and column, rule as code).

    The first line of a message is the message; the lines under it become its notes. The
    second list says what could not be read (no JSON: basedpyright stopped).
    """
    try:
        data = json.loads(stdout)
    except ValueError:
        return [], [line.strip() for line in stdout.splitlines() if line.strip()][-3:]
    errors: list[MypyError] = []
    root = tree.resolve()
    for item in data.get("generalDiagnostics", []):
        if item.get("severity") != "error" or "range" not in item:
            continue
        path = Path(item["file"]).resolve()
        try:
            relative = path.relative_to(root).as_posix()
        except ValueError:
            relative = str(path)
        first, *rest = str(item.get("message", "")).split("\n")
        start = item["range"]["start"]
        error = MypyError(relative, int(start["line"]) + 1, int(start["character"]) + 1, str(item.get("rule", "")), first)
        error.notes.extend(line.strip() for line in rest if line.strip())
        errors.append(error)
    return errors, []


def classify(code: str, message: str, notes: Iterable[str] = (), quart_names: Iterable[str] = ()) -> ErrorClass:
    """`missed-await`, `quart-api` or `other` for one basedpyright error, as `classify` does for mypy.

    A coroutine used as a value, an async function returning a coroutine, or a plain `with`
    over an async context manager is a missed await; an `await` on a value that is not awaitable
    (`"None" is not awaitable`) is not, just as mypy's `Incompatible types in "await"` is not.
    """
    if code in _AWAIT_RULES or _PLAIN_WITH.search(message) or _NESTED.search(message):
        return ErrorClass.MISSED_AWAIT
    if _AWAIT_TYPE.search(message) and not _FUNCTION_TYPE.search(message):
        return ErrorClass.MISSED_AWAIT
    # The rest reads like mypy's: quart in the message or a name imported from quart.
    verdict = classify_mypy("", message, (), quart_names)
    return ErrorClass.OTHER if verdict == ErrorClass.MISSED_AWAIT else verdict

"""What the type-check pass hands back: the new errors and how the two runs went.

Kept apart from the pass itself so that matching (`diff`) can build the records and the
reports can read them without importing anything that runs mypy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quartify.typecheck.classification import ErrorClass


@dataclass(frozen=True)
class TypeDiagnostic:
    """One type-checker error that is new after migration.

    `path` is relative to the root, with `/`; `line` is 1-based and `col` 0-based (the
    convention of `quartify.core.types.Finding`); both are positions in the migrated source.
    `code` is mypy's error code (`attr-defined`, `unused-coroutine`, ...; "" when it gave none),
    or basedpyright's rule (`reportUnusedCoroutine`, `reportAttributeAccessIssue`, ...).
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    category: ErrorClass
    hint: str = ""  # mypy's notes on this error, one per line ("Maybe you forgot to use "await"?")


@dataclass(frozen=True)
class TypecheckResult:
    new_errors: tuple[TypeDiagnostic, ...]
    baseline_count: int  # errors in the migrated files before migration
    after_count: int  # errors in the same files after migration
    seconds: float  # wall-clock time of the whole pass
    python_executable: str | None  # what mypy was given as --python-executable (None: ours)
    # Anything that makes the result less than complete: mypy stopped on a blocking error,
    # quart is not visible, a file was left out. Empty when all went as planned.
    notes: tuple[str, ...] = field(default=())
    engine: str = "mypy"  # the checker that ran: "mypy" or "basedpyright"

"""Which errors the migration introduced: those after it that match none from before it.

Matching tolerates the lines quartify inserts and edits: an error is identified by its file,
code and normalised message and the text of its source line with `await`/`async` and
flask/quart names normalised, not by its line number. An error after migration is new when it
matches no error before migration, first on all of those, then on file, code and message
alone, then (for errors that are neither `missed-await` nor `quart-api`) on file, code and
line text alone. Each error before migration matches at most one after it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from quartify.typecheck.classification import ErrorClass, classify, imported_from_quart
from quartify.typecheck.results import TypeDiagnostic
from quartify.typecheck.runner import MypyError

# How one error is classified: code, message, notes, names imported from quart (`classify`'s
# signature; basedpyright's errors use `pyright_engine.classify`).
Classifier = Callable[[str, str, Iterable[str], Iterable[str]], ErrorClass]

_FLASK = re.compile(r"\bflask\b")
_FLASK_CLASS = re.compile(r"\bFlask\b")


def _flask_to_quart(text: str) -> str:
    return _FLASK_CLASS.sub("Quart", _FLASK.sub("quart", text))


def _norm_message(message: str, trees: Sequence[Path]) -> str:
    for tree in trees:
        message = message.replace(str(tree) + os.sep, "").replace(str(tree), "")
    message = re.sub(r"\bline \d+", "line N", message)
    return _flask_to_quart(message)


def _norm_line(text: str) -> str:
    text = re.sub(r"\b(?:await|async)\s+", "", text)
    return " ".join(_flask_to_quart(text).split())


def _norm_paths(message: str, trees: Sequence[Path]) -> str:
    for tree in trees:
        message = message.replace(str(tree) + os.sep, "")
    return message


@dataclass(frozen=True)
class _Keyed:
    error: MypyError
    category: ErrorClass
    full: tuple[str, str, str, str]
    by_message: tuple[str, str, str]
    by_line: tuple[str, str, str]


def _keyed(
    errors: list[MypyError],
    lines: Mapping[str, list[str]],
    trees: Sequence[Path],
    names: Mapping[str, set[str]],
    classifier: Classifier,
) -> list[_Keyed]:
    out = []
    for error in errors:
        source = lines.get(error.path, [])
        text = _norm_line(source[error.line - 1]) if 0 < error.line <= len(source) else ""
        message = _norm_message(error.message, trees)
        category = classifier(error.code, error.message, [*error.notes, *error.note_paths], names.get(error.path, ()))
        out.append(
            _Keyed(
                error,
                category,
                (error.path, error.code, message, text),
                (error.path, error.code, message),
                (error.path, error.code, text),
            )
        )
    return out


def _unmatched(before: list[_Keyed], after: list[_Keyed]) -> list[_Keyed]:
    """The errors after migration that match no error before it (see the module docstring)."""
    left_before = list(before)
    left_after = list(after)
    passes: list[tuple[str, bool]] = [("full", False), ("by_message", False), ("by_line", True)]
    for attribute, only_other in passes:
        pool: dict[object, list[_Keyed]] = {}
        for item in left_before:
            if only_other and item.category != ErrorClass.OTHER:
                continue
            pool.setdefault(getattr(item, attribute), []).append(item)
        still: list[_Keyed] = []
        used: set[int] = set()
        for item in left_after:
            candidates = pool.get(getattr(item, attribute)) if not only_other or item.category == ErrorClass.OTHER else None
            if candidates:
                used.add(id(candidates.pop(0)))
            else:
                still.append(item)
        left_after = still
        left_before = [b for b in left_before if id(b) not in used]
    return left_after


def new_errors(
    before: list[MypyError],
    after: list[MypyError],
    before_lines: Mapping[str, list[str]],
    after_lines: Mapping[str, list[str]],
    trees: Sequence[Path],
    classifier: Classifier = classify,
) -> tuple[TypeDiagnostic, ...]:
    """The errors in `after` that match none in `before`, classified and sorted by position.

    `before_lines`/`after_lines` are the checked files' lines by posix path; `trees` the
    copies' roots, whose paths are taken out of the messages; `classifier` sorts the errors
    (mypy's `classify` unless another engine's is given).
    """
    names = {path: imported_from_quart("".join(lines)) for path, lines in after_lines.items()}
    new = _unmatched(
        _keyed(before, before_lines, trees, {}, classifier), _keyed(after, after_lines, trees, names, classifier)
    )
    found = (
        TypeDiagnostic(
            k.error.path,
            k.error.line,
            max(k.error.col - 1, 0),
            k.error.code,
            _norm_paths(k.error.message, trees),
            k.category,
            "\n".join(k.error.notes),
        )
        for k in new
    )
    return tuple(sorted(found, key=lambda e: (e.path, e.line, e.col, e.code, e.message)))

"""Which files a fix must touch, and the workspace edit that applies the pipeline's output there.

A function that becomes async needs `await` at every call site, and a caller that gains an
`await` becomes async in turn: applying one file's migration alone would leave callers in other
files calling a coroutine without awaiting it. `closure` follows the solved call graph from one
file to every file holding a caller of a function the migration makes async, until no new file
appears; the edit is then the pipeline's own output for exactly those files (`migrate` with that
`focus`), so a fix never differs from what `quartify migrate` writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lsprotocol import types as lsp

from quartify.analysis.repo import RepoPlan
from quartify.core.types import FileResult, RunResult, Status
from quartify.lsp.convert import text_edits


def closure(repo: RepoPlan, start: Iterable[str]) -> frozenset[str]:
    """The files (display paths) that must change together with `start`."""
    files = set(start)
    linker = repo.linker
    callers_of: dict[str, set[str]] = {}
    for edge in repo.graph.graph.edges:
        callers_of.setdefault(edge.callee, set()).add(edge.caller)
    while True:
        made = [q for q, f in linker.functions.items()
                if linker.module_of[q].path in files and not f.is_async and repo.is_async(q)]
        reached = {linker.module_of[c].path for q in made for c in callers_of.get(q, ())}
        if reached <= files:
            return frozenset(files)
        files |= reached


@dataclass(frozen=True)
class FileChange:
    """One file's text before and after, as the pipeline produced it."""

    path: Path
    old: str
    new: str
    created: bool  # the file does not exist yet (the quart-flask-patch compat module)


def changes(result: RunResult) -> list[FileChange]:
    return [_change(f) for f in result.files if f.status is Status.CHANGED and f.new_source is not None]


def _change(f: FileResult) -> FileChange:
    assert f.new_source is not None
    return FileChange(f.path, f.old_source, f.new_source, not f.path.exists())


def workspace_edit(
    found: list[FileChange],
    versions: dict[str, int | None],
    document_changes: bool,
    creates: bool,
    to_client: ToClient,
    uri_of: Callable[[Path], str] = Path.as_uri,
) -> lsp.WorkspaceEdit:
    """The edit for the changed files: versioned document changes where the client takes them
    (a stale buffer is then refused, not corrupted), else plain per-URI changes."""
    if not document_changes:
        return lsp.WorkspaceEdit(changes={
            uri_of(c.path): to_client(c.old, text_edits(c.old, c.new)) for c in found if not c.created
        })
    ops: list[lsp.TextDocumentEdit | lsp.CreateFile | lsp.RenameFile | lsp.DeleteFile] = []
    for c in found:
        uri = uri_of(c.path)
        if c.created:
            if not creates:
                continue
            ops.append(lsp.CreateFile(uri=uri, options=lsp.CreateFileOptions(ignore_if_exists=True)))
        edits = to_client(c.old, text_edits(c.old, c.new))
        ops.append(lsp.TextDocumentEdit(lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=versions.get(uri)),
                                        [*edits]))
    return lsp.WorkspaceEdit(document_changes=ops)


class ToClient:
    """Converts code-point text edits to the client's position encoding, given the old text."""

    def __init__(self, codec: _Codec) -> None:
        self.codec = codec

    def __call__(self, old: str, edits: list[lsp.TextEdit]) -> list[lsp.TextEdit]:
        lines = old.splitlines(keepends=True)
        return [lsp.TextEdit(self.codec.range_to_client_units(lines, e.range), e.new_text) for e in edits]


class _Codec(Protocol):
    """The slice of pygls' `PositionCodec` used here."""

    def range_to_client_units(self, lines: Sequence[str], range: lsp.Range) -> lsp.Range: ...

"""The language server: pygls wiring between editor events and the warm workspace.

Every open Python file gets quartify's findings and one "would change" hint per function the
migration would edit, published again after each open, change and save. The analysis runs in a
worker thread, one run at a time and always for the newest buffers (a run made stale by a newer
edit is not published). Code actions apply the pipeline's own output: for a file together with the
files holding its callers (`actions.closure`), or for the whole workspace; a finding can also be
silenced with `# quartify: ignore[CODE]`. Hover on a function shows `quartify explain`'s chain.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from quartify import __version__
from quartify.analysis.model import FunctionInfo
from quartify.analysis.repo import RepoPlan
from quartify.core.config import ConfigError, Options, find_pyproject, merge_options, project_settings
from quartify.core.explain import explain_in
from quartify.core.workspace import Analysis, Workspace
from quartify.lsp import actions
from quartify.lsp.convert import (
    PENDING,
    UNSILENCEABLE,
    finding_diagnostic,
    ignore_edit,
    innermost,
    pending,
    pending_diagnostic,
)

log = logging.getLogger(__name__)

MIGRATE_FILE = lsp.CodeActionKind.Source + ".quartify.migrateFile"
MIGRATE_WORKSPACE = lsp.CodeActionKind.Source + ".quartify.migrateWorkspace"


@dataclass(frozen=True)
class Published:
    """What the server last published for one file, to answer code actions from."""

    analysis: Analysis
    diagnostics: tuple[lsp.Diagnostic, ...]
    pending_lines: tuple[tuple[int, int], ...]  # (first, last) 1-based lines of functions with edits


class QuartifyServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("quartify", __version__)
        self.state: Workspace | None = None
        self.published: dict[str, Published] = {}
        self.uris: dict[Path, str] = {}  # resolved path -> the URI the editor opened it by
        self.last: Analysis | None = None
        self._dirty = False
        self._runner: asyncio.Task[None] | None = None
        self._edits: dict[tuple[str, str, int], lsp.WorkspaceEdit] = {}
        self.last_run_seconds = 0.0

    # ------------------------------------------------------------------ analysis

    def schedule(self) -> None:
        self._dirty = True
        if self._runner is None or self._runner.done():
            self._runner = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while self._dirty and self.state is not None:
            self._dirty = False
            state = self.state
            focus = [p for p in state.buffers()]
            started = time.perf_counter()
            try:
                analysis = await asyncio.to_thread(state.analyse, focus)
            except Exception:  # a bug must not take the editor's server down
                log.exception("quartify analysis failed")
                continue
            self.last_run_seconds = time.perf_counter() - started
            if self._dirty:
                continue  # a newer edit arrived: its run publishes
            self.last = analysis
            self._publish(analysis)

    def _publish(self, analysis: Analysis) -> None:
        assert self.state is not None
        root = self.state.root
        open_uris = set(self.workspace.text_documents)
        for path, version in analysis.versions.items():
            uri = self.uri_of(path)
            if uri not in open_uris:
                continue  # closed while the run was going
            result = analysis.file(path)
            text = self._text(uri)
            lines = text.splitlines(keepends=True)
            diagnostics: list[lsp.Diagnostic] = []
            spans: list[tuple[int, int]] = []
            if result is not None:
                diagnostics.extend(finding_diagnostic(lines, f, root) for f in result.findings)
                functions = analysis.functions(path)
                made = [a for a in analysis.result.async_functions if path == root / a.path]
                for item in pending(result, functions, made):
                    diagnostics.append(pending_diagnostic(lines, item))
                    if item.function is not None:
                        spans.append((item.function.span.line, item.function.span.end_line))
            diagnostics = [self._to_client(lines, d) for d in diagnostics]
            self.published[uri] = Published(analysis, tuple(diagnostics), tuple(spans))
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def uri_of(self, path: Path) -> str:
        """The editor's own URI for an open file (it may name it through a symlink)."""
        return self.uris.get(path) or path.as_uri()

    def _to_client(self, lines: list[str], d: lsp.Diagnostic) -> lsp.Diagnostic:
        d.range = self.workspace.position_codec.range_to_client_units(lines, d.range)
        return d

    def _text(self, uri: str) -> str:
        return self.workspace.get_text_document(uri).source

    # ------------------------------------------------------------------ code actions

    def edit_for(self, kind: str, uri: str) -> lsp.WorkspaceEdit:
        """The workspace edit of a "migrate" action, computed from the current buffers."""
        assert self.state is not None
        state = self.state
        key = (kind, uri, state.generation)
        if key in self._edits:
            return self._edits[key]
        targets: set[Path] | None = None  # None: every file the run changes
        if kind == "workspace":
            result = state.analyse(None).result
        else:
            path = path_of(uri)
            last = self.last
            fresh = last is not None and last.generation == state.generation and last.file(path) is not None
            base = last if fresh and last is not None else state.analyse([path])  # the published run, if current
            item = base.indexed.get(path)
            if item is None:
                return lsp.WorkspaceEdit()
            files = actions.closure(state.repo(base), [item.display])
            by_display = {i.display: p for p, i in base.indexed.items()}
            targets = {by_display[d] for d in files}
            result = state.analyse(targets).result if len(files) > 1 else base.result
        found = [c for c in actions.changes(result) if targets is None or c.path in targets]
        caps = self.client_capabilities.workspace
        edit_caps = caps.workspace_edit if caps is not None else None
        document_changes = bool(edit_caps and edit_caps.document_changes)
        creates = bool(edit_caps and edit_caps.resource_operations
                       and lsp.ResourceOperationKind.Create in edit_caps.resource_operations)
        versions = {d.uri: d.version for d in self.workspace.text_documents.values()}
        edit = actions.workspace_edit(found, versions, document_changes, creates,
                                      actions.ToClient(self.workspace.position_codec), self.uri_of)
        self._edits = {k: v for k, v in self._edits.items() if k[2] == key[2]} | {key: edit}  # this generation's
        return edit

    def can_resolve(self) -> bool:
        doc = self.client_capabilities.text_document
        support = doc.code_action.resolve_support if doc and doc.code_action else None
        return bool(support and "edit" in support.properties)


def path_of(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path)).resolve()


def _is_python(doc: lsp.TextDocumentItem) -> bool:
    return doc.language_id == "python" or doc.uri.endswith((".py", ".pyi"))


def _load_options(root: Path) -> Options:
    try:
        return merge_options(project_settings(find_pyproject(root)))
    except ConfigError as exc:
        log.warning("quartify: configuration ignored: %s", exc)
        return Options()


server = QuartifyServer()


@server.feature(lsp.INITIALIZED)
def initialized(ls: QuartifyServer, params: lsp.InitializedParams) -> None:
    folders = [f.uri for f in ls.workspace.folders.values()]
    root = Path(ls.workspace.root_path) if ls.workspace.root_path else path_of(folders[0]) if folders else Path.cwd()
    root = root.resolve()
    ls.state = Workspace(root, _load_options(root))
    ls.schedule()  # index the workspace now, so the first open file is answered warm


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: QuartifyServer, params: lsp.DidOpenTextDocumentParams) -> None:
    doc = params.text_document
    if ls.state is None or not _is_python(doc):
        return
    ls.uris[path_of(doc.uri)] = doc.uri
    ls.state.set_buffer(path_of(doc.uri), doc.text, doc.version)
    ls.schedule()


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: QuartifyServer, params: lsp.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    if ls.state is None or path_of(uri) not in ls.state.buffers():
        return
    ls.state.set_buffer(path_of(uri), ls._text(uri), params.text_document.version)
    ls.schedule()


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: QuartifyServer, params: lsp.DidSaveTextDocumentParams) -> None:
    if ls.state is None:
        return
    ls.state.rediscover()
    ls.schedule()


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched(ls: QuartifyServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    if ls.state is not None:
        ls.state.rediscover()
        ls.schedule()


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: QuartifyServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    if ls.state is None or path_of(uri) not in ls.state.buffers():
        return
    ls.state.drop_buffer(path_of(uri))
    ls.uris.pop(path_of(uri), None)
    ls.published.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    ls.schedule()


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, MIGRATE_FILE, MIGRATE_WORKSPACE],
                          resolve_provider=True),
)
async def code_action(ls: QuartifyServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    shown = ls.published.get(uri)
    if shown is None or ls.state is None:
        return []
    first, last = params.range.start.line + 1, params.range.end.line + 1
    here = [d for d in shown.diagnostics if d.range.start.line + 1 <= last and d.range.end.line + 1 >= first]
    text = ls._text(uri)
    out: list[lsp.CodeAction] = []
    fixable = [d for d in here if d.code == PENDING or any(a <= d.range.start.line + 1 <= b for a, b in shown.pending_lines)]
    if fixable:
        out.append(lsp.CodeAction(title="quartify: apply the migration here (this file and its callers)",
                                  kind=lsp.CodeActionKind.QuickFix, diagnostics=fixable, is_preferred=True,
                                  data={"action": "file", "uri": uri}))
    for d in here:
        code = str(d.code)
        if d.code == PENDING or code in UNSILENCEABLE:
            continue
        silence = ignore_edit(text, d.range.start.line + 1, code)
        if silence is not None:
            lines = text.splitlines(keepends=True)
            silence.range = ls.workspace.position_codec.range_to_client_units(lines, silence.range)
            out.append(lsp.CodeAction(title=f"quartify: silence {code} on this line (# quartify: ignore[{code}])",
                                      kind=lsp.CodeActionKind.QuickFix, diagnostics=[d],
                                      edit=lsp.WorkspaceEdit(changes={uri: [silence]})))
    out.append(lsp.CodeAction(title="quartify: migrate this file to Quart (and the files calling into it)",
                              kind=MIGRATE_FILE, data={"action": "file", "uri": uri}))
    out.append(lsp.CodeAction(title="quartify: migrate the workspace to Quart", kind=MIGRATE_WORKSPACE,
                              data={"action": "workspace", "uri": uri}))
    only = params.context.only
    if only:
        out = [a for a in out if a.kind is not None and any(a.kind == k or a.kind.startswith(k + ".") for k in only)]
    if not ls.can_resolve():
        for action in out:
            if action.edit is None:
                await _resolve_into(ls, action)
    return out


@server.feature(lsp.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: QuartifyServer, action: lsp.CodeAction) -> lsp.CodeAction:
    if action.edit is None:
        await _resolve_into(ls, action)
    return action


async def _resolve_into(ls: QuartifyServer, action: lsp.CodeAction) -> None:
    data: Any = action.data
    if not isinstance(data, dict) or ls.state is None:
        return
    action.edit = await asyncio.to_thread(ls.edit_for, str(data.get("action")), str(data.get("uri")))


# ---------------------------------------------------------------------- hover


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def hover(ls: QuartifyServer, params: lsp.HoverParams) -> lsp.Hover | None:
    analysis = ls.last
    if analysis is None or ls.state is None:
        return None
    path = path_of(params.text_document.uri)
    repo = await asyncio.to_thread(ls.state.repo, analysis)
    target = _function_at(ls, analysis, repo, path, params.position)
    if target is None or target.qualname not in repo.linker.functions:
        return None
    becomes = repo.is_async(target.qualname) and not target.is_async
    blocked = any(b.node == target.qualname for b in repo.solution.blocked)
    if not (becomes or blocked):
        return None
    text = explain_in(repo, target)
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=f"```text\n{text}\n```"))


def _function_at(
    ls: QuartifyServer, analysis: Analysis, repo: RepoPlan, path: Path, position: lsp.Position
) -> FunctionInfo | None:
    """The function whose `def` line the cursor is on, or whose call the cursor is on."""
    item = analysis.indexed.get(path)
    if item is None:
        return None
    line = position.line + 1
    for func in item.index.functions:
        if func.span.line == line:
            return func
    lines = item.text.splitlines(keepends=True)
    col = ls.workspace.position_codec.position_from_client_units(lines, position).character
    owner = innermost(item.index.functions, line)
    for use in owner.uses if owner is not None else item.index.module_uses:
        s = use.span
        if use.kind == "call" and (s.line, s.col) <= (line, col) <= (s.end_line, s.end_col):
            return repo.linker.functions.get(repo.linker.resolve(use.ref))
    return None


def main() -> None:
    server.start_io()


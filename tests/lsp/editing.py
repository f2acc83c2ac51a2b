"""Helpers for driving `quartify lsp` from pytest-lsp: a small Flask project on disk, waiting for
a file's diagnostics, and applying a workspace edit the way an editor does."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parents[2]
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "quartify", "lsp"],
    server_env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))},
)

HELPERS = '''import requests
from flask import request


def current_name():
    return "guest"


def remote_status():
    return requests.get("http://example.invalid/status").status_code
'''

VIEWS = '''from flask import Flask

from helpers import current_name, remote_status

app = Flask(__name__)


@app.route("/")
def index():
    return current_name()


@app.route("/status")
def status():
    return str(remote_status())
'''


def write_project(root: Path) -> Path:
    (root / "helpers.py").write_text(HELPERS)
    (root / "views.py").write_text(VIEWS)
    return root


async def diagnostics_for(client: LanguageClient, uri: str, timeout: float = 60.0) -> Sequence[lsp.Diagnostic]:
    """The next diagnostics published for `uri` (pop the old ones before the edit that triggers them)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while uri not in client.diagnostics:
        if loop.time() > deadline:
            raise TimeoutError(f"no diagnostics for {uri} within {timeout}s")
        await asyncio.sleep(0.01)
    return client.diagnostics[uri]


async def open_file(client: LanguageClient, path: Path, version: int = 1) -> Sequence[lsp.Diagnostic]:
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=path.read_text())))
    return await diagnostics_for(client, uri)


async def change_file(client: LanguageClient, uri: str, text: str, version: int) -> Sequence[lsp.Diagnostic]:
    """Replace the whole buffer (unsaved) and wait for its diagnostics."""
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    return await diagnostics_for(client, uri)


def edits_by_uri(edit: lsp.WorkspaceEdit) -> dict[str, list[lsp.TextEdit]]:
    out: dict[str, list[lsp.TextEdit]] = {}
    for uri, edits in (edit.changes or {}).items():
        out.setdefault(uri, []).extend(edits)
    for change in edit.document_changes or ():
        if isinstance(change, lsp.TextDocumentEdit):
            out.setdefault(change.text_document.uri, []).extend(
                e for e in change.edits if isinstance(e, lsp.TextEdit))
    return out


def apply(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    """Apply non-overlapping edits (ASCII text: positions are characters), last first."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(pos: lsp.Position) -> int:
        if pos.line >= len(lines):
            return len(text)
        return starts[pos.line] + min(pos.character, len(lines[pos.line]))

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text

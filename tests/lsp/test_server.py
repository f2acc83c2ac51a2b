"""`quartify lsp` over stdio, driven by pytest-lsp with the capabilities real editors send:
diagnostics for open files, quick fixes that apply the pipeline's output (across files when a
helper's callers must await it), silencing a finding, and the reason chain on hover."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.lsp.editing import (
    SERVER,
    apply,
    change_file,
    edits_by_uri,
    open_file,
    write_project,
)

EDITORS = ["visual-studio-code", "neovim", "emacs"]  # emacs (eglot) resolves no code action: edits come eagerly


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


@pytest_lsp.fixture(config=SERVER, params=EDITORS)
async def client(lsp_client: LanguageClient, project: Path, request: pytest.FixtureRequest) -> AsyncIterator[None]:
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities(request.param), root_uri=project.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=project.as_uri(), name="project")]))
    yield
    await lsp_client.shutdown_session()


async def actions_at(client: LanguageClient, uri: str, line: int,
                     diagnostics: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    found = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri), range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)),
        context=lsp.CodeActionContext(diagnostics=diagnostics)))
    return [a for a in found or [] if isinstance(a, lsp.CodeAction)]


async def resolved(client: LanguageClient, action: lsp.CodeAction) -> lsp.WorkspaceEdit:
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    assert action.edit is not None
    return action.edit


async def test_open_flask_view_shows_the_pending_change_and_its_fix_clears_it(
    client: LanguageClient, project: Path
) -> None:
    views = project / "views.py"
    shown = await open_file(client, views)
    pending = [d for d in shown if d.code == "pending"]
    assert [(d.range.start.line, d.message) for d in pending] == [
        (0, "quartify would change this module-level code"),
        (8, "quartify would change `index`: it becomes async def"),
        (13, "quartify would change `status`: it becomes async def"),
    ]
    index = next(d for d in pending if "`index`" in d.message)
    fixes = [a for a in await actions_at(client, views.as_uri(), index.range.start.line, [index])
             if a.kind == lsp.CodeActionKind.QuickFix]
    assert len(fixes) == 1 and fixes[0].is_preferred
    edits = edits_by_uri(await resolved(client, fixes[0]))
    assert set(edits) == {views.as_uri()}  # nothing calls the views: no other file must follow
    new_views = apply(views.read_text(), edits[views.as_uri()])
    assert "async def index():" in new_views and "from quart import Quart" in new_views
    after = await change_file(client, views.as_uri(), new_views, 2)
    assert [d for d in after if d.code == "pending"] == []


async def test_a_helper_that_starts_awaiting_quart_offers_the_await_in_its_caller(
    client: LanguageClient, project: Path
) -> None:
    helpers, views = project / "helpers.py", project / "views.py"
    await open_file(client, helpers)
    edited = helpers.read_text().replace('    return "guest"', '    return request.get_json()["name"]')
    shown = await change_file(client, helpers.as_uri(), edited, 2)  # unsaved: the disk still has "guest"
    assert "quartify would change `current_name`: it becomes async def" in [d.message for d in shown]
    line = edited.splitlines().index("def current_name():")
    fixes = [a for a in await actions_at(client, helpers.as_uri(), line, list(shown))
             if a.kind == lsp.CodeActionKind.QuickFix and a.is_preferred]
    edits = edits_by_uri(await resolved(client, fixes[0]))
    assert set(edits) == {helpers.as_uri(), views.as_uri()}
    new_helpers = apply(edited, edits[helpers.as_uri()])
    assert "async def current_name():\n    return (await request.get_json())[\"name\"]" in new_helpers
    assert "    return await current_name()\n" in apply(views.read_text(), edits[views.as_uri()])
    after = await change_file(client, helpers.as_uri(), new_helpers, 3)
    assert [d for d in after if d.code == "pending"] == []

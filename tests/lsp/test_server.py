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
    diagnostics_for,
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


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """The project opened through a symbolic link (macOS's /tmp is one)."""
    (tmp_path / "real").mkdir()
    write_project(tmp_path / "real")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    return tmp_path / "link"


@pytest_lsp.fixture(config=SERVER)
async def through_link(lsp_client: LanguageClient, linked: Path) -> AsyncIterator[None]:
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=linked.as_uri()))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def neovim(lsp_client: LanguageClient, project: Path) -> AsyncIterator[None]:
    """One editor is enough where the editors' capabilities change nothing."""
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=project.as_uri()))
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
    await open_file(client, project / "helpers.py")  # open too, with changes of its own
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


async def test_a_finding_is_silenced_by_the_ignore_comment_its_action_writes(
    neovim: LanguageClient, project: Path
) -> None:
    """The view's call of the blocking helper is offloaded (QFY172, the default `--blocking thread`);
    silencing it on that line keeps the helper on the loop."""
    views = project / "views.py"
    shown = await open_file(neovim, views)
    offload = next(d for d in shown if d.code == "QFY172")
    assert offload.severity == lsp.DiagnosticSeverity.Information and "requests.get() in remote_status()" in offload.message
    silence = next(a for a in await actions_at(neovim, views.as_uri(), offload.range.start.line, [offload])
                   if a.title.startswith("quartify: silence QFY172"))
    text = apply(views.read_text(), edits_by_uri(await resolved(neovim, silence))[views.as_uri()])
    assert "    return str(remote_status())  # quartify: ignore[QFY172]\n" in text
    after = await change_file(neovim, views.as_uri(), text, 2)
    assert "QFY172" not in [d.code for d in after]


async def test_hover_on_a_view_or_a_call_shows_the_reason_chain(neovim: LanguageClient, project: Path) -> None:
    views, helpers = project / "views.py", project / "helpers.py"
    await open_file(neovim, helpers)
    edited = helpers.read_text().replace('    return "guest"', '    return request.get_json()["name"]')
    await change_file(neovim, helpers.as_uri(), edited, 2)
    await open_file(neovim, views)
    lines = views.read_text().splitlines()
    call = lines.index("    return current_name()")
    shown = await neovim.text_document_hover_async(lsp.HoverParams(
        lsp.TextDocumentIdentifier(views.as_uri()), lsp.Position(call, lines[call].index("current_name") + 2)))
    assert shown is not None and isinstance(shown.contents, lsp.MarkupContent)
    assert "helpers.py:5: current_name becomes async def" in shown.contents.value
    assert "uses request.get_json()" in shown.contents.value  # the unsaved buffer is what was solved
    plain = lines.index("app = Flask(__name__)")
    assert await neovim.text_document_hover_async(lsp.HoverParams(
        lsp.TextDocumentIdentifier(views.as_uri()), lsp.Position(plain, 0))) is None


async def test_migrate_the_workspace_edits_every_file_that_would_change(neovim: LanguageClient, project: Path) -> None:
    views = project / "views.py"
    await open_file(neovim, views)
    found = await neovim.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(views.as_uri()), range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        context=lsp.CodeActionContext(diagnostics=[], only=["source.quartify.migrateWorkspace"])))
    assert found is not None and [a.title for a in found if isinstance(a, lsp.CodeAction)] == [
        "quartify: migrate the workspace to Quart"]
    action = found[0]
    assert isinstance(action, lsp.CodeAction)
    edits = edits_by_uri(await resolved(neovim, action))
    assert set(edits) == {views.as_uri(), (project / "helpers.py").as_uri()}
    assert "return str(await asyncio.to_thread(remote_status))" in apply(views.read_text(), edits[views.as_uri()])
    assert "TODO(quartify)" not in apply((project / "helpers.py").read_text(), edits[(project / "helpers.py").as_uri()])


async def test_a_half_typed_line_is_one_error_until_it_parses_again(neovim: LanguageClient, project: Path) -> None:
    views = project / "views.py"
    await open_file(neovim, views)
    broken = views.read_text().replace("    return current_name()", "    return current_name(")
    shown = await change_file(neovim, views.as_uri(), broken, 2)
    assert [(d.code, d.severity) for d in shown] == [("QFY001", lsp.DiagnosticSeverity.Error)]
    fixed = await change_file(neovim, views.as_uri(), views.read_text(), 3)
    assert "QFY001" not in [d.code for d in fixed] and any(d.code == "pending" for d in fixed)
    neovim.diagnostics.pop(views.as_uri(), None)
    neovim.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(views.as_uri())))
    assert list(await diagnostics_for(neovim, views.as_uri())) == []


async def test_a_project_opened_through_a_symlink_gets_diagnostics_and_edits_under_its_own_uris(
    through_link: LanguageClient, linked: Path
) -> None:
    views = linked / "views.py"
    shown = await open_file(through_link, views)
    index = next(d for d in shown if "`index`" in d.message)
    fix = next(a for a in await actions_at(through_link, views.as_uri(), index.range.start.line, [index])
               if a.is_preferred)
    assert set(edits_by_uri(await resolved(through_link, fix))) == {views.as_uri()}

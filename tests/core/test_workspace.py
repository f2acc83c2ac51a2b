"""The warm workspace behind `quartify lsp`: a focused run reports exactly what a full run reports
for its files, an edit re-indexes only the edited file, and an unsaved buffer overrides the disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.core.workspace import Workspace
from tests.conftest import FIXTURES

REPO = Path(__file__).resolve().parents[2]
APPS = [FIXTURES / "samples" / name for name in ("guestbook", "notesapi", "taskboard")] + [REPO / "examples" / "bookshelf"]


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_a_focused_run_reports_what_the_full_run_reports_for_those_files(app: Path, tmp_path: Path) -> None:
    root = tmp_path / app.name
    shutil.copytree(app, root)
    full = {f.path.resolve(): f for f in migrate_paths([root], Options()).files}
    python = sorted(p for p in full if p.suffix == ".py" and p.exists())  # not the compat module it creates
    ws = Workspace(root)
    for focus in [python, *([p] for p in python[:2])]:  # all of them, then single files
        # A focused file whose new text imports the compat module brings that new file along
        # (core/subset.py), exactly as the full run writes it.
        focused = [f for f in ws.analyse(focus).result.files if f.path.exists()]
        assert [f.path for f in focused] == focus
        for extra in (f for f in ws.analyse(focus).result.files if not f.path.exists()):
            assert extra.new_source == full[extra.path].new_source
        for mine in focused:
            theirs = full[mine.path]
            assert (mine.status, mine.new_source, mine.findings) == (theirs.status, theirs.new_source, theirs.findings)


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text)
    return path


def test_an_edit_reindexes_only_the_edited_file_and_the_buffer_overrides_the_disk(tmp_path: Path) -> None:
    helpers = write(tmp_path, "helpers.py", "from flask import request\n\n\ndef name():\n    return 'guest'\n")
    views = write(tmp_path, "views.py", "from flask import Flask\nfrom helpers import name\n\napp = Flask(__name__)\n\n\n"
                  "@app.route('/')\nasync def index():\n    return name()\n")
    write(tmp_path, "other.py", "def unrelated():\n    return 1\n")
    ws = Workspace(tmp_path)
    first = ws.analyse([views])
    assert ws.indexed_last == 3
    assert "return name()" in (first.file(views.resolve()) or pytest.fail("no result")).old_source
    ws.set_buffer(helpers, "from flask import request\n\n\ndef name():\n    return request.get_json()['name']\n", 2)
    again = ws.analyse([views])
    assert ws.indexed_last == 1  # only the buffer: the others come from the warm index
    result = again.file(views.resolve())
    assert result is not None and result.new_source is not None
    assert "return await name()" in result.new_source  # the unsaved helper decided it
    assert helpers.read_text().endswith("return 'guest'\n")  # nothing written
    ws.drop_buffer(helpers)
    back = ws.analyse([views]).file(views.resolve())
    assert back is not None and "await name()" not in (back.new_source or "")


def test_a_run_that_reads_nothing_new_answers_from_the_last_one(tmp_path: Path) -> None:
    """A save after the analysed edit, or an undo back to the analysed text, is answered from the
    last run (for the new buffer version); any change to what a run reads runs it again."""
    helpers = write(tmp_path, "helpers.py", "from flask import request\n\n\ndef name():\n    return 'guest'\n")
    views = write(tmp_path, "views.py", "from flask import Flask\nfrom helpers import name\n\napp = Flask(__name__)\n\n\n"
                  "@app.route('/')\nasync def index():\n    return name()\n")
    awaiting = "from flask import request\n\n\ndef name():\n    return request.get_json()['name']\n"
    ws = Workspace(tmp_path)
    ws.set_buffer(helpers, awaiting, 2)
    edited = ws.analyse([views])
    ws.set_buffer(helpers, awaiting, 3)  # the same text again (a save)
    saved = ws.analyse([views])
    assert saved.result is edited.result and ws.indexed_last == 0
    assert saved.versions == {helpers.resolve(): 3} and saved.generation > edited.generation

    ws.set_buffer(helpers, helpers.read_text(), 4)  # back to the text on disk: a new run
    reverted = ws.analyse([views])
    assert reverted.result is not edited.result
    result = reverted.file(views.resolve())
    assert "await name()" in str((edited.file(views.resolve()) or pytest.fail("no result")).new_source)
    assert result is not None
    assert "return name()" in (result.new_source or "")  # the helper is sync again: no await

    write(tmp_path, "quart_flask_compat.py", "")  # a file beside the inputs: a new run
    assert ws.analyse([views]).result is not reverted.result


def test_a_sequence_of_edits_gives_what_fresh_runs_give(tmp_path: Path) -> None:
    """Runs after an edit take the last run's linker answers when nothing resolution reads has
    changed (analysis/link_memory.py); every result equals a fresh workspace's over the same texts."""
    helpers = write(tmp_path, "helpers.py", "from flask import request\n\n\ndef name(default):\n"
                    "    value = default.strip()\n    return value\n")
    views = write(tmp_path, "views.py", "from flask import Flask\nfrom helpers import name\n\napp = Flask(__name__)\n\n\n"
                  "@app.route('/')\ndef index():\n    return name('guest')\n")
    ws = Workspace(tmp_path)
    ws.analyse()
    edits = [  # (helpers text, whether the run can take the last run's answers)
        (helpers.read_text().replace("    value =", "    request.get_json()\n    value ="), True),  # a body
        (helpers.read_text().replace("    value =", "    request.get_json()  # sure?\n    value ="), True),
        (helpers.read_text().replace("request\n", "request, session\n"), False),  # an import
        (helpers.read_text(), False),  # back: the last run linked other modules
    ]
    for version, (text, warm) in enumerate(edits, start=2):
        ws.set_buffer(helpers, text, version)
        mine = ws.analyse()
        assert ws.linked_warm is warm
        fresh = Workspace(tmp_path)
        fresh.set_buffer(helpers, text, version)
        theirs = fresh.analyse()
        assert [(f.path, f.status, f.new_source, f.findings) for f in mine.result.files] == [
            (f.path, f.status, f.new_source, f.findings) for f in theirs.result.files]
        assert mine.result.async_functions == theirs.result.async_functions
        assert mine.result.also_needs == theirs.result.also_needs
    awaited = edits[0][0]
    ws.set_buffer(helpers, awaited, 99)
    result = ws.analyse().file(views.resolve())
    assert result is not None and "return await name('guest')" in (result.new_source or "")

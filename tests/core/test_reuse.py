"""What a long-lived caller carries from the index to the transform, and from one run to the
next (core/reuse.py): each shortcut gives exactly what the work it saves would give."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartify.analysis.plan import plan_file
from quartify.core.config import Options
from quartify.core.discover import module_name
from quartify.core.pipeline import plan_repo
from quartify.core.reuse import Reuse
from quartify.core.stages import Indexed, Transformed, check_output, index_file, transform_file
from tests.conftest import FIXTURES

APPS = sorted(p for p in (FIXTURES / "samples").iterdir() if p.is_dir()) + [FIXTURES / "rewrites"]


def indexed(app: Path) -> list[Indexed]:
    out = []
    for path in sorted(app.rglob("*.py")):
        module, is_package = module_name(path, app)
        item = index_file(path, path.relative_to(app).as_posix(), module, is_package, keep_tree=True)
        if isinstance(item, Indexed):
            out.append(item)
    return out


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_a_transform_from_the_index_tree_equals_one_that_parses_the_text_again(app: Path) -> None:
    items = indexed(app)
    repo = plan_repo([i.index for i in items], Options())
    transformed = 0
    for item in items:
        plan = plan_file(repo, item.index)
        if plan.has_edits:
            assert item.tree is not None
            assert transform_file(item.text, plan, item.tree) == transform_file(item.text, plan)
            transformed += 1
    assert transformed  # the fixtures have something to migrate


def test_a_kept_transform_and_output_are_given_only_for_the_same_texts_and_plan(tmp_path: Path) -> None:
    path = tmp_path / "views.py"
    path.write_text("from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n    return 'hi'\n")
    item = index_file(path, "views.py", "views", False)
    assert isinstance(item, Indexed)
    plan = plan_file(plan_repo([item.index], Options()), item.index)
    done = transform_file(item.text, plan)
    assert isinstance(done, Transformed)
    reuse = Reuse()
    reuse.keep(item, plan, done, check_output(item, done))
    assert reuse.transformed(item, plan) is done
    assert reuse.output(item, done) == check_output(item, done)

    other_plan = type(plan)(plan.path, plan.edits[:-1], plan.findings)
    assert reuse.transformed(item, other_plan) is None
    path.write_text(item.text + "# typed\n")
    typed = index_file(path, "views.py", "views", False)
    assert isinstance(typed, Indexed)
    assert reuse.transformed(typed, plan) is None and reuse.output(typed, done) is None

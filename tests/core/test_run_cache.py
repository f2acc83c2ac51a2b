"""The run cache (core/run_cache.py): a one-file check over an unchanged project reads the whole
run's stored result; any change to the project is a new key, and every answer equals a run
without any cache, through a sequence of edits across files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quartify.core import paths
from quartify.core.config import Options
from quartify.core.index_cache import IndexCache
from quartify.core.pipeline import discovered_inputs, migrate_paths
from quartify.core.run_cache import RunMemo, run_memo
from quartify.core.types import FileResult, OtherFile, RunResult, Status
from tests.core.test_index_cache import outcome
from tests.core.test_subset import HELPER, shop  # noqa: F401  (the fixture)

AWAITING = HELPER.replace('request.args.get("q", "")', "request.get_json()")


def checked(path: Path, cache: Path) -> tuple[RunResult, RunResult]:
    """A subset run of `path` from the cache, and the same run without one."""
    cached = migrate_paths([path], Options(), whole_project=True, use_cache=True, cache_dir=cache)
    plain = migrate_paths([path], Options(), whole_project=True)
    return cached, plain


def hit(result: RunResult) -> bool:
    return any(stage == "run cache hit" for stage, _ in result.timings)


def test_an_edit_sequence_from_the_cache_equals_runs_without_it(shop: Path, tmp_path: Path) -> None:  # noqa: F811
    cache = tmp_path / "cache"
    helpers, views = shop / "shop" / "helpers.py", shop / "shop" / "views.py"
    states = [("migrated", HELPER), ("helper awaits", AWAITING), ("reverted", HELPER)]
    for state, text in states:
        helpers.write_text(text, encoding="utf-8")
        for path in (helpers, views):
            first, plain = checked(path, cache)
            again, _ = checked(path, cache)
            # reverted, the project is byte for byte what it was first: its stored run answers
            assert hit(first) == (state == "reverted") and hit(again), (state, path.name)
            assert outcome(first, shop) == outcome(again, shop) == outcome(plain, shop), (state, path.name)
        helper_run, _ = checked(helpers, cache)
        views_run, _ = checked(views, cache)
        if state == "helper awaits":
            assert helper_run.also_needs == (OtherFile("shop/views.py", "caller of helper_a"),)
            assert [f.status for f in views_run.files] == [Status.CHANGED]
            assert '{"q": await helper_a()}' in (views_run.files[0].new_source or "")
        else:  # the caller is clean again once the helper no longer awaits
            assert helper_run.also_needs == () and views_run.also_needs == ()
            assert [f.status for f in (*helper_run.files, *views_run.files)] == [Status.UNCHANGED] * 2


def test_a_stored_run_answers_only_the_same_files_options_and_folders(shop: Path, tmp_path: Path) -> None:  # noqa: F811
    cache = IndexCache(tmp_path / "cache")
    inputs, found = discovered_inputs([shop], Options())
    focus = frozenset({(shop / "shop" / "views.py").resolve()})

    def key(options: Options | None = None, files: frozenset[Path] | None = focus) -> str:
        memo = run_memo(cache, inputs, options or Options(), files, found.root)
        assert memo is not None
        return memo.key

    before = key()
    assert key() == before  # the same run, the same key
    assert key(Options(unsafe_fixes=True)) != before
    assert key(files=frozenset({(shop / "shop" / "helpers.py").resolve()})) != before
    assert key(files=None) != before
    # A file created beside the modules can change a run (a compat module, a helper, a
    # pytest.ini that now exists): a new name in any folder of the project is a new key.
    (shop / "shop" / "notes.txt").write_text("", encoding="utf-8")
    assert key() != before
    (shop / "shop" / "notes.txt").unlink()
    assert key() == before
    (shop / "shop" / "views.py").write_text("# edited\n", encoding="utf-8")
    assert key() != before


def test_a_run_indexes_the_bytes_its_key_was_made_of(
        shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    helpers = shop / "shop" / "helpers.py"
    real = paths.run_memo

    def then_edited(*args: Any) -> RunMemo | None:
        memo = real(*args)
        helpers.write_text(AWAITING, encoding="utf-8")  # the file changes once the key is made
        return memo

    monkeypatch.setattr(paths, "run_memo", then_edited)
    cached = migrate_paths([helpers], Options(), whole_project=True, use_cache=True, cache_dir=tmp_path / "cache")
    monkeypatch.undo()
    helpers.write_text(HELPER, encoding="utf-8")
    # The result (and the run stored under the key) is the state the key holds, read once.
    plain = migrate_paths([helpers], Options(), whole_project=True)
    assert cached.files[0].old_source == HELPER
    assert outcome(cached, shop) == outcome(plain, shop)


def test_the_dependency_step_is_read_back_while_its_files_are_unchanged(
        shop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from quartify.core import pipeline

    computed: list[int] = []
    real = pipeline.migrate_dependency_files

    def counted(*args: Any) -> list[FileResult]:
        computed.append(1)
        return real(*args)

    monkeypatch.setattr(pipeline, "migrate_dependency_files", counted)
    cache = tmp_path / "cache"
    helpers = shop / "shop" / "helpers.py"
    requirements = shop / "requirements.txt"
    requirements.write_text("flask>=2\npytest\n", encoding="utf-8")
    for text, requirement, computes in ((HELPER, "flask>=2\npytest\n", True),
                                        (HELPER + "# edited\n", "flask>=2\npytest\n", False),
                                        (AWAITING, "flask>=2\npytest\n", False),  # no test, no port: same step
                                        (AWAITING, "flask>=2.2\npytest\n", True)):
        helpers.write_text(text, encoding="utf-8")
        requirements.write_text(requirement, encoding="utf-8")
        computed.clear()
        whole = migrate_paths([shop], Options(), use_cache=True, cache_dir=cache)
        assert bool(computed) == computes, (text, requirement)
        plain = migrate_paths([shop], Options())
        assert outcome(whole, shop) == outcome(plain, shop)
        assert any(f.path.name == "requirements.txt" and f.status is Status.CHANGED for f in whole.files)

"""The linker's answers kept on disk (core/link_store.py): a one-file check after an edit that
leaves every module's link signature alone takes the last run's answers; through every edit
(a helper that starts awaiting, a revert, a renamed import, a deleted file) each result equals a
run without any cache, and a damaged record is no record."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from quartify.analysis.link import Linker
from quartify.analysis.link_memory import LinkRecord
from quartify.core import link_store
from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.core.types import OtherFile, RunResult, Status
from tests.core.test_index_cache import outcome
from tests.core.test_subset import HELPER, VIEWS, shop  # noqa: F401  (the fixture)

AWAITING = HELPER.replace('request.args.get("q", "")', "request.get_json()")
# Starts awaiting without changing what it returns (its return is part of its link signature).
AWAITS_TOO = HELPER.replace("    return request", "    request.get_json()\n    return request")
EDITED_BODY = HELPER.replace('"q", ""', '"q", "none"')
RENAMED_HELPER = HELPER.replace("helper_a", "helper_b")
RENAMED_VIEWS = VIEWS.replace("helper_a", "helper_b")


@pytest.fixture
def adoptions(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each linker built from here on took kept answers."""
    seen: list[bool] = []
    original = Linker.adopt_answers

    def spy(self: Linker, *args: object) -> bool:
        taken = original(self, *args)  # type: ignore[arg-type]
        seen.append(taken)
        return taken

    monkeypatch.setattr(Linker, "adopt_answers", spy)
    return seen


def check(path: Path, cache: Path) -> tuple[RunResult, RunResult]:
    cached = migrate_paths([path], Options(), whole_project=True, use_cache=True, cache_dir=cache)
    plain = migrate_paths([path], Options(), whole_project=True)
    return cached, plain


def test_edits_across_files_from_kept_answers_equal_runs_without_a_cache(
        shop: Path, tmp_path: Path, adoptions: list[bool]) -> None:  # noqa: F811
    cache = tmp_path / "cache"
    helpers, views = shop / "shop" / "helpers.py", shop / "shop" / "views.py"
    check(helpers, cache)
    assert (cache / link_store.NAME).is_file()
    states = [
        ("body edited", EDITED_BODY, VIEWS, True),  # signatures unchanged: the answers are taken
        ("helper awaits too", AWAITS_TOO, VIEWS, True),  # a call added, still no signature change
        ("reverted", HELPER, VIEWS, False),  # the stored whole run answers before any linking
        ("helper awaits", AWAITING, VIEWS, False),  # what it returns changed: linked from scratch
        ("renamed", RENAMED_HELPER, RENAMED_VIEWS, False),  # a binding changed: linked from scratch
        ("renamed, awaits too", AWAITS_TOO.replace("helper_a", "helper_b"), RENAMED_VIEWS, True),
    ]
    for state, helper_text, views_text, taken in states:
        helpers.write_text(helper_text, encoding="utf-8")
        views.write_text(views_text, encoding="utf-8")
        adoptions.clear()
        helper_run, plain = check(helpers, cache)
        assert outcome(helper_run, shop) == outcome(plain, shop), state
        assert any(adoptions) == taken, state
        views_run, plain = check(views, cache)
        assert outcome(views_run, shop) == outcome(plain, shop), state
        if "awaits" in state:  # the caller in the other file must change, and is named
            name = "helper_b" if "renamed" in state else "helper_a"
            assert helper_run.also_needs == (OtherFile("shop/views.py", f"caller of {name}"),), state
            assert f'{{"q": await {name}()}}' in (views_run.files[0].new_source or ""), state
        else:
            assert helper_run.also_needs == () and views_run.files[0].status is Status.UNCHANGED, state
    helpers.unlink()  # the view now imports a module that is gone
    views_run, plain = check(views, cache)
    assert outcome(views_run, shop) == outcome(plain, shop)


@pytest.mark.parametrize("damage", ["truncated", "flipped", "foreign", "garbage"])
def test_a_damaged_record_is_no_record(shop: Path, tmp_path: Path, damage: str, adoptions: list[bool]) -> None:  # noqa: F811
    cache = tmp_path / "cache"
    helpers = shop / "shop" / "helpers.py"
    check(helpers, cache)
    record = cache / link_store.NAME
    blob = record.read_bytes()
    damaged = {
        "truncated": blob[: len(blob) // 2],
        "flipped": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],
        "foreign": blob.replace(blob.split(b"\n")[1], b"0" * len(blob.split(b"\n")[1]), 1),
        "garbage": b"\x00not a record",
    }[damage]
    record.write_bytes(damaged)
    assert link_store.load(cache) is None
    helpers.write_text(AWAITING, encoding="utf-8")
    adoptions.clear()
    cached, plain = check(helpers, cache)
    assert not any(adoptions)
    assert outcome(cached, shop) == outcome(plain, shop)
    assert link_store.load(cache) is not None  # the run kept its own answers again


def test_an_edit_that_keeps_the_answers_leaves_the_record_on_disk(
        shop: Path, tmp_path: Path, adoptions: list[bool]) -> None:  # noqa: F811
    cache = tmp_path / "cache"
    helpers = shop / "shop" / "helpers.py"
    check(helpers, cache)
    written = (cache / link_store.NAME).read_bytes()
    for text in (EDITED_BODY, EDITED_BODY.replace('"none"', '"nothing"')):  # bodies edited, twice
        helpers.write_text(text, encoding="utf-8")
        adoptions.clear()
        cached, plain = check(helpers, cache)
        assert outcome(cached, shop) == outcome(plain, shop)
        assert any(adoptions)  # the record on disk still answers
        assert (cache / link_store.NAME).read_bytes() == written  # and was not written again
    helpers.write_text(AWAITING, encoding="utf-8")  # what it returns changed: new answers
    check(helpers, cache)
    assert (cache / link_store.NAME).read_bytes() != written


def test_a_record_is_worth_saving_past_a_few_modules_or_on_other_answers(shop: Path, tmp_path: Path) -> None:  # noqa: F811
    cache = tmp_path / "cache"
    check(shop / "shop" / "helpers.py", cache)
    kept = link_store.load(cache)
    assert kept is not None

    def new_texts(count: int) -> LinkRecord:
        fresh = {f"text {i}": b"digest" for i in range(count)}
        return replace(kept, signatures={**kept.signatures, **fresh}, scans={**kept.scans, **dict.fromkeys(fresh, ())})

    assert not link_store.worth_saving(kept, kept)
    assert not link_store.worth_saving(new_texts(link_store.STALE), kept)
    assert link_store.worth_saving(new_texts(link_store.STALE + 1), kept)
    assert link_store.worth_saving(replace(kept, answers={**kept.answers, "shop.views.x": "shop.helpers.x"}), kept)
    assert link_store.worth_saving(replace(kept, digest=b"another key"), kept)
    assert link_store.worth_saving(kept, None)

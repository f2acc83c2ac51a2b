"""Runs that are killed, or that overlap: no file is ever partial, and the next run finishes.

Each `kill -9` lands at a random point of the write phase: the child is watched until a random
number of its files are replaced (a written file is a new inode), or, every other round, until
its k-th temp file appears (so that some kills leave a temp file behind), and is killed then. After each kill every file must be
exactly its old or exactly its new text. Each run removes the temp file the previous kill left;
a last run leaves none and completes the migration of the half-migrated tree.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quartify.core.config import Options
from quartify.core.pipeline import migrate_paths
from quartify.core.write import write_changes
from tests.conftest import FIXTURES
from tests.core.faultapp import run, temp_leftovers

KILLS = 12
PADDING = 30  # cheap modules to migrate, so that the write phase lasts long enough to be hit
COMMAND = [sys.executable, "-m", "quartify", "migrate", "-q", "--jobs", "1"]  # no pool: faster to start


def _texts(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Project:
    """A Flask project, as it is before and after a complete run."""

    def __init__(self, base: Path) -> None:
        self.old = base / "old"
        shutil.copytree(FIXTURES / "samples" / "notesapi", self.old)
        for i in range(PADDING):
            (self.old / "notesapi" / f"pad_{i}.py").write_text(
                f"from flask import Blueprint\n\nbp_{i} = Blueprint('b{i}', __name__)\n", encoding="utf-8")
        new = base / "new"
        shutil.copytree(self.old, new)
        reference = write_changes(migrate_paths([new], Options(jobs=1)), new)  # what the CLI does, in-process
        assert not reference.failed
        self.before, self.after = _texts(self.old), _texts(new)
        self.changing = sorted(name for name in self.before if self.before[name] != self.after[name])
        assert len(self.changing) > PADDING

    def copy(self, to: Path) -> Path:
        shutil.copytree(self.old, to)
        return to


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project(tmp_path_factory.mktemp("project"))


def _wait_for_replaced(tree: Path, names: list[str], k: int, deadline: float) -> None:
    """Until k of `names` are replaced: a written file is a new inode."""
    inodes = {name: os.stat(tree / name).st_ino for name in names}
    while time.monotonic() < deadline:
        if sum(os.stat(tree / name).st_ino != ino for name, ino in inodes.items()) >= k:
            return
        time.sleep(0.0005)  # leave the CPU to the run being watched
    raise AssertionError("the run never reached its write phase")


def _wait_for_temp_file(directory: Path, k: int, deadline: float) -> None:
    """Until the k-th temp file appears in `directory` (kill then: it is likely still there)."""
    known = set(os.listdir(directory))
    seen: set[str] = set()
    while time.monotonic() < deadline:
        seen.update(name for name in os.listdir(directory) if name not in known)
        if len(seen) >= k:
            return
        time.sleep(0.0002)
    raise AssertionError("the run never reached its write phase")


def test_kill_9_during_writes_leaves_every_file_old_or_new_and_the_next_run_finishes(
    project: Project, tmp_path: Path
) -> None:
    tree = project.copy(tmp_path / "tree")
    rnd = random.Random(1207)
    mixed = left_temp_files = 0
    for round_ in range(KILLS):
        for name, data in project.before.items():
            (tree / name).write_bytes(data)
        child = subprocess.Popen([*COMMAND, str(tree)], start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            if round_ % 2:
                _wait_for_replaced(tree, project.changing, rnd.randrange(1, len(project.changing)), deadline)
            else:
                _wait_for_temp_file(tree / "notesapi", rnd.randrange(1, 8), deadline)
        finally:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        now = _texts(tree)
        for name in project.before:
            assert now[name] in (project.before[name], project.after[name]), f"{name}: neither old nor new text"
        migrated = sum(now[name] == project.after[name] for name in project.changing)
        mixed += 0 < migrated < len(project.changing)
        left_temp_files += bool(temp_leftovers(tree))
    assert mixed >= KILLS // 2, f"only {mixed} of {KILLS} kills landed in the middle of the write phase"
    assert left_temp_files, "no kill landed while a temp file existed: nothing to clean up was tested"
    done = run(COMMAND, tree)
    assert done.returncode == 0, done.stderr
    assert temp_leftovers(tree) == []
    assert _texts(tree) == project.after


def test_two_concurrent_runs_both_finish_and_agree(project: Project, tmp_path: Path) -> None:
    tree = project.copy(tmp_path / "tree")
    runs = [subprocess.Popen([*COMMAND, str(tree)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    for child in runs:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    assert _texts(tree) == project.after

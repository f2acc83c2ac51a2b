"""I/O faults during a run: each one is a finding on the file it touches, and the run goes on.

These run the console script in a subprocess: the behaviour guarded (exit code, summary, what is
on disk afterwards) is the CLI's. Permission faults run the child without root's permission
override (see `unprivileged`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.core.faultapp import VIEW, is_flask, is_migrated, run, temp_leftovers
from tests.core.unprivileged import permission_checked_child


def _tree(root: Path, *names: str) -> Path:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(VIEW, encoding="utf-8")
    return root


def test_a_read_only_directory_fails_its_files_and_the_others_are_written(
    tmp_path: Path, quartify_cmd: list[str]
) -> None:
    tree = _tree(tmp_path / "proj", "locked/a.py", "open/b.py")
    os.chmod(tree / "locked", 0o555)
    try:
        done = run(quartify_cmd, "migrate", tree, preexec_fn=permission_checked_child())
    finally:
        os.chmod(tree / "locked", 0o755)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert is_migrated(tree / "open/b.py")
    assert is_flask(tree / "locked/a.py")
    assert "locked/a.py:1:1: QFY001 cannot write locked/a.py: Permission denied" in done.stderr
    assert "files failed         │ 1" in done.stderr
    assert temp_leftovers(tree) == []


def test_unreadable_files_are_findings_and_the_others_are_migrated(tmp_path: Path, quartify_cmd: list[str]) -> None:
    tree = _tree(tmp_path / "proj", "secret.py", "fine.py")
    (tree / "tests").mkdir()
    (tree / "tests" / "test_app.py").write_text("async def test_a():\n    pass\n", encoding="utf-8")
    (tree / "tox.ini").write_text("[pytest]\nasyncio_mode = auto\n", encoding="utf-8")
    for name in ("secret.py", "tox.ini"):
        os.chmod(tree / name, 0)
    done = run(quartify_cmd, "migrate", tree, preexec_fn=permission_checked_child())
    assert done.returncode == 1, done.stderr
    assert "secret.py:1:1: QFY001 cannot migrate secret.py:1: cannot read: Permission denied" in done.stderr
    assert "tox.ini:1:1: QFY001 cannot migrate tox.ini: cannot read: Permission denied" in done.stderr
    assert not (tree / "pytest.ini").exists(), "the unreadable tox.ini may configure pytest: no pytest.ini beside it"
    assert is_migrated(tree / "fine.py")


def test_an_unreadable_directory_is_a_finding_not_a_silent_skip(tmp_path: Path, quartify_cmd: list[str]) -> None:
    tree = _tree(tmp_path / "proj", "hidden/a.py", "fine.py")
    os.chmod(tree / "hidden", 0)
    try:
        done = run(quartify_cmd, "migrate", tree, preexec_fn=permission_checked_child())
    finally:
        os.chmod(tree / "hidden", 0o755)
    assert done.returncode == 1, done.stderr
    assert "QFY001 cannot read directory hidden: Permission denied" in done.stderr
    assert is_migrated(tree / "fine.py")


def test_a_fifo_named_py_is_skipped_not_read(tmp_path: Path, quartify_cmd: list[str]) -> None:
    tree = _tree(tmp_path / "proj", "app.py")
    os.mkfifo(tree / "pipe.py")
    done = run(quartify_cmd, "migrate", tree, timeout=30)  # before the fix: blocks forever on open()
    assert done.returncode == 0, done.stderr
    assert "pipe.py:1:1: QFY004 skipped pipe.py: not a regular file (a FIFO)" in done.stderr
    assert is_migrated(tree / "app.py")
    assert stat.S_ISFIFO(os.lstat(tree / "pipe.py").st_mode)


def test_a_symlink_loop_named_py_is_skipped(tmp_path: Path, quartify_cmd: list[str]) -> None:
    tree = _tree(tmp_path / "proj", "app.py")
    os.symlink("loop.py", tree / "loop.py")
    done = run(quartify_cmd, "migrate", tree)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "QFY004 skipped loop.py: a symbolic link loop" in done.stderr
    assert is_migrated(tree / "app.py")


def test_a_dangling_link_is_skipped(tmp_path: Path, quartify_cmd: list[str]) -> None:
    tree = _tree(tmp_path / "proj", "app.py")
    os.symlink("gone.py", tree / "dangling.py")
    done = run(quartify_cmd, "migrate", tree)
    assert done.returncode == 0, done.stderr
    assert "QFY004 skipped dangling.py: a symbolic link to a missing file" in done.stderr
    assert os.readlink(tree / "dangling.py") == "gone.py"
    assert is_migrated(tree / "app.py")


def test_a_link_inside_the_tree_writes_its_target_once_and_stays_a_link(
    tmp_path: Path, quartify_cmd: list[str]
) -> None:
    tree = _tree(tmp_path / "proj", "pkg/real.py")
    os.symlink("pkg/real.py", tree / "alias.py")
    done = run(quartify_cmd, "migrate", tree)
    assert done.returncode == 0, done.stderr
    assert os.path.islink(tree / "alias.py")
    assert os.readlink(tree / "alias.py") == "pkg/real.py"
    assert is_migrated(tree / "pkg/real.py")
    assert "files changed        │ 2" in done.stderr  # pkg/real.py once, and the requirements.txt (QFY128)


def test_a_link_to_a_file_outside_the_tree_is_skipped_and_the_target_untouched(
    tmp_path: Path, quartify_cmd: list[str]
) -> None:
    tree = _tree(tmp_path / "proj", "app.py")
    outside = _tree(tmp_path / "elsewhere", "shared.py") / "shared.py"
    os.symlink(outside, tree / "shared.py")
    done = run(quartify_cmd, "migrate", tree)
    assert done.returncode == 0, done.stderr
    assert "QFY004 skipped shared.py: a symbolic link to a file outside the tree" in done.stderr
    assert os.path.islink(tree / "shared.py")
    assert is_flask(outside)
    assert is_migrated(tree / "app.py")


def test_a_hard_linked_file_is_replaced_and_its_other_names_keep_the_old_text(
    tmp_path: Path, quartify_cmd: list[str]
) -> None:
    """Documented in docs/guide.md: the write is a rename, so the path gets a new inode."""
    tree = _tree(tmp_path / "proj", "app.py")
    other = tmp_path / "backup.py"
    os.link(tree / "app.py", other)
    done = run(quartify_cmd, "migrate", tree)
    assert done.returncode == 0, done.stderr
    assert is_migrated(tree / "app.py")
    assert is_flask(other)
    assert "QFY004 app.py had 2 hard links: it was replaced, its other names keep the old text" in done.stderr


def test_temp_files_of_a_dead_run_are_removed_and_a_live_runs_are_kept(
    tmp_path: Path, quartify_cmd: list[str]
) -> None:
    tree = _tree(tmp_path / "proj", "app.py", "sub/b.py")
    finished = _finished_pid()
    stale = tree / "sub" / f".b.py.quartify-{finished}-abcd1234.tmp"
    stale.write_text("half", encoding="utf-8")
    live = tree / f".app.py.quartify-{os.getpid()}-abcd1234.tmp"
    live.write_text("being written", encoding="utf-8")
    legacy = tree / ".app.py.x1y2z3w4.quartify"  # the earlier naming: no pid, so removed only when old
    legacy.write_text("half", encoding="utf-8")
    os.utime(legacy, (1_000_000_000, 1_000_000_000))
    check = run(quartify_cmd, "migrate", "--check", tree)
    assert check.returncode == 1 and stale.exists(), "a dry run removes nothing"
    done = run(quartify_cmd, "migrate", tree)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and not legacy.exists()
    assert live.exists()
    assert is_migrated(tree / "sub/b.py")


def _finished_pid() -> int:
    """The pid of a process that has exited and been reaped: no process has it (until reused)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid

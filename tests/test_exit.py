"""How the console script's process ends (cli/oneshot.py): a migrate run ends by `os._exit`
without freeing what it built, yet the exit code, every byte written to stdout and stderr (pipes,
so block-buffered), the files written and the atexit handlers are those of a normal exit. No
other caller keeps anything or ends that way."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from click.testing import CliRunner

from quartify.cli.main import main
from quartify.core import gcpause
from tests.test_cli import MIGRATED, VIEW

# The console script's entry, in a child that shows which way it ended: an atexit handler prints
# (buffered, so lost unless flushed after it ran), and `os._exit` announces itself unbuffered.
CHILD = """
import atexit, os, sys
atexit.register(lambda: print("atexit handler ran"))
real_exit = os._exit
def announced(code):
    os.write(2, f"hard exit {code}\\n".encode())
    real_exit(code)
os._exit = announced
sys.argv = ["quartify", *sys.argv[1:]]
from quartify.cli.main import run
run()
"""


def child(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\n', encoding="utf-8")
    (tmp_path / "app.py").write_text(VIEW, encoding="utf-8")
    return tmp_path


def test_a_failing_check_ends_by_hard_exit_with_code_1_and_everything_printed(project: Path) -> None:
    done = child("migrate", "--check", "app.py", cwd=project)
    assert done.returncode == 1, done.stderr
    assert "would change app.py" in done.stderr
    assert done.stdout == "atexit handler ran\n"
    assert done.stderr.endswith("hard exit 1\n")


def test_a_diff_on_a_pipe_is_printed_whole_as_in_process(project: Path) -> None:
    in_process = CliRunner().invoke(main, ["migrate", "--diff", "-q", str(project / "app.py")])
    done = child("migrate", "--diff", "-q", "app.py", cwd=project)  # the stored run of the first: kept too
    assert done.returncode == in_process.exit_code == 1
    # Paths are shown relative to the working directory: the same diff once both are relative.
    assert done.stdout.removesuffix("atexit handler ran\n") == in_process.output.replace(f"{project}/", "")
    assert "+async def index():" in done.stdout
    assert done.stderr == "hard exit 1\n"


def test_a_migration_writes_its_files_and_report_and_exits_0(project: Path) -> None:
    done = child("migrate", "--report", "json:report.json", "app.py", cwd=project)
    assert done.returncode == 0, done.stderr
    assert (project / "app.py").read_text(encoding="utf-8") == MIGRATED
    assert json.loads((project / "report.json").read_text(encoding="utf-8"))["files"]
    assert done.stderr.endswith("hard exit 0\n")
    again = child("migrate", "--check", "app.py", cwd=project)
    assert again.returncode == 0, again.stderr


def test_usage_errors_and_other_commands_exit_normally(project: Path) -> None:
    missing = child("migrate", "nowhere.py", cwd=project)
    assert missing.returncode == 2
    assert "no such file or directory" in missing.stderr
    version = child("--version", cwd=project)
    assert version.returncode == 0
    assert version.stdout.startswith("quartify, version")
    for done in (missing, version):  # nothing was kept: Python's own exit, atexit handlers and all
        assert "hard exit" not in done.stderr
        assert done.stdout.endswith("atexit handler ran\n")


def test_click_runner_and_library_runs_keep_nothing(project: Path) -> None:
    result = CliRunner().invoke(main, ["migrate", "--check", "-q", str(project / "app.py")])
    assert result.exit_code == 1
    assert not gcpause.kept()


class _Built:
    """Something a run built (weakly referenceable)."""


def test_keep_holds_only_inside_a_keeping_pause() -> None:
    outside, inside = _Built(), _Built()
    gone, held = weakref.ref(outside), weakref.ref(inside)
    with gcpause.paused():
        gcpause.keep(outside)
    del outside
    gc.collect()
    assert gone() is None
    was_kept = gcpause.kept()
    try:
        with gcpause.paused(keep=True):
            gcpause.keep(inside)
        del inside
        gc.collect()
        assert held() is not None
        assert gcpause.kept()
    finally:
        if not was_kept:
            gcpause._HELD.clear()  # this test process goes on: hand it back

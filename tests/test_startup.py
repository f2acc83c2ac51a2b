"""Start-up cost: a pre-commit hook or an editor runs quartify on every save or commit, so the
console script imports only what the command needs (see quartify/cli/main.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("libcst", "mypy", "black", "rich", "tomlkit", "quartify.core.pipeline", "quartify.codemods",
         "quartify.deps", "quartify.analysis", "quartify.report", "concurrent.futures", "pathspec")

PROBE = """
import json, sys
from quartify.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = {heavy!r}
print(json.dumps(sorted({{m.split(".")[0] if not m.startswith("quartify") else m for m in sys.modules
                         if any(m == h or m.startswith(h + ".") for h in heavy)}})))
"""


def loaded_after(*args: str, cwd: Path = REPO) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_version_loads_none_of_the_heavy_modules() -> None:
    assert loaded_after("--version") == []


def _migrated_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.pytest.ini_options]\nasyncio_mode = \"auto\"\n"
                                             "asyncio_default_fixture_loop_scope = \"function\"\n", encoding="utf-8")
    (tmp_path / "views.py").write_text(
        "from quart import Quart\n\napp = Quart(__name__)\n\n\n@app.route('/')\nasync def index():\n    return 'hi'\n",
        encoding="utf-8",
    )


def test_checking_a_file_with_nothing_to_rewrite_never_loads_libcst(tmp_path: Path) -> None:
    _migrated_project(tmp_path)
    loaded = loaded_after("migrate", "--check", "-q", "views.py", cwd=tmp_path)
    assert "libcst" not in loaded and "quartify.codemods" not in loaded and "mypy" not in loaded
    # Nothing edited, so nothing new to install: the dependency-file import check is not loaded.
    assert "quartify.deps.provided" not in loaded
    # Quiet, no report asked for: nothing is printed, so rich and the report modules stay out;
    # one file to index needs no process pool.
    assert "rich" not in loaded and "quartify.report" not in loaded and "concurrent" not in loaded


def test_a_quiet_recheck_the_run_cache_answers_loads_no_analysis(tmp_path: Path) -> None:
    _migrated_project(tmp_path)
    loaded_after("migrate", "--check", "-q", "views.py", cwd=tmp_path)  # computes the run, stores it
    loaded = loaded_after("migrate", "--check", "-q", "views.py", cwd=tmp_path)
    # Discovery names dependency files without `quartify.deps` (tomlkit), reading the stored run
    # needs no index model, and the quiet check prints nothing.
    assert loaded == []


def test_a_check_that_prints_loads_rich(tmp_path: Path) -> None:
    _migrated_project(tmp_path)
    assert "rich" in loaded_after("migrate", "--check", "views.py", cwd=tmp_path)


def test_a_check_after_editing_a_module_reads_the_dependency_files_rewrite_back(tmp_path: Path) -> None:
    _migrated_project(tmp_path)
    assert "tomlkit" in loaded_after("migrate", "--check", "-q", "views.py", cwd=tmp_path)  # rewrites pyproject.toml
    views = tmp_path / "views.py"
    views.write_text(views.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    loaded = loaded_after("migrate", "--check", "-q", "views.py", cwd=tmp_path)
    assert "quartify.core.pipeline" in loaded  # computed: the module changed
    assert "tomlkit" not in loaded  # the dependency files did not: their rewrite is read back


def test_a_project_without_gitignore_or_excludes_never_loads_pathspec(tmp_path: Path) -> None:
    _migrated_project(tmp_path)
    assert "pathspec" not in loaded_after("migrate", "--check", "-q", "views.py", cwd=tmp_path)
    (tmp_path / ".gitignore").write_text("build/\n", encoding="utf-8")
    assert "pathspec" in loaded_after("migrate", "--check", "-q", "views.py", cwd=tmp_path)


# Standard modules a check has no use for, each costing start-up time: `tempfile` (with shutil,
# random and the compression modules; core/tempfiles.py makes temp files), `hashlib` (OpenSSL;
# core/digest.py), `importlib.resources` (with zipfile and tempfile; core/bundled.py reads the
# tables), `mimetypes` (made on first use, analysis/file_fields.py), `configparser` (setup.cfg only).
UNUSED_STDLIB = ("tempfile", "shutil", "hashlib", "_hashlib", "importlib.resources", "zipfile", "mimetypes",
                 "configparser", "random")

EXACT_PROBE = """
import json, sys
from quartify.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {names!r} if m in sys.modules)))
"""


def test_a_check_before_and_after_an_edit_loads_no_unused_standard_module(tmp_path: Path) -> None:
    _migrated_project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache"),
           "QUARTIFY_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the tables beside the bytecode are written too
    probe = [sys.executable, "-c", EXACT_PROBE.format(names=UNUSED_STDLIB), "migrate", "--check", "-q", "views.py"]

    def loaded() -> list[str]:
        done = subprocess.run(probe, cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
        names: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
        return names

    # the first run also writes the caches: the index cache, the dataclass code and the tables' data
    assert loaded() == []
    assert list((tmp_path / "cache").glob("*.idx")) and list((tmp_path / "pycache").rglob("*.marshal"))
    views = tmp_path / "views.py"
    views.write_text(views.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert loaded() == []


def test_the_console_script_freezes_what_its_imports_built_and_a_library_import_does_not() -> None:
    """cli/oneshot.start imports the command line with the collector paused and freezes what the
    imports built (it lives as long as the process); importing it as a library leaves the
    collector as it was."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    report = "atexit.register(lambda: print(gc.get_freeze_count(), gc.isenabled()))"
    started = subprocess.run(
        [sys.executable, "-c", (f"import atexit, gc, sys; {report}; sys.argv = ['quartify', '--version']; "
                                "from quartify.cli.oneshot import start; start()")],
        env=env, capture_output=True, text=True, check=True)
    frozen, enabled = started.stdout.strip().splitlines()[-1].split()
    assert int(frozen) > 10_000 and enabled == "True"
    imported = subprocess.run(
        [sys.executable, "-c", f"import atexit, gc; {report}; import quartify.cli.main"],
        env=env, capture_output=True, text=True, check=True)
    assert imported.stdout.split() == ["0", "True"]
